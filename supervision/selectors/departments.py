"""The department tables: executing departments (the scorecard), initiating departments, and
objections and repairs per deciding department."""
from collections import defaultdict

from django.db.models import Avg, Count, Q, Sum

from credit_platform.models import Department
from objections.models import ObjectionState
from repair.models import RepairState
from supervision import tallies
from supervision.models import OpenWorkTally
from supervision.selectors.figures import (
    CASE_FIGURES,
    CASE_TALLY_FIGURES,
    FEEDBACK_FIGURES_FROM_ASSIGNMENT,
    OPEN_OBJECTION_STATES,
    OPEN_REPAIR_STATES,
    _count,
    _departments,
    _objection_figure,
    _repair_figure,
    _round,
    _sorted,
    assignment_figures,
)
from supervision.selectors.scope import (
    Scope,
    _on_side,
    assignment_tally,
    assignments,
    case_tally,
    cases,
    initiator_assignments,
    objection_urges,
    objections,
    repair_urges,
    repairs,
)

# --- executing departments: the scorecard --------------------------------------------------------------

SCORECARD_COUNTS = [
    "received", "signed_for_on_time", "signed_for_late", "fed_back_on_time", "fed_back_late", "overdue_now",
    "lifts_late", "lifts_unconfirmed", "returned",
]
SCORECARD_COLUMNS = [
    *SCORECARD_COUNTS, "avg_working_days_to_sign_for", "avg_working_days_to_feed_back", "times_urged", "applied", "hits",
]


def scorecard(scope: Scope, *, order: str = "", with_measures: bool = True) -> dict:
    """One row per executing department: pushes received and their punctuality, overdue work,
    lifting, urges, measures applied (``with_measures``; always there from the tally).

    Punctuality reads the columns the services fix when each step happens (working days, time
    held by an objection excluded): ``signed_for_on_time``, ``sign_for_working_days`` ...
    On PostgreSQL everything but the two figures that depend on today comes from the push tally
    (two queries whatever the number of pushes); elsewhere from the pushes themselves.
    """
    if tallies.enabled():
        by_department = _scorecard_from_tally(scope)
    else:
        by_department = _scorecard_live(scope, with_measures=with_measures)
    departments = _departments(by_department, scope=scope, role="executing")
    result = []
    for pk, department in departments.items():
        row = by_department.get(pk, {})
        result.append({
            "department_id": pk,
            "code": department.code,
            "name": department.display_name,
            **{name: row.get(name) or 0 for name in SCORECARD_COUNTS},
            "avg_working_days_to_sign_for": _round(row.get("avg_working_days_to_sign_for")),
            "avg_working_days_to_feed_back": _round(row.get("avg_working_days_to_feed_back")),
            "times_urged": row.get("times_urged") or 0,
            "applied": row.get("applied") or 0,
            "hits": row.get("hits") or 0,
        })
    result, order = _sorted(result, order, SCORECARD_COLUMNS + ["code"], "-overdue_now")
    totals = {name: sum(r[name] for r in result) for name in [*SCORECARD_COUNTS, "times_urged", "applied", "hits"]}
    return {"rows": result, "totals": totals, "order": order}


def _open_work_figures(scope: Scope, *, side: str, names) -> dict[int, dict]:
    """Figures that depend on today (overdue now, lifting unconfirmed), per department of a side
    (``department`` or ``initiating_department``): from the open work tally, summing its counts
    over the same predicates the pushes are filtered with (the tally has the same columns)."""
    figures = assignment_figures(scope.today)
    rows = (
        _on_side(OpenWorkTally.objects.all(), scope, side).values(f"{side}_id")
        .annotate(**{f"n_{n}": Sum("n", filter=figures[n]) for n in names})
        .order_by()
    )
    return {row.pop(f"{side}_id"): {k[2:]: v or 0 for k, v in row.items()} for row in rows}


def _scorecard_from_tally(scope: Scope) -> dict[int, dict]:
    rows = (
        assignment_tally(scope).values("department_id")
        .annotate(**{f"t_{name}": Sum(name) for name in tallies.ALL_ASSIGNMENT_MEASURES})
        .filter(t_received__gt=0)
        .order_by()
    )
    by_department = {}
    for row in rows:
        t = {k[2:]: v for k, v in row.items() if k.startswith("t_")}
        by_department[row["department_id"]] = {
            **t,
            "avg_working_days_to_sign_for": t["sign_for_working_days"] / t["signed_for"] if t["signed_for"] else None,
            "avg_working_days_to_feed_back": t["feedback_working_days"] / t["fed_back"] if t["fed_back"] else None,
        }
    for pk, figures in _open_work_figures(scope, side="department", names=["overdue_now", "lifts_unconfirmed"]).items():
        by_department.setdefault(pk, {}).update(figures)
    return by_department


def _scorecard_live(scope: Scope, *, with_measures: bool) -> dict[int, dict]:
    """The scorecard's figures aggregated from the pushes (SQLite; and the tests' reference)."""
    figures = assignment_figures(scope.today)
    # Aliased ("n_..."): some figures share their name with the column they count (signed_for_on_time).
    aggregates = {f"n_{name}": _count(figures[name]) for name in SCORECARD_COUNTS}
    rows = (
        assignments(scope).values("department_id")
        .annotate(
            **aggregates,
            n_avg_sign_for=Avg("sign_for_working_days"),
            n_avg_feed_back=Avg("feedback_working_days"),
            n_times_urged=Sum("urge_count"),
        )
        .order_by()
    )
    renamed = {"n_avg_sign_for": "avg_working_days_to_sign_for", "n_avg_feed_back": "avg_working_days_to_feed_back"}
    by_department = {row.pop("department_id"): {renamed.get(k, k[2:]): v for k, v in row.items()} for row in rows}
    if with_measures:
        # The feedback records of the pushes in scope, counted through one join from the pushes
        # (filter() before annotate(): the count reuses the join). Uses feedback_asg_measure_idx.
        measures = (
            assignments(scope).filter(feedback_records__isnull=False).values("department_id")
            .annotate(**{f"n_{name}": Count("feedback_records", filter=q) for name, q in FEEDBACK_FIGURES_FROM_ASSIGNMENT.items()})
            .order_by()
        )
        for row in measures:
            by_department.setdefault(row.pop("department_id"), {}).update({k[2:]: v for k, v in row.items()})
    return by_department


# --- initiating departments ---------------------------------------------------------------------

INITIATOR_CASE_COUNTS = ["opened", "pushed", "live", "suspended", "ended"]
INITIATOR_ASSIGNMENT_COUNTS = ["returned", "overdue_now"]
INITIATOR_COLUMNS = [*INITIATOR_CASE_COUNTS, *INITIATOR_ASSIGNMENT_COUNTS]


def initiators(scope: Scope, *, order: str = "") -> dict:
    """One row per initiating department: cases opened, pushed, live, ended; pushes of its cases
    returned (not competent) and overdue now. Three queries (on the tallies on PostgreSQL)."""
    if tallies.enabled():
        case_rows = (
            case_tally(scope).values("initiating_department_id")
            .annotate(**{name: Sum("n", filter=CASE_TALLY_FIGURES[name] or None) for name in INITIATOR_CASE_COUNTS})
            .filter(opened__gt=0)
            .order_by()
        )
        by_case = {row.pop("initiating_department_id"): row for row in case_rows}
        tally_rows = (
            assignment_tally(scope, side="initiating_department").values("initiating_department_id")
            .annotate(t_received=Sum("received"), t_returned=Sum("returned"))
            .filter(t_received__gt=0)
            .order_by()
        )
        by_assignment = {row["initiating_department_id"]: {"returned": row["t_returned"]} for row in tally_rows}
        open_figures = _open_work_figures(scope, side="initiating_department", names=["overdue_now"])
        for pk, figures in open_figures.items():
            by_assignment.setdefault(pk, {}).update(figures)
    else:
        case_rows = (
            cases(scope).values("initiating_department_id")
            .annotate(**{name: _count(CASE_FIGURES[name]) for name in INITIATOR_CASE_COUNTS})
            .order_by()
        )
        by_case = {row.pop("initiating_department_id"): row for row in case_rows}
        figures = assignment_figures(scope.today)
        assignment_rows = (
            initiator_assignments(scope).values("case__initiating_department_id")
            .annotate(**{name: _count(figures[name]) for name in INITIATOR_ASSIGNMENT_COUNTS})
            .order_by()
        )
        by_assignment = {row.pop("case__initiating_department_id"): row for row in assignment_rows}
    departments = _departments([*by_case, *by_assignment], scope=scope, role="initiating")
    result = []
    for pk, department in departments.items():
        c, a = by_case.get(pk, {}), by_assignment.get(pk, {})
        result.append({
            "department_id": pk, "code": department.code, "name": department.display_name,
            **{name: c.get(name) or 0 for name in INITIATOR_CASE_COUNTS},
            **{name: a.get(name) or 0 for name in INITIATOR_ASSIGNMENT_COUNTS},
        })
    result, order = _sorted(result, order, INITIATOR_COLUMNS + ["code"], "-opened")
    totals = {name: sum(r[name] for r in result) for name in INITIATOR_COLUMNS}
    return {"rows": result, "totals": totals, "order": order}


# --- objections and repairs -----------------------------------------------------------------------

OBJECTION_COLUMNS = ["open", *ObjectionState.values, "overdue", "times_urged"]
REPAIR_COLUMNS = ["open", *RepairState.values, "overdue", "times_urged"]


def _per_department(queryset, department_field: str, states, open_states, overdue_queryset, urge_queryset, urge_field: str):
    by_department: dict[int, dict] = defaultdict(lambda: {"open": 0, **dict.fromkeys(states, 0), "overdue": 0, "times_urged": 0})
    for row in queryset.values(department_field, "state").annotate(n=Count("pk")).order_by():
        entry = by_department[row[department_field]]
        entry[row["state"]] = row["n"]
        if row["state"] in open_states:
            entry["open"] += row["n"]
    for row in overdue_queryset.values(department_field).annotate(n=Count("pk")).order_by():
        by_department[row[department_field]]["overdue"] = row["n"]
    for row in urge_queryset.values(urge_field).annotate(n=Count("pk")).order_by():
        by_department[row[urge_field]]["times_urged"] = row["n"]
    return by_department


def objections_and_repairs(scope: Scope) -> dict:
    """Objections per information provider and repairs per deciding department: in flight (open),
    by state, overdue now, urged. Seven queries."""
    objection_rows = _per_department(
        objections(scope), "provider_department_id", ObjectionState.values, OPEN_OBJECTION_STATES,
        _objection_figure(objections(scope), "overdue", scope.today), objection_urges(scope), "objection__provider_department_id",
    )
    repair_rows = _per_department(
        repairs(scope), "deciding_department_id", RepairState.values, OPEN_REPAIR_STATES,
        _repair_figure(repairs(scope), "overdue", scope.today), repair_urges(scope), "repair__deciding_department_id",
    )
    departments = {d.pk: d for d in Department.objects.filter(pk__in={*objection_rows, *repair_rows})}

    def table(rows, columns):
        result = [
            {"department_id": pk, "code": departments[pk].code, "name": departments[pk].display_name, **figures}
            for pk, figures in rows.items()
        ]
        result.sort(key=lambda r: (-r["overdue"], -r["open"], r["code"]))
        return {"rows": result, "totals": {c: sum(r[c] for r in result) for c in columns}}

    return {"objections": table(objection_rows, OBJECTION_COLUMNS), "repairs": table(repair_rows, REPAIR_COLUMNS)}


def open_counts(scope: Scope) -> dict:
    """Objections and repairs in flight, and overdue: four counts in two queries."""
    o = objections(scope).aggregate(open=Count("pk", filter=Q(state__in=OPEN_OBJECTION_STATES)))
    r = repairs(scope).aggregate(open=Count("pk", filter=Q(state__in=OPEN_REPAIR_STATES)))
    return {"objections_open": o["open"], "repairs_open": r["open"]}
