"""The workbench task complaints owns (registered in ``ComplaintsConfig.ready()``).

待核实举报 ``complaints``: open complaints assigned to the user's department to verify; the credit
office also counts those received and not yet routed (it routes them); the leadership office every
open one. Overdue past ``due_on``. One aggregate query on the (department, state) or (state, due) index.
"""
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from complaints.models import OPEN_STATES, Complaint, ComplaintState
from complaints.selectors import complaint_overdue_q
from credit_platform.permissions import department_of, is_credit_office, is_department_member, is_leadership
from credit_platform.workbench import TaskFigures, register_task

TO_VERIFY = "to_verify"  # the admin's "whose" filter value (complaints.admin.WhoseFilter)


def complaints_to_handle(user, today) -> TaskFigures | None:
    if not is_department_member(user):
        return None
    department = department_of(user)
    items = Complaint.objects.filter(state__in=OPEN_STATES)
    params = {"state__in": ",".join(OPEN_STATES)}
    if is_leadership(user):
        pass  # the leadership office watches every open complaint
    elif is_credit_office(user):
        mine = Q(state=ComplaintState.ASSIGNED, department_id=getattr(department, "pk", None))
        items = items.filter(Q(state=ComplaintState.RECEIVED) | mine)
        params = {"whose": TO_VERIFY, **params}
    elif department is not None:
        items = items.filter(department_id=department.pk)
        params = {"whose": TO_VERIFY, **params}
    else:
        return None
    figures = items.order_by().aggregate(count=Count("pk"), overdue=Count("pk", filter=complaint_overdue_q(today)))
    if not figures["count"] and department is not None and not (department.is_initiating or department.is_credit_office
                                                                 or department.is_leadership_office):
        return None  # a department that only executes shows the task while a complaint is routed to it
    url = reverse("admin:complaints_complaint_changelist") + "?" + urlencode(params)
    return TaskFigures(count=figures["count"], overdue=figures["overdue"], url=url, overdue_url=url + "&overdue=yes")


def register() -> None:
    register_task("complaints", _("Complaints to verify"), complaints_to_handle, order=55)
