"""Every figure of the supervision dashboard, and the drill-down list behind each one.

A package (``scope``: filters, scope, scoped querysets; ``figures``: the named predicates;
``cases``; ``departments``: scorecard, initiators, objections and repairs; ``overview``: overview,
summary, trend, escalations; ``drilldown``): import from ``supervision.selectors``.

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
from supervision.selectors.cases import (  # noqa: F401
    case_breakdown,
    case_month_q,
    cases_by_month,
    month_bounds,
)
from supervision.selectors.checks import (  # noqa: F401
    CHECK_COLUMNS,
    check_figure,
    check_figures,
    check_logs,
    checks_table,
)
from supervision.selectors.departments import (  # noqa: F401
    INITIATOR_ASSIGNMENT_COUNTS,
    INITIATOR_CASE_COUNTS,
    INITIATOR_COLUMNS,
    OBJECTION_COLUMNS,
    REPAIR_COLUMNS,
    SCORECARD_COLUMNS,
    SCORECARD_COUNTS,
    initiators,
    objections_and_repairs,
    open_counts,
    scorecard,
)
from supervision.selectors.drilldown import (  # noqa: F401
    LIST_KINDS,
    TALLY_ASSIGNMENT_MEASURES,
    TALLY_MONTH_COLUMNS,
    TALLY_OPEN_WORK_FIGURES,
    UnknownFigure,
    drilldown,
    drilldown_count,
    drilldown_url,
)
from supervision.selectors.figures import (  # noqa: F401
    CASE_FIGURES,
    CASE_TALLY_FIGURES,
    ENDED_CASE_STATES,
    FEEDBACK_FIGURES,
    FEEDBACK_FIGURES_FROM_ASSIGNMENT,
    FEEDBACK_FIGURE_LOOKUPS,
    LIVE_CASE_STATES,
    MONTH_EVENTS,
    OPEN_OBJECTION_STATES,
    OPEN_REPAIR_STATES,
    assignment_figures,
)
from supervision.selectors.publicity import (  # noqa: F401
    PUBLICITY_COLUMNS,
    publicity,
    publicity_figure,
    publicity_figures,
)
from supervision.selectors.overview import (  # noqa: F401
    SUMMARY_DEPARTMENT_FIELDS,
    escalations,
    overdue_trend,
    overview,
    summary,
)
from supervision.selectors.scope import (  # noqa: F401
    Filters,
    Scope,
    assignment_tally,
    assignments,
    case_tally,
    cases,
    feedback_records,
    initiator_assignments,
    objection_urges,
    objections,
    platform_scope,
    repair_urges,
    repairs,
    scope_for,
    urges,
)
