"""The workbench task lists owns (registered in ``ListsConfig.ready()``).

待发布名单 ``entries_to_publish``: entries on their way to the list, proposed (the subject to be
told) or notified (the statement window open, then to publish), that the user's department
identified; every one for the credit and leadership offices. Overdue past the 双公示 date, as the
admin's publication-deadline filter says. One aggregate query on the (department, state) index.
"""
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from credit_platform.permissions import can_see_everything, department_of, is_department_member
from credit_platform.workbench import TaskFigures, register_task
from lists import access, selectors
from lists.models import EntryState

TO_PUBLISH = [EntryState.PROPOSED, EntryState.NOTIFIED]


def entries_to_publish(user, today) -> TaskFigures | None:
    entries = access.entries_for_user(user).filter(state__in=TO_PUBLISH)
    if not can_see_everything(user):
        department = department_of(user) if is_department_member(user) else None
        if department is None or not department.is_initiating:
            return None
        # Entries not yet on the list are visible to their identifying department only.
        entries = entries.filter(identifying_department_id=department.pk)
    figures = entries.order_by().aggregate(count=Count("pk"), overdue=Count("pk", filter=selectors.publication_q("overdue", today)))
    url = reverse("admin:lists_listentry_changelist") + "?" + urlencode({"state__in": ",".join(TO_PUBLISH)})
    return TaskFigures(count=figures["count"], overdue=figures["overdue"], url=url, overdue_url=url + "&publication=overdue")


def register() -> None:
    register_task("entries_to_publish", _("Entries to publish"), entries_to_publish, order=60)
