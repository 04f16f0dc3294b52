"""The named figures: one predicate counts a figure and filters the list behind it; and the helpers
the department tables share."""
import datetime

from django.db.models import Count, Q, QuerySet

from credit_platform.models import Department
from objections.models import ObjectionState
from objections.selectors import objections_overdue
from repair.models import RepairState
from repair.selectors import repairs_overdue
from sanctions.models import AssignmentState, CaseState, MeasureFeedback
from sanctions.selectors import overdue_q
from supervision.selectors.scope import Scope

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
