"""Every figure of the supervision dashboard, and the drill-down list behind each one.

How the figures stay true and cheap:

- **Permission-scoped.** Every queryset starts from the entity's access function
  (``sanctions.access.cases_for_user`` / ``assignments_for_user``, ``objections.access``,
  ``repair.access``). The leadership office and the credit office see everything; any other
  department sees its own figures: the cases it initiated, the pushes it received as executing
  department, the objections and repairs it decides or filed.
- **One predicate, two uses.** A figure is a named ``Q`` (``ASSIGNMENT_FIGURES`` ...). The page
  counts it with ``Count("pk", filter=Q)`` and its link opens ``dashboard/list/?kind=…&figure=…``,
  which filters the same scoped queryset with the same ``Q``: the number shown is the length of
  the list it links to, by construction.
- **Aggregates, never rows.** One ``values().annotate()`` query per figure group, grouped by a
  handful of columns (department, state, month); the number of queries does not depend on the
  number of rows. Indexes relied on: ``assignment_inbox_idx`` / ``assignment_signfor_idx``
  (department, state, due date) for the scorecard and overdue figures, ``jointcase.created_at`` and
  ``case_initiator_state_idx`` for the cases, the state/due indexes of objections and repairs.

Date range: case figures filter ``JointCase.created_at``, assignment figures
``Assignment.pushed_on``, objections and repairs their filing time (``created_at``); ``from`` and
``to`` are inclusive local dates. The department filter names the responsible department of each
kind of row (the initiator of a case, the executor of a push, the provider deciding an objection,
the department deciding a repair); the region filter matches the departments' region code by prefix
(province → city → district).
"""
import datetime
from collections import defaultdict
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, DateField, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from credit_platform.domains import Domain, MeasureKind
from credit_platform.dashboard import tallies
from credit_platform.models import AssignmentTally, CaseTally, Department, Escalation, OpenWorkTally, Urge
from credit_platform.permissions import can_see_everything, department_of, is_department_member
from objections.access import objections_for_user
from objections.models import Objection, ObjectionState
from objections.selectors import objections_overdue
from repair.access import repairs_for_user
from repair.models import RepairApplication, RepairState
from repair.selectors import repairs_overdue
from sanctions import access
from sanctions.models import Assignment, AssignmentState, CaseState, JointCase, MeasureFeedback
from sanctions.selectors import overdue_q

# --- filters and scope -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """The filters every dashboard view takes from its query string (``from``, ``to``, ``department``, ``region``)."""

    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    department: str = ""  # a department code
    region: str = ""  # a region code prefix

    def params(self, **extra) -> dict:
        params = {
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "department": self.department,
            "region": self.region,
            **extra,
        }
        return {k: v for k, v in params.items() if v not in ("", None)}

    def query(self, **extra) -> str:
        return urlencode(self.params(**extra))


@dataclass(frozen=True)
class Scope:
    """Who asks (and so what they may see), with the filters and the day "now" is."""

    user: object | None
    filters: Filters
    today: datetime.date
    sees_all: bool
    department: Department | None  # the caller's own department when it does not see everything

    def with_department(self, code: str) -> "Scope":
        return replace(self, filters=replace(self.filters, department=code))


def scope_for(*, user, filters: Filters | None = None, today: datetime.date | None = None) -> Scope:
    """The dashboard scope of a user; PermissionDenied for a user outside any active department."""
    if not is_department_member(user):
        raise PermissionDenied("Only a user of a department may see the dashboard.")
    sees_all = can_see_everything(user)
    return Scope(
        user=user,
        filters=filters or Filters(),
        today=today or timezone.localdate(),
        sees_all=sees_all,
        department=None if sees_all else department_of(user),
    )


def platform_scope(*, filters: Filters | None = None, today: datetime.date | None = None) -> Scope:
    """The whole platform, for the platform's own work (monthly report, snapshots, escalation)."""
    return Scope(user=None, filters=filters or Filters(), today=today or timezone.localdate(), sees_all=True, department=None)


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _datetime_range(field: str, date_from, date_to) -> Q:
    q = Q()
    if date_from:
        q &= Q(**{f"{field}__gte": _day_start(date_from)})
    if date_to:
        q &= Q(**{f"{field}__lt": _day_start(date_to + datetime.timedelta(days=1))})
    return q


def _department_q(prefix: str, filters: Filters) -> Q:
    q = Q()
    if filters.department:
        q &= Q(**{f"{prefix}__code": filters.department})
    if filters.region:
        q &= Q(**{f"{prefix}__region_code__startswith": filters.region})
    return q


# --- the scoped querysets every figure and list starts from ----------------------------------------


def cases(scope: Scope) -> QuerySet[JointCase]:
    """Cases in scope: for a department, those it initiated. Filtered on created_at."""
    queryset = JointCase.objects.all() if scope.user is None else access.cases_for_user(scope.user)
    if not scope.sees_all:
        queryset = queryset.filter(initiating_department=scope.department)
    f = scope.filters
    return queryset.filter(_department_q("initiating_department", f), _datetime_range("created_at", f.date_from, f.date_to))


def _pushed_range(f: Filters) -> Q:
    q = Q()
    if f.date_from:
        q &= Q(pushed_on__gte=f.date_from)
    if f.date_to:
        q &= Q(pushed_on__lte=f.date_to)
    return q


def _on_side(queryset: QuerySet, scope: Scope, department_field: str) -> QuerySet:
    """Pushes (or their tally) of one side: for a department, its own; the filters applied."""
    if not scope.sees_all:
        queryset = queryset.filter(**{department_field: scope.department})
    return queryset.filter(_department_q(department_field, scope.filters), _pushed_range(scope.filters))


def assignments(scope: Scope) -> QuerySet[Assignment]:
    """Pushes in scope, on the executing side: for a department, those it received. Filtered on pushed_on."""
    queryset = Assignment.objects.all() if scope.user is None else access.assignments_for_user(scope.user)
    return _on_side(queryset, scope, "department")


def initiator_assignments(scope: Scope) -> QuerySet[Assignment]:
    """Pushes in scope, on the initiating side: for a department, those of the cases it initiated."""
    queryset = Assignment.objects.all() if scope.user is None else access.assignments_for_user(scope.user)
    return _on_side(queryset, scope, "case__initiating_department")


# What the figures count. A department's pushes on either side are exactly the rows of its own
# department: the push grants the executing department's group ``work_assignment`` and the case
# grants the initiating department's group ``manage_jointcase``, and grants are never revoked
# (sanctions.access). So the counts filter on the department column, without the permission
# tables' join; the drill-down lists keep the access check, and the tests hold both equal.

def assignment_tally(scope: Scope, *, side: str = "department") -> QuerySet[AssignmentTally]:
    """The push tally (tallies.py) of one side (``department`` or ``initiating_department``)."""
    return _on_side(AssignmentTally.objects.all(), scope, side)


def case_tally(scope: Scope) -> QuerySet[CaseTally]:
    """The case tally of the cases in scope (as ``cases(scope)``: by initiating department, day opened)."""
    queryset = CaseTally.objects.all()
    if not scope.sees_all:
        queryset = queryset.filter(initiating_department=scope.department)
    f = scope.filters
    if f.date_from:
        queryset = queryset.filter(created_on__gte=f.date_from)
    if f.date_to:
        queryset = queryset.filter(created_on__lte=f.date_to)
    return queryset.filter(_department_q("initiating_department", f))


def objections(scope: Scope) -> QuerySet[Objection]:
    """Objections in scope (for a department: those it decides as provider or filed). Filtered on filing time."""
    queryset = Objection.objects.all() if scope.user is None else objections_for_user(scope.user)
    f = scope.filters
    return queryset.filter(_department_q("provider_department", f), _datetime_range("created_at", f.date_from, f.date_to))


def repairs(scope: Scope) -> QuerySet[RepairApplication]:
    """Repair applications in scope (for a department: those it decides or entered). Filtered on filing time."""
    queryset = RepairApplication.objects.all() if scope.user is None else repairs_for_user(scope.user)
    f = scope.filters
    return queryset.filter(_department_q("deciding_department", f), _datetime_range("created_at", f.date_from, f.date_to))


def feedback_records(scope: Scope) -> QuerySet[MeasureFeedback]:
    """Feedback records of the pushes in scope (executing side)."""
    return MeasureFeedback.objects.filter(assignment__in=assignments(scope).values("pk"))


def urges(scope: Scope) -> QuerySet[Urge]:
    """Urges of the pushes in scope (the scorecard's "times urged" lists them)."""
    return Urge.objects.filter(assignment__in=assignments(scope).values("pk"))


def objection_urges(scope: Scope) -> QuerySet[Urge]:
    return Urge.objects.filter(objection__in=objections(scope).values("pk"))


def repair_urges(scope: Scope) -> QuerySet[Urge]:
    return Urge.objects.filter(repair__in=repairs(scope).values("pk"))


# --- named figures: the same predicate counts the figure and filters its list ---------------------


def assignment_figures(today: datetime.date) -> dict[str, Q]:
    """Figures of pushes; ``received`` is every push in scope."""
    return {
        "received": Q(),
        "signed_for": Q(sign_for_working_days__isnull=False),
        "signed_for_on_time": Q(signed_for_on_time=True),
        "signed_for_late": Q(signed_for_on_time=False),
        "fed_back": Q(feedback_working_days__isnull=False),
        "fed_back_on_time": Q(fed_back_on_time=True),
        "fed_back_late": Q(fed_back_on_time=False),
        "overdue_now": overdue_q(today),
        "lifts_late": Q(lift_confirmed_on_time=False),  # lifting confirmed, but after its due date
        "lifts_unconfirmed": Q(state=AssignmentState.LIFTING, lift_due__lt=today),  # still unconfirmed past its due date
        "returned": Q(returned_at__isnull=False),
        "live": Q(state__in=[AssignmentState.PENDING, AssignmentState.ACKNOWLEDGED, AssignmentState.FED_BACK]),
        "suspended": Q(state=AssignmentState.SUSPENDED),
        "urged": Q(urge_count__gt=0),
    }


FEEDBACK_FIGURE_LOOKUPS = {
    # Measures applied at feedback (执行反馈), and later "hits": each time a measure bit afterwards,
    # recorded by the department or through the credit check (应查必查).
    "applied": {"outcome": "applied", "source": MeasureFeedback.Source.FEEDBACK},
    "hits": {"source__in": [MeasureFeedback.Source.LATER, MeasureFeedback.Source.CREDIT_CHECK]},
}
# On MeasureFeedback (the drill-down list) ...
FEEDBACK_FIGURES = {name: Q(**lookups) for name, lookups in FEEDBACK_FIGURE_LOOKUPS.items()}
# ... and the same predicates seen from Assignment (the scorecard's join).
FEEDBACK_FIGURES_FROM_ASSIGNMENT = {
    name: Q(**{f"feedback_records__{k}": v for k, v in lookups.items()}) for name, lookups in FEEDBACK_FIGURE_LOOKUPS.items()
}

LIVE_CASE_STATES = [CaseState.PUSHED, CaseState.EXECUTING, CaseState.FEEDBACK_COMPLETE]
ENDED_CASE_STATES = [CaseState.REPAIRED, CaseState.EXPIRED, CaseState.REVOKED]

CASE_FIGURES = {
    "opened": Q(),
    "pushed": Q(pushed_at__isnull=False),
    "live": Q(state__in=LIVE_CASE_STATES),
    "suspended": Q(state=CaseState.SUSPENDED),
    "ended": Q(state__in=ENDED_CASE_STATES),
}

# The same figures over the case tally (one row per group of cases, counted by ``n``).
CASE_TALLY_FIGURES = {**CASE_FIGURES, "pushed": Q(pushed_month__isnull=False)}

# Events of a case counted by month, each with the column that dates it (and the state it ended in).
MONTH_EVENTS = {
    "opened": ("created_at", None),
    "pushed": ("pushed_at", None),
    "completed": ("completed_at", None),  # every department fed back
    "repaired": ("ended_at", CaseState.REPAIRED),
    "expired": ("ended_at", CaseState.EXPIRED),
    "revoked": ("ended_at", CaseState.REVOKED),
}

OPEN_OBJECTION_STATES = [ObjectionState.SUBMITTED, ObjectionState.VERIFYING]
OPEN_REPAIR_STATES = [RepairState.SUBMITTED, RepairState.REVIEWING]


def _objection_figure(queryset, name: str, today) -> QuerySet:
    if name == "open":
        return queryset.filter(state__in=OPEN_OBJECTION_STATES)
    if name == "overdue":
        return queryset & objections_overdue(today=today)
    if name in ObjectionState.values:
        return queryset.filter(state=name)
    if name in ("", "all"):
        return queryset
    raise KeyError(name)


def _repair_figure(queryset, name: str, today) -> QuerySet:
    if name == "open":
        return queryset.filter(state__in=OPEN_REPAIR_STATES)
    if name == "overdue":
        return queryset & repairs_overdue(today=today)
    if name in RepairState.values:
        return queryset.filter(state=name)
    if name in ("", "all"):
        return queryset
    raise KeyError(name)


def _count(q: Q) -> Count:
    return Count("pk", filter=q) if q else Count("pk")


def _round(value, digits: int = 2):
    return None if value is None else round(float(value), digits)


def _departments(ids, *, scope: Scope, role: str) -> dict[int, Department]:
    """The departments of the rows: those with figures, plus (for supervisors) every department of
    the role, or (for a department) itself when it has the role; filters applied. One query."""
    q = Q(pk__in=set(ids))
    f = scope.filters
    role_q = Q(**{f"is_{role}": True, "is_active": True})
    if scope.sees_all:
        q |= role_q
    elif scope.department is not None:
        q |= role_q & Q(pk=scope.department.pk)
    queryset = Department.objects.filter(q)
    if f.department:
        queryset = queryset.filter(code=f.department)
    if f.region:
        queryset = queryset.filter(region_code__startswith=f.region)
    return {d.pk: d for d in queryset}


def _sorted(rows: list[dict], order: str, columns, default: str) -> tuple[list[dict], str]:
    """Sort department rows (a few dozen, already aggregated) by a column, ties by code; rows
    without a value (an average over nothing) last. An unknown column falls back to the default."""
    if (order or "").lstrip("-") not in columns:
        order = default
    key, descending = order.lstrip("-"), order.startswith("-")
    by_code = sorted(rows, key=lambda r: r["code"])
    present = [r for r in by_code if r.get(key) is not None]
    present.sort(key=lambda r: r[key], reverse=descending)  # stable: ties keep the code order
    return present + [r for r in by_code if r.get(key) is None], order


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
    from credit_platform.models import ScorecardSnapshot

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


# --- drill-down lists ---------------------------------------------------------------------------------

LIST_KINDS = ["cases", "assignments", "initiator_assignments", "objections", "repairs", "feedback", "urges"]


class UnknownFigure(ValueError):
    pass


def _case_attributes(queryset: QuerySet, *, state: str, case_kind: str, domain: str) -> QuerySet:
    """A drill-down's state / kind / domain filters, on the cases or on the case tally (same names)."""
    if state:
        queryset = queryset.filter(state=state)
    if case_kind:
        queryset = queryset.filter(kind=case_kind)
    if domain:
        queryset = queryset.filter(memorandum__domain=domain)
    return queryset


def drilldown(scope: Scope, *, kind: str, figure: str = "", state: str = "", case_kind: str = "", domain: str = "",
              month: str = "", event: str = "") -> QuerySet:
    """The rows behind one figure: the scoped queryset of ``kind`` filtered by the figure's predicate.

    ``scope.filters.department`` is the row's department when the link comes from a department row.
    """
    try:
        if kind == "cases":
            queryset = _case_attributes(cases(scope), state=state, case_kind=case_kind, domain=domain)
            if figure:
                queryset = queryset.filter(CASE_FIGURES[figure])
            if event or month:
                queryset = queryset.filter(case_month_q(event, month))
            return queryset.select_related("subject", "memorandum", "initiating_department").order_by("-created_at", "-pk")
        if kind in ("assignments", "initiator_assignments"):
            queryset = assignments(scope) if kind == "assignments" else initiator_assignments(scope)
            if figure:
                queryset = queryset.filter(assignment_figures(scope.today)[figure])
            if state:
                queryset = queryset.filter(state=state)
            return queryset.select_related("case", "case__subject", "department", "target").order_by("pushed_on", "pk")
        if kind == "objections":
            queryset = _objection_figure(objections(scope), figure, scope.today)
            return queryset.select_related("provider_department", "subject").order_by("-created_at", "-pk")
        if kind == "repairs":
            queryset = _repair_figure(repairs(scope), figure, scope.today)
            return queryset.select_related("deciding_department", "subject").order_by("-created_at", "-pk")
        if kind == "feedback":
            queryset = feedback_records(scope)
            if figure:
                queryset = queryset.filter(FEEDBACK_FIGURES[figure])
            return queryset.select_related("assignment__case", "assignment__department", "measure").order_by("-occurred_on", "-pk")
        if kind == "urges":
            queryset = {"": urges, "assignment": urges, "objection": objection_urges, "repair": repair_urges}[figure](scope)
            return queryset.select_related("department", "urged_by", "assignment__case", "objection", "repair").order_by("-created_at", "-pk")
    except (KeyError, ValueError) as exc:
        raise UnknownFigure(str(exc)) from None
    raise UnknownFigure(kind)


# Figures of the pushes the tallies hold: the push tally's measure, or a predicate over open work.
TALLY_ASSIGNMENT_MEASURES = {
    "": "received", "received": "received", "signed_for": "signed_for", "signed_for_on_time": "signed_for_on_time",
    "signed_for_late": "signed_for_late", "fed_back": "fed_back", "fed_back_on_time": "fed_back_on_time",
    "fed_back_late": "fed_back_late", "lifts_late": "lifts_late", "returned": "returned", "urged": "urged",
}
TALLY_OPEN_WORK_FIGURES = ["overdue_now", "lifts_unconfirmed"]
TALLY_MONTH_COLUMNS = {"pushed": "pushed_month", "completed": "completed_month", "repaired": "ended_month",
                       "expired": "ended_month", "revoked": "ended_month"}


def drilldown_count(scope: Scope, *, kind: str, figure: str = "", state: str = "", case_kind: str = "", domain: str = "",
                    month: str = "", event: str = "") -> int | None:
    """The length of a drill-down list read from the tallies, when they hold it (None: count the
    rows). The same number as ``drilldown(...).count()`` (the tests hold both equal) without
    counting a million rows for "pushes received". Call after ``drilldown`` validated the parameters."""
    if not tallies.enabled():
        return None
    if kind in ("assignments", "initiator_assignments") and not state:
        side = "department" if kind == "assignments" else "initiating_department"
        if figure in TALLY_ASSIGNMENT_MEASURES:
            return assignment_tally(scope, side=side).aggregate(n=Sum(TALLY_ASSIGNMENT_MEASURES[figure]))["n"] or 0
        if figure in TALLY_OPEN_WORK_FIGURES:
            q = assignment_figures(scope.today)[figure]
            return _on_side(OpenWorkTally.objects.all(), scope, side).aggregate(n=Sum("n", filter=q))["n"] or 0
        return None
    if kind == "cases":
        queryset = _case_attributes(case_tally(scope), state=state, case_kind=case_kind, domain=domain)
        queryset = queryset.filter(CASE_TALLY_FIGURES[figure] if figure else Q())
        if event or month:
            first, following = month_bounds(month)
            if event == "opened":
                queryset = queryset.filter(created_on__gte=first, created_on__lt=following)
            else:
                queryset = queryset.filter(**{TALLY_MONTH_COLUMNS[event]: first})
                if MONTH_EVENTS[event][1]:
                    queryset = queryset.filter(state=MONTH_EVENTS[event][1])
        return queryset.aggregate(n=Sum("n"))["n"] or 0
    return None


def drilldown_url(kind: str, filters: Filters, **params) -> str:
    """The link of a figure: ``/dashboard/list/?kind=…`` with the view's filters and the figure's parameters."""
    from django.urls import reverse

    return f"{reverse('dashboard:list')}?{filters.query(kind=kind, **params)}"
