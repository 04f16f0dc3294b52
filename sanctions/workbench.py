"""The workbench tasks sanctions owns (registered in ``SanctionsConfig.ready()``).

- 待签收 ``sign_for``, 待反馈 ``feed_back``, 待确认解除 ``confirm_lift``: an executing department's
  own pushes (its inbox) in that state (待确认解除 also counts a push with a withdrawn measure whose
  lifting is unconfirmed, ``MeasureLifting``); the credit office and the leadership office count every
  push of the district. Overdue as the inbox's overdue filter says (``selectors.overdue_q``).
- 待推送案件 ``cases_to_push``: an initiating department's initiated cases, not yet pushed (no due
  date: never overdue); every one for the credit and leadership offices.

One aggregate query each, on the assignments' open-work index or the cases' (initiator, state) index.
"""
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from credit_platform.permissions import can_see_everything, department_of, is_department_member
from credit_platform.workbench import TaskFigures, register_task
from sanctions import access, selectors
from sanctions.models import AssignmentState, CaseState


def _department(user):
    return department_of(user) if is_department_member(user) else None


def _url(name: str, **params) -> str:
    return reverse(f"admin:{name}") + "?" + urlencode(params)


# The assignment admin's "whose pushes" filter (sanctions.admin.assignments.INBOX / ALL; the admin is not imported here).
INBOX, ALL = "inbox", "all"
# Its "lifting to confirm" filter (sanctions.admin.assignments.LiftFilter).
LIFT_TO_CONFIRM, LIFT_OVERDUE = "to_confirm", "overdue"


def _assignment_task(wanted, overdue, params: dict, overdue_params: dict):
    """A task counting the caller's department's pushes (every push for the credit and leadership
    offices) matching ``wanted(today)``, overdue when ``overdue(today)``; links to the inbox filtered."""
    def provider(user, today) -> TaskFigures | None:
        assignments = access.assignments_for_user(user).filter(wanted())
        if can_see_everything(user):
            scope = ALL
        else:
            department = _department(user)
            if department is None or not department.is_executing:
                return None
            scope = INBOX
            assignments = assignments.filter(department_id=department.pk)
        figures = assignments.order_by().aggregate(count=Count("pk"), overdue=Count("pk", filter=overdue(today)))
        return TaskFigures(
            count=figures["count"], overdue=figures["overdue"],
            url=_url("sanctions_assignment_changelist", scope=scope, **params),
            overdue_url=_url("sanctions_assignment_changelist", scope=scope, **overdue_params),
        )

    return provider


def _state_task(state: str):
    return _assignment_task(lambda: Q(state=state), selectors.overdue_q, {"state": state}, {"state": state, "overdue": "yes"})


# 待确认解除: whole pushes being lifted and pushes with a withdrawn measure to confirm (amendments).
confirm_lift = _assignment_task(selectors.lift_to_confirm_q, selectors.lift_overdue_q, {"lift": LIFT_TO_CONFIRM}, {"lift": LIFT_OVERDUE})


def cases_to_push(user, today) -> TaskFigures | None:
    cases = access.cases_for_user(user).filter(state=CaseState.INITIATED)
    if not can_see_everything(user):
        department = _department(user)
        if department is None or not department.is_initiating:
            return None
        cases = cases.filter(initiating_department_id=department.pk)
    url = _url("sanctions_jointcase_changelist", state=CaseState.INITIATED)
    return TaskFigures(count=cases.order_by().count(), overdue=0, url=url)


def register() -> None:
    register_task("sign_for", _("To sign for"), _state_task(AssignmentState.PENDING), order=10)
    register_task("feed_back", _("To feed back"), _state_task(AssignmentState.ACKNOWLEDGED), order=20)
    register_task("confirm_lift", _("Lifting to confirm"), confirm_lift, order=30)
    register_task("cases_to_push", _("Cases to push"), cases_to_push, order=80)
