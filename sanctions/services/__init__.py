"""Every write of joint cases and assignments (``from sanctions import services``; ``services.case_push``).

``cases``: opening, initiating, pushing, ending, holding and resuming a case; ``assignments``: the
executing departments' work; ``periodic``: the scans, bulk pushes and recomputes. Entry points run in
their own durable transaction; ``*_in_transaction`` services run inside their caller's. Locks are
taken in the order ``sanctions.locks`` names: the case, then its assignments by id.
"""
from sanctions.services.amendments import case_amend, measure_lift_confirm, measure_liftings_recompute_provisional
from sanctions.services.assignments import (
    FeedbackItem,
    assignment_acknowledge,
    assignment_confirm_lift,
    assignment_feedback,
    assignment_reassign,
    assignment_record_feedback,
    assignment_return,
    assignment_urged,
)
from sanctions.services.cases import (
    ENDING_ACTIONS,
    case_create,
    case_create_in_transaction,
    case_discard,
    case_draft_update,
    case_end,
    case_end_in_transaction,
    case_initiate,
    case_initiate_in_transaction,
    case_push,
    case_push_in_transaction,
    case_resume,
    case_revoke,
    case_revoke_in_transaction,
    case_severity_follow_entry,
    case_suspend,
    measures_fitting,
)
from sanctions.services.periodic import (
    BULK_LIFT_HOWS,
    BULK_PUSH_BATCH,
    assignments_recompute_provisional,
    bulk_lift_request,
    bulk_push_batch,
    bulk_push_jobs_resume_stale,
    bulk_push_request,
    cases_expire_due,
    deadlines_notify_overdue,
)

__all__ = [
    "BULK_LIFT_HOWS",
    "BULK_PUSH_BATCH",
    "ENDING_ACTIONS",
    "FeedbackItem",
    "assignment_acknowledge",
    "assignment_confirm_lift",
    "assignment_feedback",
    "assignment_reassign",
    "assignment_record_feedback",
    "assignment_return",
    "assignment_urged",
    "assignments_recompute_provisional",
    "bulk_lift_request",
    "bulk_push_batch",
    "bulk_push_jobs_resume_stale",
    "bulk_push_request",
    "cases_expire_due",
    "case_amend",
    "case_create",
    "case_create_in_transaction",
    "case_discard",
    "case_draft_update",
    "case_end",
    "case_end_in_transaction",
    "case_initiate",
    "case_initiate_in_transaction",
    "case_push",
    "case_push_in_transaction",
    "case_resume",
    "case_revoke",
    "case_revoke_in_transaction",
    "case_severity_follow_entry",
    "case_suspend",
    "deadlines_notify_overdue",
    "measure_lift_confirm",
    "measure_liftings_recompute_provisional",
    "measures_fitting",
]
