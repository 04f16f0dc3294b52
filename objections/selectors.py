"""Read queries of objections that pages, the API, tasks and the dashboards share."""
import datetime

from django.db.models import Q
from django.utils import timezone

from objections.models import Objection, ObjectionState


def objection_overdue_q(today: datetime.date | None = None):
    """Past the accept or the verify due date (uses objection_state_due_idx for verifying)."""
    today = today or timezone.localdate()
    return Q(state=ObjectionState.SUBMITTED, accept_due__lt=today) | Q(state=ObjectionState.VERIFYING, verify_due__lt=today)


def objections_overdue(*, today: datetime.date | None = None):
    """Objections past their accept or verify due date (for the leadership office and the urge scan)."""
    return Objection.objects.filter(objection_overdue_q(today))
