"""The workbench task objections owns (registered in ``ObjectionsConfig.ready()``).

待处理异议 ``objections``: objections waiting for the information provider, submitted (to accept or
refuse) or verifying (to decide), that the user's department provides the record of; every one
for the credit and leadership offices. Overdue past the accept or verify date, as the admin's
overdue filter says. One aggregate query on the (provider, state) or (state, due) index.
"""
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from credit_platform.permissions import can_see_everything, department_of, is_department_member
from credit_platform.workbench import TaskFigures, register_task
from objections import access, selectors
from objections.models import ObjectionState

# The admin's "whose" filter value for this inbox (objections.admin.TO_VERIFY; the admin is not imported here).
TO_VERIFY = "to_verify"
OPEN_STATES = [ObjectionState.SUBMITTED, ObjectionState.VERIFYING]


def objections_to_handle(user, today) -> TaskFigures | None:
    objections = access.objections_for_user(user).filter(state__in=OPEN_STATES)
    params = {"state__in": ",".join(OPEN_STATES)}
    if not can_see_everything(user):
        department = department_of(user) if is_department_member(user) else None
        # Objections are about a record the department identified or a case it initiated.
        if department is None or not department.is_initiating:
            return None
        objections = objections.filter(provider_department_id=department.pk)
        params = {"whose": TO_VERIFY, **params}
    figures = objections.order_by().aggregate(count=Count("pk"), overdue=Count("pk", filter=selectors.objection_overdue_q(today)))
    url = reverse("admin:objections_objection_changelist") + "?" + urlencode(params)
    return TaskFigures(count=figures["count"], overdue=figures["overdue"], url=url, overdue_url=url + "&overdue=yes")


def register() -> None:
    register_task("objections", _("Objections to handle"), objections_to_handle, order=40)
