"""The drill-down lists behind the figures, and their lengths read from the tallies."""
from django.db.models import Q, QuerySet, Sum
from django.urls import reverse

from supervision import tallies
from supervision.models import OpenWorkTally
from supervision.selectors.cases import case_month_q, month_bounds
from supervision.selectors.figures import (
    CASE_FIGURES,
    CASE_TALLY_FIGURES,
    FEEDBACK_FIGURES,
    MONTH_EVENTS,
    _objection_figure,
    _repair_figure,
    assignment_figures,
)
from supervision.selectors.publicity import publicity_figure
from supervision.selectors.scope import (
    Filters,
    Scope,
    _on_side,
    assignment_tally,
    assignments,
    case_tally,
    cases,
    feedback_records,
    initiator_assignments,
    objection_urges,
    objections,
    publicity_records,
    repair_urges,
    repairs,
    urges,
)

# --- drill-down lists ---------------------------------------------------------------------------------

LIST_KINDS = ["cases", "assignments", "initiator_assignments", "objections", "repairs", "feedback", "urges", "records"]


class UnknownFigure(ValueError):
    """A drill-down asked for a figure the dashboard does not have (the views answer 404)."""


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
        if kind == "records":
            queryset = publicity_figure(publicity_records(scope), figure, scope.today)
            return queryset.select_related("record_type", "department", "subject").order_by("publication_due", "pk")
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
    return f"{reverse('dashboard:list')}?{filters.query(kind=kind, **params)}"
