"""Read queries of credit repair that pages, the API, tasks and the dashboards share."""
import datetime

from django.db.models import Q
from django.utils import timezone

from repair.models import RepairApplication, RepairState


def repair_overdue_q(today: datetime.date | None = None):
    """Past the platform's answer date (not yet taken) or the department's decision date (uses repair_state_answer_idx)."""
    today = today or timezone.localdate()
    return Q(state=RepairState.SUBMITTED, answer_due__lt=today) | Q(state=RepairState.REVIEWING, decide_due__lt=today)


def repairs_overdue(*, today: datetime.date | None = None):
    """Applications past their answer or decision date (for the leadership office and the urge scan)."""
    return RepairApplication.objects.filter(repair_overdue_q(today))
