"""Cases by state, kind, domain and month."""
import datetime
from collections import defaultdict

from django.db.models import Count, DateField, Q, Sum
from django.db.models.functions import TruncMonth

from credit_platform.domains import Domain, MeasureKind
from sanctions.models import CaseState
from supervision import tallies
from supervision.selectors.figures import ENDED_CASE_STATES, MONTH_EVENTS
from supervision.selectors.scope import Scope, _day_start, case_tally, cases

# --- cases: state, kind, domain, month ---------------------------------------------------------------


def case_breakdown(scope: Scope) -> dict:
    """Cases by state, by kind and by domain of the memorandum: one query grouped by all three."""
    by_state = {state: 0 for state in CaseState.values}
    by_kind = {kind: 0 for kind in MeasureKind.values}
    by_domain = {domain: 0 for domain in Domain.values}
    total = 0
    if tallies.enabled():
        rows = case_tally(scope).values("state", "kind", "memorandum__domain").annotate(n=Sum("n")).filter(n__gt=0).order_by()
    else:
        rows = cases(scope).values("state", "kind", "memorandum__domain").annotate(n=Count("pk")).order_by()
    for row in rows:
        by_state[row["state"]] = by_state.get(row["state"], 0) + row["n"]
        by_kind[row["kind"]] = by_kind.get(row["kind"], 0) + row["n"]
        by_domain[row["memorandum__domain"]] = by_domain.get(row["memorandum__domain"], 0) + row["n"]
        total += row["n"]
    return {"by_state": by_state, "by_kind": by_kind, "by_domain": by_domain, "total": total}


def _month_key(day: datetime.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def month_bounds(month: str) -> tuple[datetime.date, datetime.date]:
    """``YYYY-MM`` → (first day, first day of the next month). ValueError if malformed."""
    year, mon = (int(part) for part in month.split("-", 1))
    first = datetime.date(year, mon, 1)
    following = datetime.date(year + (mon == 12), 1 if mon == 12 else mon + 1, 1)
    return first, following


def _months_between(first: datetime.date, last: datetime.date, limit: int = 120) -> list[str]:
    months, day = [], first.replace(day=1)
    while day <= last and len(months) < limit:
        months.append(_month_key(day))
        day = month_bounds(_month_key(day))[1]
    return months


def cases_by_month(scope: Scope) -> list[dict]:
    """Per month: cases opened, pushed, fed back completely, and ended (repaired, expired, revoked).

    Each event is dated by its own column, over the cases in scope; four grouped queries.
    """
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(MONTH_EVENTS, 0))
    if tallies.enabled():
        _cases_by_month_from_tally(scope, counts)
    else:
        _cases_by_month_live(scope, counts)
    f = scope.filters
    known = sorted(counts)
    if known or (f.date_from and f.date_to):
        first = f.date_from or month_bounds(known[0])[0]
        last = f.date_to or month_bounds(known[-1])[0]
        if known:  # a case opened in the range may be pushed or end after it
            first, last = min(first, month_bounds(known[0])[0]), max(last, month_bounds(known[-1])[0])
        months = _months_between(first, last)
    else:
        months = []
    return [{"month": month, **counts.get(month, dict.fromkeys(MONTH_EVENTS, 0))} for month in months]


def _cases_by_month_from_tally(scope: Scope, counts) -> None:
    base = case_tally(scope)
    for event, column in (("opened", "created_on"), ("pushed", "pushed_month"), ("completed", "completed_month")):
        rows = (
            base.filter(**{f"{column}__isnull": False})
            .annotate(m=TruncMonth(column, output_field=DateField()))
            .values("m").annotate(total=Sum("n")).filter(total__gt=0).order_by()
        )
        for row in rows:
            counts[_month_key(row["m"])][event] += row["total"]
    ended = (
        base.filter(state__in=ENDED_CASE_STATES, ended_month__isnull=False)
        .values("ended_month", "state").annotate(total=Sum("n")).filter(total__gt=0).order_by()
    )
    for row in ended:
        counts[_month_key(row["ended_month"])][row["state"]] += row["total"]


def _cases_by_month_live(scope: Scope, counts) -> None:
    base = cases(scope)
    for event, column in (("opened", "created_at"), ("pushed", "pushed_at"), ("completed", "completed_at")):
        rows = (
            base.filter(**{f"{column}__isnull": False})
            .annotate(m=TruncMonth(column, output_field=DateField()))
            .values("m").annotate(n=Count("pk")).order_by()
        )
        for row in rows:
            counts[_month_key(row["m"])][event] += row["n"]
    ended = (
        base.filter(state__in=ENDED_CASE_STATES, ended_at__isnull=False)
        .annotate(m=TruncMonth("ended_at", output_field=DateField()))
        .values("m", "state").annotate(n=Count("pk")).order_by()
    )
    for row in ended:
        counts[_month_key(row["m"])][row["state"]] += row["n"]


def case_month_q(event: str, month: str) -> Q:
    """The drill-down of one cell of ``cases_by_month``."""
    column, state = MONTH_EVENTS[event]
    first, following = month_bounds(month)
    q = Q(**{f"{column}__gte": _day_start(first), f"{column}__lt": _day_start(following)})
    if state:
        q &= Q(state=state)
    return q
