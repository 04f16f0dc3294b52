"""Validation of one record import row: the rules of ``records.services.record_create`` on text cells.

The same rules as entering a record (DESIGN.md "Contract details", RULES.md): only a providing
department of the type (or the credit office) records under it; a consent-needing type needs a
``consent_reference``; the type's fields only (``catalogue.content_errors``); a penalty has a
severity (default 一般; 警告 or 通报批评 alone: 轻微) and a basis; dates inside the window and no
decision in the future; periods from ``records.services.record_periods`` (the 7-working-day
publication date, provisional years flagged). National extras: 行政相对人类别 法人及非法人组织 gives
the kind from the USCC's characters 1-2; 当前状态 2 imports the record removed (revoked);
公示截止期 sets ``publication_ends_on``.
"""
import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from credit_platform import dates, identifiers
from credit_platform.domains import Domain, Severity
from credit_platform.importing.rows import (
    ERROR,
    Issue,
    Periods,
    SubjectRow,
    choice,
    identifier_check,
)
from credit_platform.models import Subject, SubjectKind
from lists import labels
from records import catalogue
from records.models import BASIS_MAX_LENGTH, CreditRecord, RecordKind
from records.services import record_periods

# The API's limits, so an import accepts nothing the API would refuse.
MAX_LENGTH = {
    "name": Subject._meta.get_field("name").max_length,
    "decision_number": CreditRecord._meta.get_field("decision_number").max_length,
    "basis": BASIS_MAX_LENGTH,
    "consent_reference": CreditRecord._meta.get_field("consent_reference").max_length,
}
SEVERITY_KINDS = (RecordKind.PENALTY, RecordKind.DISHONESTY)
ORGANISATION = "法人及非法人组织"  # the national category: the USCC tells which
KIND_ALIASES = {**labels.KIND_ALIASES, "法人和非法人组织": None, ORGANISATION: None}
SEVERITY_ALIASES = {"轻微": Severity.MINOR, "一般": Severity.GENERAL, "严重": Severity.SEVERE}
# 处罚类别 that alone make a penalty minor (shuanggongshi.md: severity default 一般; 警告, 通报批评 alone 轻微).
MINOR_CATEGORIES = {"警告", "通报批评"}
STATUS = {"1": False, "有效": False, "": False, "2": True, "无效": True}
DATE_FORMATS = (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
                re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"), re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
                re.compile(r"^(\d{4})(\d{2})(\d{2})$"))


@dataclass(slots=True)
class Row(SubjectRow):
    record_type: object
    decision_number: str
    decided_on: datetime.date
    severity: str
    domain: str
    basis: str
    content: dict
    valid_until: datetime.date | None
    consent_reference: str
    periods: object  # records.services.RecordPeriods
    publication_ends_on: datetime.date | None
    revoked: bool
    values: dict = field(default_factory=dict)


def parse_date(text: str) -> datetime.date | None:
    for pattern in DATE_FORMATS:
        found = pattern.match(text)
        if found:
            try:
                return datetime.date(*map(int, found.groups()))
            except ValueError:
                return None
    return None


class RowContext:
    """What every row of one import is checked against: the types (by code and name), the uploader's
    department, the type given with the upload, and the periods memoised per (kind, severity, dates)."""

    def __init__(self, *, types, providing_type_ids, form_type, today):
        self.types = {t.code: t for t in types}
        self.types.update({t.name: t for t in types})
        self.providing_type_ids = providing_type_ids
        self.form_type = form_type
        self.today = today
        self.rule_sets = Periods()
        self._periods = {}

    def periods(self, kind, severity, decided_on, valid_until):
        key = (kind, severity, decided_on, valid_until)
        if key not in self._periods:
            self._periods[key] = record_periods(kind=kind, severity=severity, decided_on=decided_on, valid_until=valid_until,
                                                rule_set=self.rule_sets.rule_set(decided_on))
        return self._periods[key]


def _field_value(values: dict, field_spec: dict, columns) -> str:
    """A type field's cell: the column named by the field's name, else the column its label names."""
    if values.get(field_spec["name"]):
        return values[field_spec["name"]]
    label = field_spec.get("label", "")
    return values.get(columns.key(label)) or values.get(label) or ""


def _subject_kind(values: dict, identifier: str, refuse) -> str | None:
    text = values.get("subject_kind") or values.get("kind") or ""
    column = "subject_kind" if values.get("subject_kind") else "kind"
    if text:
        kind = choice(text, SubjectKind.values, labels.KIND, {k: v for k, v in KIND_ALIASES.items() if v})
        if kind is None and text in KIND_ALIASES:
            return identifiers.organisation_kind_from_uscc(identifier)
        if kind is None:
            refuse(column, _("Unknown kind “%(value)s”; expected one of: %(choices)s.")
                   % {"value": text, "choices": ", ".join([*SubjectKind.values, ORGANISATION])})
        return kind
    if values.get("id_number") and not values.get("identifier"):
        return SubjectKind.NATURAL_PERSON
    try:
        identifiers.validate_citizen_id(identifier)
    except ValidationError:
        return identifiers.organisation_kind_from_uscc(identifier)
    return SubjectKind.NATURAL_PERSON


def _date(values, key, refuse, *, required=False):
    text = values.get(key, "")
    if not text:
        if required:
            refuse(key, _("This value is required."))
        return None
    day = parse_date(text)
    if day is None:
        refuse(key, _("Enter a real date as YYYY-MM-DD."))
    elif dates.out_of_range(day):
        refuse(key, dates.out_of_range(day))
        day = None
    return day


def _severity(values, kind, refuse) -> str:
    text = values.get("severity", "")
    if text:
        severity = choice(text, Severity.values, labels.SEVERITY, {**labels.SEVERITY_ALIASES, **SEVERITY_ALIASES})
        if severity is None:
            refuse("severity", _("Unknown severity “%(value)s”; expected one of: %(choices)s.") % {"value": text, "choices": ", ".join(Severity.values)})
        elif kind not in SEVERITY_KINDS:
            refuse("severity", _("Only penalty and dishonesty records carry a severity."))
        return severity or ""
    if kind != RecordKind.PENALTY:
        return ""
    categories = {c.strip() for c in re.split(r"[;；,，、]", values.get("penalty_category", "")) if c.strip()}
    return Severity.MINOR if categories and categories <= MINOR_CATEGORIES else Severity.GENERAL


def validate_row(number: int, values: dict, *, context: RowContext, columns, identifier_was_number: bool = False):
    """``(Row or None, [Issue])``: the row ready to import, or the reasons it is refused (one per column)."""
    issues = []

    def refuse(column, reason):
        issues.append(Issue(number, column, reason, ERROR, values))

    for key, value in values.items():
        if "\ufffd" in value:
            refuse(key, _("The text cannot be read: the file mixes encodings (save it as UTF-8)."))
    for key in ("name", "decision_number"):
        if not values.get(key):
            refuse(key, _("This value is required."))
    for key, limit in MAX_LENGTH.items():
        if len(values.get(key, "")) > limit:
            refuse(key, _("At most %(n)d characters.") % {"n": limit})

    record_type = context.form_type
    if values.get("record_type"):
        record_type = context.types.get(values["record_type"])
        if record_type is None:
            refuse("record_type", _("Unknown record type “%(value)s”.") % {"value": values["record_type"]})
    elif record_type is None:
        refuse("record_type", _("Name the record type: the record_type column, or the type given with the upload."))
    if record_type is not None and record_type.pk not in context.providing_type_ids:
        refuse("record_type", _("Only a providing department of this record type can enter its records."))
        record_type = None
    kind = record_type.kind if record_type is not None else None

    identifier = identifiers.normalise(values.get("identifier") or values.get("id_number"))
    subject_kind = _subject_kind(values, identifier, refuse) if identifier else None
    if not identifier:
        refuse("identifier", _("This value is required."))
    birth_date = None
    if identifier and subject_kind:
        birth_date, reason = identifier_check(identifier, subject_kind, was_number=identifier_was_number)
        if reason:
            refuse("identifier", reason)

    decided_on = _date(values, "decided_on", refuse, required=True)
    if decided_on and decided_on > context.today:
        refuse("decided_on", _("The decision date cannot be in the future."))
        decided_on = None
    valid_until = _date(values, "valid_until", refuse)
    if valid_until and decided_on and valid_until < decided_on:
        refuse("valid_until", _("The validity cannot end before the decision date."))
    publicity_until = _date(values, "publicity_until", refuse)
    if values.get("status", "") not in STATUS:
        refuse("status", _("Unknown status “%(value)s”: 1 (valid) or 2 (invalid).") % {"value": values["status"]})

    severity = domain = ""
    content = {}
    if record_type is not None:
        severity = _severity(values, kind, refuse)
        if values.get("domain"):
            domain = choice(values["domain"], Domain.values, labels.DOMAIN) or ""
            if not domain:
                refuse("domain", _("Unknown domain “%(value)s”; expected one of: %(choices)s.") % {"value": values["domain"], "choices": ", ".join(Domain.values)})
        if kind in SEVERITY_KINDS and not domain:
            domain = record_type.domain or Domain.OTHER
        if kind == RecordKind.PENALTY and not values.get("basis"):
            refuse("basis", _("Cite the legal basis of the penalty."))
        if record_type.needs_consent and not values.get("consent_reference"):
            refuse("consent_reference", _("A record of “%(type)s” needs the reference of the subject's written consent (%(basis)s).")
                   % {"type": record_type.name, "basis": catalogue.LEGAL_BASIS})
        content = {f["name"]: _field_value(values, f, columns) for f in record_type.fields or []}
        for messages in catalogue.content_errors(record_type.fields, content).values():
            for message in messages:
                refuse("content", message)

    if issues:
        return None, issues
    periods = context.periods(kind, severity, decided_on, valid_until)
    row = Row(
        number=number, identifier=identifier, name=values["name"], kind=subject_kind, birth_date=birth_date, record_type=record_type,
        decision_number=values["decision_number"], decided_on=decided_on, severity=severity, domain=domain, basis=values.get("basis", ""),
        content=catalogue.content_clean(record_type.fields, content), valid_until=valid_until,
        consent_reference=values.get("consent_reference", ""), periods=periods,
        publication_ends_on=publicity_until or periods.publication_ends_on, revoked=STATUS[values.get("status", "")], values=values,
    )
    return row, []
