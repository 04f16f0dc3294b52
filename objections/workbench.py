"""The workbench task objections owns (registered in ``ObjectionsConfig.ready()``).

待处理异议 ``objections``: objections waiting for the information provider, submitted (to accept or
refuse) or verifying (to decide), that the user's department provides the record of (objections are
about a record the department identified or a case it initiated); every one for the credit and
leadership offices. Overdue past the accept or verify date, as the admin's overdue filter says.
One aggregate query on the (provider, state) or (state, due) index.
"""
from django.utils.translation import gettext_lazy as _

from credit_platform.workbench import TaskFigures, decided_inbox_figures, register_task
from objections import access, selectors
from objections.models import ObjectionState

# The admin's "whose" filter value for this inbox (objections.admin.TO_VERIFY; the admin is not imported here).
TO_VERIFY = "to_verify"
OPEN_STATES = [ObjectionState.SUBMITTED, ObjectionState.VERIFYING]


def objections_to_handle(user, today) -> TaskFigures | None:
    return decided_inbox_figures(
        user, items=access.objections_for_user(user), department_field="provider_department_id", whose=TO_VERIFY,
        open_states=OPEN_STATES, overdue_q=selectors.objection_overdue_q(today), changelist="admin:objections_objection_changelist",
    )


def register() -> None:
    register_task("objections", _("Objections to handle"), objections_to_handle, order=40)
