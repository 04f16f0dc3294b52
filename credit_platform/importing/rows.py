"""What every import's row validation shares: the issues a row gets, choices by code or Chinese
label, dates, and the rule set's periods memoised per date (a file has few distinct dates)."""
import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from credit_platform import identifiers
from credit_platform.rules import entry_periods, publication_due, rule_set_in_force

ERROR, WARNING = "error", "warning"
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(slots=True)
class Issue:
    row: int
    field: str
    reason: str
    level: str = ERROR
    values: dict | None = None


@dataclass(slots=True)
class SubjectRow:
    """A valid row's subject: what ``credit_platform.importing.subjects.chunk_subjects`` reads."""

    number: int
    identifier: str
    name: str
    kind: str
    birth_date: datetime.date | None


def choice(value: str, codes, chinese: dict, aliases: dict | None = None) -> str | None:
    """The code ``value`` names: a code (any case), a Chinese label of ``chinese``, or an alias; else None."""
    lowered = value.strip().lower()
    if lowered in codes:
        return lowered
    for code, label in chinese.items():
        if value == label:
            return str(code)
    if aliases and value in aliases:
        return str(aliases[value])
    return None


def iso_date(text: str) -> datetime.date | None:
    """The date written ``YYYY-MM-DD``, or None."""
    try:
        return datetime.date.fromisoformat(text) if DATE_RE.match(text) else None
    except ValueError:
        return None


def identifier_check(identifier: str, kind: str, *, was_number: bool = False) -> tuple[datetime.date | None, str]:
    """``(birth date or None, "")`` for an identifier valid for ``kind``, else ``(None, reason)``;
    a cell Excel held as a number is told why its digits may be lost."""
    try:
        return identifiers.validate_for_kind(identifier, kind), ""
    except ValidationError as exc:
        reason = " ".join(exc.messages)
        if was_number:
            reason += " " + _("The cell holds a number, and Excel keeps only 15 digits: format the column as text.")
        return None, reason


class Periods:
    """``rule_set_in_force``, ``entry_periods`` and ``publication_due``, memoised."""

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
