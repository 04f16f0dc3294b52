"""The workbench task records owns (registered in ``RecordsConfig.ready()``).

待公示 ``records_to_publish``: licensing and penalty records not yet published that carry a 双公示
date (a minor penalty has none: published only on request), that the user's department provided;
every one for the credit and leadership offices. Overdue past that date, as the admin's
publication-deadline filter says. One aggregate query on the partial (publication_due, department)
index; None for a department that provides no licensing or penalty type.
"""
from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from credit_platform.permissions import can_see_everything, department_of, is_department_member
from credit_platform.workbench import TaskFigures, register_task
from records import selectors
from records.models import CreditRecord, RecordKind, RecordType


def records_to_publish(user, today) -> TaskFigures | None:
    records = CreditRecord.objects.filter(selectors.publication_q("due", today))
    if not can_see_everything(user):
        department = department_of(user) if is_department_member(user) else None
        if department is None or not RecordType.objects.filter(
            departments=department, kind__in=RecordKind.published_by_deadline(),
        ).exists():
            return None
        records = records.filter(department_id=department.pk)
    figures = records.order_by().aggregate(count=Count("pk"), overdue=Count("pk", filter=selectors.publication_q("overdue", today)))
    url = reverse("admin:records_creditrecord_changelist") + "?publication=due"
    return TaskFigures(count=figures["count"], overdue=figures["overdue"], url=url,
                       overdue_url=reverse("admin:records_creditrecord_changelist") + "?publication=overdue")


def register() -> None:
    register_task("records_to_publish", _("Records to publish (双公示)"), records_to_publish, order=65)
