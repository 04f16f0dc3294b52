"""The overview page, the API summary, the overdue trend and the escalations."""
import datetime

from django.db.models import QuerySet, Sum
from django.utils import timezone

from supervision.models import Escalation, ScorecardSnapshot
from supervision.selectors.cases import case_breakdown, cases_by_month
from supervision.selectors.departments import objections_and_repairs, open_counts, scorecard
from supervision.selectors.scope import Scope, _department_q

# --- the overview and the API summary -------------------------------------------------------------


def overview(scope: Scope) -> dict:
    """The overview page: the case breakdown, the month series, totals of the scorecard, objections and repairs."""
    breakdown = case_breakdown(scope)
    card = scorecard(scope)
    return {
        "cases": breakdown,
        "months": cases_by_month(scope),
        "assignments": card["totals"],
        "objections_repairs": objections_and_repairs(scope),
    }


SUMMARY_DEPARTMENT_FIELDS = [
    "code", "received", "signed_for_on_time", "signed_for_late", "fed_back_on_time", "fed_back_late", "overdue_now",
    "avg_working_days_to_sign_for", "avg_working_days_to_feed_back", "lifts_unconfirmed",
]


def summary(scope: Scope) -> dict:
    """``GET /api/v1/dashboard/summary/`` exactly as DESIGN.md lists it."""
    breakdown = case_breakdown(scope)
    card = scorecard(scope, order="code", with_measures=False)
    counts = open_counts(scope)
    return {
        "cases_by_state": breakdown["by_state"],
        "cases_by_domain": breakdown["by_domain"],
        "departments": [{field: row[field] for field in SUMMARY_DEPARTMENT_FIELDS} for row in card["rows"]],
        "objections_open": counts["objections_open"],
        "repairs_open": counts["repairs_open"],
        "generated_at": timezone.now(),
    }


def overdue_trend(scope: Scope, *, days: int = 90) -> list[dict]:
    """Overdue pushes at the end of each of the last ``days`` days, from the daily snapshots."""
    start = scope.today - datetime.timedelta(days=days)
    queryset = ScorecardSnapshot.objects.filter(day__gte=start, day__lte=scope.today)
    if not scope.sees_all:
        queryset = queryset.filter(department=scope.department)
    queryset = queryset.filter(_department_q("department", scope.filters))
    rows = queryset.values("day").annotate(overdue=Sum("overdue_now"), live=Sum("live"), lifts=Sum("lifts_unconfirmed")).order_by("day")
    return [{"day": row["day"].isoformat(), "overdue_now": row["overdue"], "live": row["live"], "lifts_unconfirmed": row["lifts"]} for row in rows]


def escalations(scope: Scope) -> QuerySet[Escalation]:
    """Escalations of the departments in scope (supervisors: all; a department: its own)."""
    queryset = Escalation.objects.all()
    if not scope.sees_all:
        queryset = queryset.filter(department=scope.department)
    return queryset.filter(_department_q("department", scope.filters)).select_related("department")
