"""The working-day calendar every deadline is counted with (RULES.md, "Counting time").

The status of a day comes from the first source that knows it:

1. a ``CalendarOverride`` row for that date (entered by the credit office);
2. the ``chinese_calendar`` library (official arrangements 2004–2026, with make-up working days);
3. for a year with an ``OfficialCalendarYear`` row: Monday–Friday work (the overrides, step 1,
   carry that year's holidays and make-up working days);
4. otherwise a PROVISIONAL calendar: weekends plus the statutory holidays the ``holidays`` package
   computes by rule, without make-up working days. Due dates that depend on it say so
   (``DueDate.provisional``) and are recomputed when the year's arrangement is published.

Conventions:

- ``add_working_days(d, n)``: a deadline of n working days opened on day d falls at the end of the
  nth working day after d (d itself never counts, whether or not it is a working day).
- ``working_days_between(start, end)``: the number of working days in the half-open interval
  (start, end]: "it took k working days", "the clock stood still for k working days". So
  ``working_days_between(d, add_working_days(d, n).date) == n``.
- Datetimes are turned into the local date first (``timezone.localdate``).

The override and official-year tables are tiny and read on hot paths (a push computes due dates for
thousands of assignments in one transaction), so each process keeps a snapshot of them and checks
with one cheap aggregate query per call that it is still current (see ``_fingerprint``). A caller
with many dates to compute takes ``current_calendar()`` once and uses its methods: no query at all.
"""
import datetime
import logging
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Callable

import chinese_calendar
import holidays
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from credit_platform import events
from credit_platform.models import CalendarOverride, OfficialCalendarYear

logger = logging.getLogger(__name__)

# Where a day's status came from (also the vocabulary of audit events and the admin).
SOURCE_OVERRIDE = "override"  # entered by the credit office
SOURCE_LIBRARY = "library"  # chinese_calendar: the State Council's arrangement
SOURCE_OFFICIAL = "official"  # a published year: weekdays work, its overrides carry the rest
SOURCE_PROVISIONAL = "provisional"  # weekends + rule-based statutory holidays, no make-up days

WORKING = "working_day"
HOLIDAY = "holiday"

DateLike = datetime.date | datetime.datetime


@dataclass(frozen=True, slots=True)
class DueDate:
    """A deadline: the day it falls on (at the end of that day), and whether it rests on a guess."""

    date: datetime.date
    provisional: bool = False  # a day of the walk came from the provisional calendar


def as_local_date(value: DateLike) -> datetime.date:
    """The local date of a date or datetime (aware datetimes in the current time zone)."""
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, datetime.date):
        return value
    raise TypeError(f"Expected a date or datetime, got {type(value).__name__}.")


# --- Per-year bases that do not depend on the database (memoised for the process) --------------


def _days_of_year(year: int):
    day = datetime.date(year, 1, 1)
    while day.year == year:
        yield day
        day += datetime.timedelta(days=1)


@lru_cache(maxsize=None)
def _library_working_days(year: int) -> frozenset[datetime.date] | None:
    """The working days chinese_calendar knows for ``year``, or None if it does not know the year."""
    try:
        chinese_calendar.is_workday(datetime.date(year, 1, 1))
    except NotImplementedError:
        return None
    return frozenset(day for day in _days_of_year(year) if chinese_calendar.is_workday(day))


@lru_cache(maxsize=None)
def _provisional_working_days(year: int) -> frozenset[datetime.date]:
    """Weekdays that are not statutory holidays by rule (no make-up working days: unknown yet)."""
    statutory = holidays.China(years=year)
    return frozenset(day for day in _days_of_year(year) if day.weekday() < 5 and day not in statutory)


def library_knows_year(year: int) -> bool:
    return _library_working_days(year) is not None


# --- The snapshot of the database part --------------------------------------------------------


class WorkingCalendar:
    """The calendar as of one snapshot of the overrides and official years. Makes no queries."""

    def __init__(self, *, overrides: dict[datetime.date, bool], official_years: frozenset[int]):
        self._overrides = overrides
        self._official_years = official_years

    def day_status(self, day: DateLike) -> tuple[bool, str]:
        """``(is_working_day, source)`` of one day, source one of the SOURCE_* constants."""
        return self._status(as_local_date(day))

    def _status(self, day: datetime.date) -> tuple[bool, str]:
        if day in self._overrides:
            return self._overrides[day], SOURCE_OVERRIDE
        library = _library_working_days(day.year)
        if library is not None:
            return day in library, SOURCE_LIBRARY
        if day.year in self._official_years:
            return day.weekday() < 5, SOURCE_OFFICIAL
        return day in _provisional_working_days(day.year), SOURCE_PROVISIONAL

    def is_working_day(self, day: DateLike) -> bool:
        return self.day_status(day)[0]

    def is_year_provisional(self, year: int) -> bool:
        """True if the year's arrangement is neither in the library nor published by the office."""
        return not library_knows_year(year) and year not in self._official_years

    def add_working_days(self, start: DateLike, n: int) -> DueDate:
        """The end of the nth working day after ``start`` (``start`` itself never counts); n=0: start."""
        if n < 0:
            raise ValueError("n must not be negative.")
        day = as_local_date(start)
        provisional = False
        while n:
            day += datetime.timedelta(days=1)
            working, source = self._status(day)
            provisional = provisional or source == SOURCE_PROVISIONAL
            if working:
                n -= 1
        return DueDate(day, provisional)

    def working_days_between(self, start: DateLike, end: DateLike) -> int:
        """Working days in (start, end]; negative (the same count) when end is before start."""
        start, end = as_local_date(start), as_local_date(end)
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += datetime.timedelta(days=1)
            count += self._status(day)[0]
        return count


_snapshot: tuple[tuple, WorkingCalendar] | None = None


def _fingerprint() -> tuple:
    """One cheap query whose result changes whenever a row is added to, removed from or changes
    status in the override and official-year tables.

    Ids are never reused (PostgreSQL sequences; on SQLite a rolled-back id may be, but the creation
    time then differs), so count + sum of ids tells the set of rows; the sum of the ids of working
    overrides tells their statuses. The date of an override and the year of an official year are
    never changed in place (the services do not, the admin shows them read-only once saved).
    """
    override_table = connection.ops.quote_name(CalendarOverride._meta.db_table)
    year_table = connection.ops.quote_name(OfficialCalendarYear._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {override_table}),"
            f" (SELECT SUM(id) FROM {override_table}),"
            f" (SELECT SUM(CASE WHEN is_working_day THEN id ELSE 0 END) FROM {override_table}),"
            f" (SELECT MAX(created_at) FROM {override_table}),"
            f" (SELECT COUNT(*) FROM {year_table}),"
            f" (SELECT SUM(id) FROM {year_table}),"
            f" (SELECT MAX(created_at) FROM {year_table})"
        )
        return tuple(cursor.fetchone())


def current_calendar() -> WorkingCalendar:
    """The calendar as the database has it now: one query, three when the tables have changed."""
    global _snapshot
    fingerprint = _fingerprint()
    snapshot = _snapshot
    if snapshot is not None and snapshot[0] == fingerprint:
        return snapshot[1]
    calendar = WorkingCalendar(
        overrides=dict(CalendarOverride.objects.values_list("date", "is_working_day")),
        official_years=frozenset(OfficialCalendarYear.objects.values_list("year", flat=True)),
    )
    _snapshot = (fingerprint, calendar)
    return calendar


def invalidate_cache() -> None:
    """Forget this process's snapshot (the fingerprint would catch the change anyway)."""
    global _snapshot
    _snapshot = None


def is_working_day(day: DateLike) -> bool:
    return current_calendar().is_working_day(day)


def add_working_days(start: DateLike, n: int) -> DueDate:
    """The due date of a deadline of n working days opened on ``start`` (see the module docstring)."""
    return current_calendar().add_working_days(start, n)


def working_days_between(start: DateLike, end: DateLike) -> int:
    """Working days in (start, end] (see the module docstring)."""
    return current_calendar().working_days_between(start, end)


# --- Recomputing provisional due dates ----------------------------------------------------------

_provisional_recomputes: list[Callable[[int], int]] = []


def register_provisional_recompute(func: Callable[[int], int]) -> Callable[[int], int]:
    """Register ``func(year) -> number of rows recomputed``; usable as a decorator.

    An app that stores due dates with their ``provisional`` flag registers (in its AppConfig.ready)
    a function that recomputes its provisional due dates touching ``year``. It is called after the
    commit of every change to that year's calendar (publication, or a single override), possibly
    more than once for the same change (a retry, two edits in a row), so it must be idempotent:
    recompute from the stored opening date, never shift the stored due date.
    """
    if func not in _provisional_recomputes:
        _provisional_recomputes.append(func)
    return func


def _run_recompute(func: Callable[[int], int], year: int) -> None:
    count = func(year)
    logger.info("Recomputed %s provisional due dates of %s with %s.", count, year, getattr(func, "__qualname__", func))


def _schedule_recomputes(year: int) -> None:
    # Robust: one failing app must not stop the others, nor turn a committed change into an error.
    for func in list(_provisional_recomputes):
        transaction.on_commit(partial(_run_recompute, func, year), robust=True)


# --- Services -------------------------------------------------------------------------------------


def _state(is_working: bool | None) -> str:
    if is_working is None:
        return ""
    return WORKING if is_working else HOLIDAY


@transaction.atomic(savepoint=False)
def _override_upsert(*, date: datetime.date, is_working_day: bool, note: str, actor, reason: str = "", extra: dict | None = None):
    """Write one override and its audit event; returns ``(override, changed)``."""
    # Lock the day's row so two concurrent edits of one date are audited in order.
    override = CalendarOverride.objects.select_for_update().filter(date=date).first()
    old = override.is_working_day if override is not None else None
    if override is not None and old == is_working_day and override.note == note:
        return override, False
    if override is None:
        override = CalendarOverride(date=date, is_working_day=is_working_day, note=note, created_by=actor if getattr(actor, "pk", None) else None)
        override.full_clean()
        override.save()
    else:
        override.is_working_day, override.note = is_working_day, note
        override.full_clean()
        override.save(update_fields=["is_working_day", "note"])
    events.calendar_override_set(
        override,
        actor,
        from_state=_state(old),
        to_state=_state(is_working_day),
        reason=reason,
        extra={"date": date, "note": note, **(extra or {})},
    )
    return override, True


@transaction.atomic
def calendar_override_set(*, date: datetime.date, is_working_day: bool, note: str = "", actor=None) -> CalendarOverride:
    """Set one day's status by hand; recomputes the year's provisional due dates after commit.

    Not durable: the admin calls it inside its own transaction.
    """
    date = as_local_date(date)
    override, changed = _override_upsert(date=date, is_working_day=is_working_day, note=note, actor=actor)
    if changed:
        invalidate_cache()
        _schedule_recomputes(date.year)
    return override


@transaction.atomic
def calendar_override_delete(*, override: CalendarOverride, actor=None) -> None:
    """Remove an override: the day falls back to the library, official or provisional calendar."""
    # Lock the row so a concurrent edit of the same day does not resurrect it half-way.
    override = CalendarOverride.objects.select_for_update().get(pk=override.pk)
    events.calendar_override_deleted(
        override,
        actor,
        from_state=_state(override.is_working_day),
        extra={"date": override.date, "note": override.note},
    )
    year = override.date.year
    override.delete()
    invalidate_cache()
    _schedule_recomputes(year)


def overrides_for_year(year: int) -> list[tuple[datetime.date, bool, str]]:
    """The overrides entered for ``year``, as ``calendar_publish_year`` takes its ``days``."""
    rows = CalendarOverride.objects.filter(date__year=year).order_by("date")
    return [(row.date, row.is_working_day, row.note) for row in rows.only("date", "is_working_day", "note")]


def calendar_publish_year_validate(*, year: int, days: list[tuple[datetime.date, bool, str]]) -> None:
    """Raise ValidationError unless ``days`` can publish ``year`` (the admin form calls it too)."""
    if OfficialCalendarYear.objects.filter(year=year).exists():
        raise ValidationError({"year": [_("The arrangement of %(year)s has already been published.") % {"year": year}]}, code="duplicate")
    seen: dict[datetime.date, bool] = {}
    for date, working, _note in days:
        if date.year != year:
            raise ValidationError(_("%(date)s is not in %(year)s.") % {"date": date.isoformat(), "year": year}, code="wrong_year")
        if seen.setdefault(date, working) != working:
            raise ValidationError(_("%(date)s is entered both as a working day and as a holiday.") % {"date": date.isoformat()}, code="conflict")
    holiday_entered = any(not working for working in seen.values()) or CalendarOverride.objects.filter(
        date__year=year, is_working_day=False
    ).exclude(date__in=list(seen)).exists()
    if not holiday_entered:
        # A year without a single holiday is a year whose arrangement has not been entered yet.
        raise ValidationError(_("Enter the holidays of %(year)s as calendar overrides before publishing the year.") % {"year": year}, code="no_holidays")


@transaction.atomic
def calendar_publish_year(*, year: int, source: str, days: list[tuple[datetime.date, bool, str]], actor=None) -> OfficialCalendarYear:
    """Publish the State Council's arrangement of ``year``: its days become overrides, the year official.

    After commit every registered recompute function runs for the year, so due dates computed from
    the provisional calendar move to the official one. Not durable: the admin calls it inside its
    own transaction. A concurrent second publication of the year fails on the unique year.
    """
    days = [(as_local_date(date), bool(working), note or "") for date, working, note in days]
    calendar_publish_year_validate(year=year, days=days)
    changed = 0
    for date, working, note in days:
        _override, was_changed = _override_upsert(
            date=date, is_working_day=working, note=note, actor=actor, extra={"published_with_year": year}
        )
        changed += was_changed
    official = OfficialCalendarYear(year=year, source=source)
    official.full_clean()
    official.save()
    entered = CalendarOverride.objects.filter(date__year=year)
    events.calendar_year_published(
        official,
        actor,
        to_state="official",
        extra={
            "year": year,
            "source": source,
            "days_given": len(days),
            "overrides_changed": changed,
            "holidays": entered.filter(is_working_day=False).count(),
            "make_up_working_days": entered.filter(is_working_day=True).count(),
            "library_knows_year": library_knows_year(year),
        },
    )
    invalidate_cache()
    _schedule_recomputes(year)
    return official

