"""The dates the engine accepts from a user: a window wide enough for every real decision, narrow
enough that no computation on a date (a day added, a month bound, a time zone) leaves the calendar.

``EARLIEST`` (1990-01-01: before any credit list) and ``LATEST`` (2099-12-31) bound every date a
user gives (case periods, dashboard filters); a case's period of measures lasts at most
``MAX_PERIOD_YEARS`` (the longest publication is 3 years; 20 leaves room for rewards and
multi-year bars without letting a typo run for centuries).
"""
import datetime

from django.utils.translation import gettext as _

EARLIEST = datetime.date(1990, 1, 1)
LATEST = datetime.date(2099, 12, 31)
MAX_PERIOD_YEARS = 20


def out_of_range(day: datetime.date | None) -> str:
    """The error message for ``day`` outside [EARLIEST, LATEST], or "" when it is inside (or None)."""
    if day is None or EARLIEST <= day <= LATEST:
        return ""
    return _("Give a date between %(earliest)s and %(latest)s.") % {"earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()}


def period_errors(start: datetime.date | None, end: datetime.date | None) -> dict[str, list[str]]:
    """Errors by field (``period_start``, ``period_end``) for a period of measures outside the bounds."""
    errors: dict[str, list[str]] = {}
    for field, day in (("period_start", start), ("period_end", end)):
        message = out_of_range(day)
        if message:
            errors[field] = [message]
    if not errors and start and end and end > _add_years(start, MAX_PERIOD_YEARS):
        errors["period_end"] = [_("A period of measures lasts at most %(years)d years.") % {"years": MAX_PERIOD_YEARS}]
    return errors


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
