"""双公示 punctuality: licensing and penalty decisions published within their working days, per
providing department (RULES.md "Licensing and penalty decisions": late publication counts against the
department). One aggregate query and the departments' names; each figure is a named ``Q`` that the
drill-down list (``kind=records``) filters with, so a number is the length of the list it opens."""
import datetime

from django.db.models import Count, Q, QuerySet

from credit_platform.models import Department
from records.models import RecordState
from supervision.selectors.scope import Scope, publicity_records

PUBLICITY_COLUMNS = ["due", "on_time", "late", "overdue", "pending"]


def publicity_figures(today: datetime.date) -> dict[str, Q]:
    """due: every decision with a 双公示 date; on_time / late: published by it or after it;
    overdue: not published and past it today; pending: not published, still in time."""
    return {
        "due": Q(),
        "on_time": Q(published_on_time=True),
        "late": Q(published_on_time=False),
        "overdue": Q(state=RecordState.DRAFT, publication_due__lt=today),
        "pending": Q(state=RecordState.DRAFT, publication_due__gte=today),
    }


def publicity_figure(queryset: QuerySet, figure: str, today: datetime.date) -> QuerySet:
    """The rows of one figure (KeyError for an unknown one: the views answer 404)."""
    return queryset.filter(publicity_figures(today)[figure]) if figure else queryset


def _rate(row: dict) -> float | None:
    """Share published on time of the decisions whose deadline has come (on time, late, overdue now)."""
    decided = row["on_time"] + row["late"] + row["overdue"]
    return round(100 * row["on_time"] / decided, 1) if decided else None


def publicity(scope: Scope) -> dict:
    """``{"rows": [{department_id, code, name, due, on_time, late, overdue, pending, on_time_rate}], "totals": {...}}``,
    worst first (most overdue, then most late)."""
    figures = publicity_figures(scope.today)
    counts = (
        publicity_records(scope).order_by().values("department_id")
        .annotate(**{name: Count("pk", filter=q) for name, q in figures.items()})
    )
    by_department = {row.pop("department_id"): row for row in counts}
    departments = {d.pk: d for d in Department.objects.filter(pk__in=by_department)}
    rows = [
        {"department_id": pk, "code": departments[pk].code, "name": departments[pk].display_name, **row, "on_time_rate": _rate(row)}
        for pk, row in by_department.items()
    ]
    rows.sort(key=lambda r: (-r["overdue"], -r["late"], r["code"]))
    totals = {c: sum(r[c] for r in rows) for c in PUBLICITY_COLUMNS}
    return {"rows": rows, "totals": {**totals, "on_time_rate": _rate(totals)}}
