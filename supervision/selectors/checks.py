"""应查必查 figures: the credit checks each department ran, per month (checks, hits, hits fed back,
green-channel answers), from the check log (``checks.models.CreditCheckLog``). One aggregate query
grouped by department and month, and the departments' names; each figure is a named ``Q`` that the
drill-down list filters with, so a number is the length of the list it opens. The log's index
(department, created_at) serves both the department's own view and the date filters."""
import datetime

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from checks.models import CreditCheckLog
from credit_platform.models import Department
from supervision.selectors.cases import month_bounds
from supervision.selectors.scope import Scope, _datetime_range, _department_q

CHECK_COLUMNS = ["checks", "hits", "fed_back", "green_channel"]


def check_figures() -> dict[str, Q]:
    """checks: every check; hits: a black entry or measures to apply or held; fed_back: hits the
    department said it used; green_channel: answers that the subject qualifies for 容缺受理."""
    return {
        "checks": Q(),
        "hits": Q(hit=True),
        "fed_back": Q(hit=True, fed_back_at__isnull=False),
        "green_channel": Q(green_channel=True),
    }


def check_logs(scope: Scope) -> QuerySet[CreditCheckLog]:
    """Checks in scope: for a department, its own; the filters on the checking department and the check's time."""
    queryset = CreditCheckLog.objects.all()
    if not scope.sees_all:
        queryset = queryset.filter(department=scope.department)
    f = scope.filters
    return queryset.filter(_department_q("department", f), _datetime_range("created_at", f.date_from, f.date_to))


def check_figure(queryset: QuerySet, figure: str = "", month: str = "") -> QuerySet:
    """The rows of one figure in one month (``YYYY-MM``, local time); KeyError / ValueError for unknown ones."""
    if figure:
        queryset = queryset.filter(check_figures()[figure])
    if month:
        first, following = month_bounds(month)
        queryset = queryset.filter(_datetime_range("created_at", first, following - datetime.timedelta(days=1)))
    return queryset


def _rate(row: dict) -> float | None:
    """Share of the hits fed back."""
    return round(100 * row["fed_back"] / row["hits"], 1) if row["hits"] else None


def checks_table(scope: Scope) -> dict:
    """``{"rows": [{department_id, code, name, month, checks, hits, fed_back, green_channel, feedback_rate}],
    "departments": [the same per department, months summed], "totals": {...}}``; newest month first."""
    figures = check_figures()
    counts = (
        check_logs(scope).order_by()
        .annotate(month_start=TruncMonth("created_at", tzinfo=timezone.get_current_timezone()))
        .values("department_id", "month_start")
        .annotate(**{name: Count("pk", filter=q) for name, q in figures.items()})
    )
    counts = list(counts)
    departments = {d.pk: d for d in Department.objects.filter(pk__in={row["department_id"] for row in counts})}

    def named(pk) -> dict:
        department = departments.get(pk)
        return {"department_id": pk, "code": department.code if department else "", "name": department.display_name if department else "—"}

    rows, by_department = [], {}
    for row in counts:
        month = timezone.localtime(row.pop("month_start")).strftime("%Y-%m")
        pk = row.pop("department_id")
        rows.append({**named(pk), "month": month, **row, "feedback_rate": _rate(row)})
        summed = by_department.setdefault(pk, {**named(pk), **{c: 0 for c in CHECK_COLUMNS}})
        for column in CHECK_COLUMNS:
            summed[column] += row[column]
    rows.sort(key=lambda r: (r["month"], r["checks"]), reverse=True)
    department_rows = sorted(by_department.values(), key=lambda r: (-r["checks"], r["code"]))
    for row in department_rows:
        row["feedback_rate"] = _rate(row)
    totals = {c: sum(r[c] for r in department_rows) for c in CHECK_COLUMNS}
    return {"rows": rows, "departments": department_rows, "totals": {**totals, "feedback_rate": _rate(totals)}}
