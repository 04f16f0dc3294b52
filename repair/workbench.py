"""The workbench task repair owns (registered in ``RepairConfig.ready()``).

待审核修复 ``repairs``: applications waiting for the deciding department, submitted (to take or
refuse) or reviewing (to approve or reject), that the user's department decides (谁认定谁修复);
every one for the credit and leadership offices. Overdue past the answer or decision date, as the
admin's overdue filter says. One aggregate query on the (department, state) or (state, due) index.
"""
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from credit_platform.permissions import can_see_everything, department_of, is_department_member
from credit_platform.workbench import TaskFigures, register_task
from repair import access, selectors
from repair.models import RepairState

# The admin's "whose" filter value for this inbox (repair.admin.TO_DECIDE; the admin is not imported here).
TO_DECIDE = "to_decide"
OPEN_STATES = [RepairState.SUBMITTED, RepairState.REVIEWING]


def repairs_to_review(user, today) -> TaskFigures | None:
    repairs = access.repairs_for_user(user).filter(state__in=OPEN_STATES)
    params = {"state__in": ",".join(OPEN_STATES)}
    if not can_see_everything(user):
        department = department_of(user) if is_department_member(user) else None
        # The identifying department decides: one that identifies dishonesty (initiating).
        if department is None or not department.is_initiating:
            return None
        repairs = repairs.filter(deciding_department_id=department.pk)
        params = {"whose": TO_DECIDE, **params}
    figures = repairs.order_by().aggregate(count=Count("pk"), overdue=Count("pk", filter=selectors.repair_overdue_q(today)))
    url = reverse("admin:repair_repairapplication_changelist") + "?" + urlencode(params)
    return TaskFigures(count=figures["count"], overdue=figures["overdue"], url=url, overdue_url=url + "&overdue=yes")


def register() -> None:
    register_task("repairs", _("Repairs to review"), repairs_to_review, order=50)
