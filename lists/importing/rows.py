"""Validation of one list import row: every column, with the reasons a row is refused."""
import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from credit_platform import identifiers
from credit_platform.domains import Domain, ListType
from credit_platform.importing.rows import (
    ERROR,
    Issue,
    Periods,
    SubjectRow,
    choice,
    identifier_check,
    iso_date,
)
from credit_platform.models import Subject, SubjectKind
from credit_platform.rules import red_valid_until
from lists import labels
from lists.importing.files import COLUMNS, OPTIONAL_COLUMNS
from lists.models import BASIS_MAX_LENGTH, ListEntry, Severity, black_domain_refusal

# The API's limits (lists.api), so an import accepts nothing the API would refuse.
MAX_LENGTH = {
    "name": Subject._meta.get_field("name").max_length,
    "decision_number": ListEntry._meta.get_field("decision_number").max_length,
    "basis": BASIS_MAX_LENGTH,
    **{column: BASIS_MAX_LENGTH for column in OPTIONAL_COLUMNS},
}


@dataclass(slots=True)
class Row(SubjectRow):
    list_type: str
    severity: str
    domain: str
    basis: str
    decision_number: str
    decided_on: datetime.date
    rule_set: object
    repair_possible_from: datetime.date | None
    publication_due: datetime.date
    publication_due_provisional: bool
    publication_ends_on: datetime.date | None
    valid_until: datetime.date | None  # red entries only
    facts: str = ""
    exit_conditions: str = ""
    remedies: str = ""


def validate_row(number: int, values: dict, *, today: datetime.date, periods: Periods, identifier_was_number: bool = False):
    """``(Row or None, [Issue])``: the row ready to import, or the reasons it is refused (one per column)."""
    issues = []

    def refuse(field, reason):
        issues.append(Issue(number, field, reason, ERROR, values))

    for key in COLUMNS:
        if not values[key] and key != "severity":  # a red entry has none: checked with the list below
            refuse(key, _("This value is required."))
    for key in (*COLUMNS, *OPTIONAL_COLUMNS):
        if "\ufffd" in values.get(key, ""):
            refuse(key, _("The text cannot be read: the file mixes encodings (save it as UTF-8)."))
    for key, limit in MAX_LENGTH.items():
        if len(values.get(key, "")) > limit:
            refuse(key, _("At most %(n)d characters.") % {"n": limit})

    kind = choice(values["kind"], SubjectKind.values, labels.KIND, labels.KIND_ALIASES) if values["kind"] else None
    if values["kind"] and kind is None:
        refuse("kind", _("Unknown kind “%(value)s”; expected one of: %(choices)s.") % {"value": values["kind"], "choices": ", ".join(SubjectKind.values)})
    list_type = choice(values["list_type"], ListType.values, labels.LIST_TYPE, labels.LIST_TYPE_ALIASES) if values["list_type"] else None
    if values["list_type"] and list_type is None:
        refuse("list_type", _("Unknown list “%(value)s”; expected one of: %(choices)s.") % {"value": values["list_type"], "choices": ", ".join(ListType.values)})
    severity = choice(values["severity"], Severity.values, labels.SEVERITY, labels.SEVERITY_ALIASES) if values["severity"] else None
    if values["severity"] and severity is None:
        refuse("severity", _("Unknown severity “%(value)s”; expected one of: %(choices)s.") % {"value": values["severity"], "choices": ", ".join(Severity.values)})
    if list_type == ListType.RED and values["severity"]:
        refuse("severity", _("A red-list entry is no dishonesty and has no severity: leave the column empty."))
    elif list_type != ListType.RED and not values["severity"]:
        refuse("severity", _("This value is required."))
    domain = choice(values["domain"], Domain.values, labels.DOMAIN) if values["domain"] else None
    if values["domain"] and domain is None:
        refuse("domain", _("Unknown domain “%(value)s”; expected one of: %(choices)s.") % {"value": values["domain"], "choices": ", ".join(Domain.values)})
    elif list_type and domain and black_domain_refusal(list_type, domain):
        refuse("domain", black_domain_refusal(list_type, domain))

    identifier = identifiers.normalise(values["identifier"])
    birth_date = None
    if identifier and kind:
        birth_date, reason = identifier_check(identifier, kind, was_number=identifier_was_number)
        if reason:
            refuse("identifier", reason)

    decided_on = None
    if values["decided_on"]:
        text = values["decided_on"]
        decided_on = iso_date(text)
        if decided_on is None:
            refuse("decided_on", _("Enter a real date as YYYY-MM-DD."))
        elif decided_on > today:
            refuse("decided_on", _("The decision date cannot be in the future."))
            decided_on = None

    rule_set = minimum = maximum = valid_until = None
    if decided_on and list_type == ListType.RED:
        rule_set = periods.rule_set(decided_on)
        valid_until = red_valid_until(rule_set, decided_on)
        if valid_until < today:
            refuse("decided_on", _("The validity of a red-list decision of this date ended on %(end)s.") % {"end": valid_until.isoformat()})
    elif decided_on and severity:
        rule_set = periods.rule_set(decided_on)
        minimum, maximum = periods.bounds(rule_set, severity, decided_on)
        if maximum < today:
            refuse("decided_on", _("The publication period of a decision of this date ended on %(end)s.") % {"end": maximum.isoformat()})
        elif severity == Severity.MINOR and not rule_set.minor_published:
            refuse("severity", _("Minor dishonesty is not published under the rule set %(rule_set)s.") % {"rule_set": rule_set.code})

    if issues:
        return None, issues
    due = periods.publication_due(rule_set, decided_on)
    row = Row(
        number=number, identifier=identifier, name=values["name"], kind=kind, list_type=list_type, severity=severity or "",
        domain=domain, basis=values["basis"], decision_number=values["decision_number"], decided_on=decided_on,
        birth_date=birth_date, rule_set=rule_set, repair_possible_from=minimum, publication_ends_on=maximum, valid_until=valid_until,
        publication_due=due.date, publication_due_provisional=due.provisional,
        **{column: values.get(column, "") for column in OPTIONAL_COLUMNS},
    )
    return row, []
