"""Validation of one import row: every column, with the reasons a row is refused."""
import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from credit_platform import identifiers
from credit_platform.domains import Domain, ListType
from credit_platform.models import Subject, SubjectKind
from credit_platform.rules import entry_periods, publication_due, rule_set_in_force
from lists import labels
from lists.importing.files import COLUMNS, OPTIONAL_COLUMNS
from lists.models import BASIS_MAX_LENGTH, ListEntry, Severity, black_domain_refusal

ERROR, WARNING = "error", "warning"
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# The API's limits (lists.api), so an import accepts nothing the API would refuse.
MAX_LENGTH = {
    "name": Subject._meta.get_field("name").max_length,
    "decision_number": ListEntry._meta.get_field("decision_number").max_length,
    "basis": BASIS_MAX_LENGTH,
    **{column: BASIS_MAX_LENGTH for column in OPTIONAL_COLUMNS},
}


@dataclass(slots=True)
class Issue:
    row: int
    field: str
    reason: str
    level: str = ERROR
    values: dict | None = None


@dataclass(slots=True)
class Row:
    number: int
    identifier: str
    name: str
    kind: str
    list_type: str
    severity: str
    domain: str
    basis: str
    decision_number: str
    decided_on: datetime.date
    birth_date: datetime.date | None
    rule_set: object
    repair_possible_from: datetime.date
    publication_due: datetime.date
    publication_due_provisional: bool
    publication_ends_on: datetime.date
    facts: str = ""
    exit_conditions: str = ""
    remedies: str = ""


def _choice(value: str, codes, chinese: dict, aliases: dict | None = None) -> str | None:
    lowered = value.strip().lower()
    if lowered in codes:
        return lowered
    for code, label in chinese.items():
        if value == label:
            return str(code)
    if aliases and value in aliases:
        return str(aliases[value])
    return None


class Periods:
    """``rule_set_in_force`` and ``entry_periods``, memoised per date (a file has few distinct dates)."""

    def __init__(self):
        self._rule_sets, self._bounds, self._due = {}, {}, {}

    def rule_set(self, day):
        if day not in self._rule_sets:
            self._rule_sets[day] = rule_set_in_force(day)
        return self._rule_sets[day]

    def bounds(self, rule_set, severity, day):
        key = (rule_set.pk, severity, day)
        if key not in self._bounds:
            self._bounds[key] = entry_periods(rule_set, severity, day)
        return self._bounds[key]

    def publication_due(self, rule_set, day):
        key = (rule_set.pk, day)
        if key not in self._due:
            self._due[key] = publication_due(rule_set, day)
        return self._due[key]


def validate_row(number: int, values: dict, *, today: datetime.date, periods: Periods, identifier_was_number: bool = False):
    """``(Row or None, [Issue])``: the row ready to import, or the reasons it is refused (one per column)."""
    issues = []

    def refuse(field, reason):
        issues.append(Issue(number, field, reason, ERROR, values))

    for key in COLUMNS:
        if not values[key]:
            refuse(key, _("This value is required."))
    for key in (*COLUMNS, *OPTIONAL_COLUMNS):
        if "\ufffd" in values.get(key, ""):
            refuse(key, _("The text cannot be read: the file mixes encodings (save it as UTF-8)."))
    for key, limit in MAX_LENGTH.items():
        if len(values.get(key, "")) > limit:
            refuse(key, _("At most %(n)d characters.") % {"n": limit})

    kind = _choice(values["kind"], SubjectKind.values, labels.KIND, labels.KIND_ALIASES) if values["kind"] else None
    if values["kind"] and kind is None:
        refuse("kind", _("Unknown kind “%(value)s”; expected one of: %(choices)s.") % {"value": values["kind"], "choices": ", ".join(SubjectKind.values)})
    list_type = _choice(values["list_type"], ListType.values, labels.LIST_TYPE, labels.LIST_TYPE_ALIASES) if values["list_type"] else None
    if values["list_type"] and list_type is None:
        refuse("list_type", _("Unknown list “%(value)s”; expected one of: %(choices)s.") % {"value": values["list_type"], "choices": ", ".join(ListType.values)})
    severity = _choice(values["severity"], Severity.values, labels.SEVERITY, labels.SEVERITY_ALIASES) if values["severity"] else None
    if values["severity"] and severity is None:
        refuse("severity", _("Unknown severity “%(value)s”; expected one of: %(choices)s.") % {"value": values["severity"], "choices": ", ".join(Severity.values)})
    domain = _choice(values["domain"], Domain.values, labels.DOMAIN) if values["domain"] else None
    if values["domain"] and domain is None:
        refuse("domain", _("Unknown domain “%(value)s”; expected one of: %(choices)s.") % {"value": values["domain"], "choices": ", ".join(Domain.values)})
    elif list_type and domain and black_domain_refusal(list_type, domain):
        refuse("domain", black_domain_refusal(list_type, domain))

    identifier = identifiers.normalise(values["identifier"])
    birth_date = None
    if identifier and kind:
        try:
            birth_date = identifiers.validate_for_kind(identifier, kind)
        except ValidationError as exc:
            reason = " ".join(exc.messages)
            if identifier_was_number:
                reason += " " + _("The cell holds a number, and Excel keeps only 15 digits: format the column as text.")
            refuse("identifier", reason)

    decided_on = None
    if values["decided_on"]:
        text = values["decided_on"]
        try:
            decided_on = datetime.date.fromisoformat(text) if DATE_RE.match(text) else None
        except ValueError:
            decided_on = None
        if decided_on is None:
            refuse("decided_on", _("Enter a real date as YYYY-MM-DD."))
        elif decided_on > today:
            refuse("decided_on", _("The decision date cannot be in the future."))
            decided_on = None

    rule_set = minimum = maximum = None
    if decided_on and severity:
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
        number=number, identifier=identifier, name=values["name"], kind=kind, list_type=list_type, severity=severity,
        domain=domain, basis=values["basis"], decision_number=values["decision_number"], decided_on=decided_on,
        birth_date=birth_date, rule_set=rule_set, repair_possible_from=minimum, publication_ends_on=maximum,
        publication_due=due.date, publication_due_provisional=due.provisional,
        **{column: values.get(column, "") for column in OPTIONAL_COLUMNS},
    )
    return row, []
