"""The workbench task repair owns (registered in ``RepairConfig.ready()``).

待审核修复 ``repairs``: applications waiting for the deciding department, submitted (to take or
refuse) or reviewing (to approve or reject), that the user's department decides (谁认定谁修复: the
identifying department); every one for the credit and leadership offices. Overdue past the answer
or decision date, as the admin's overdue filter says. One aggregate query on the (department,
state) or (state, due) index.
"""
from django.utils.translation import gettext_lazy as _

from credit_platform.workbench import TaskFigures, decided_inbox_figures, register_task
from repair import access, selectors
from repair.models import RepairState

# The admin's "whose" filter value for this inbox (repair.admin.TO_DECIDE; the admin is not imported here).
TO_DECIDE = "to_decide"
OPEN_STATES = [RepairState.SUBMITTED, RepairState.REVIEWING]


def repairs_to_review(user, today) -> TaskFigures | None:
    return decided_inbox_figures(
        user, items=access.repairs_for_user(user), department_field="deciding_department_id", whose=TO_DECIDE,
        open_states=OPEN_STATES, overdue_q=selectors.repair_overdue_q(today), changelist="admin:repair_repairapplication_changelist",
    )


def register() -> None:
    register_task("repairs", _("Repairs to review"), repairs_to_review, order=50)
