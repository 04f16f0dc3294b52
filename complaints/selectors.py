"""Read queries of complaints that pages, the API, the workbench and the dashboard share.

Lists start from the access function (``complaints.access``), so nobody sees what they may not.
"""
import datetime

from django.db.models import BooleanField, Case, Prefetch, Q, Value, When
from django.utils import timezone

from complaints import access
from complaints.models import OPEN_STATES, Complaint, ComplaintEvidence


def complaint_overdue_q(today: datetime.date | None = None) -> Q:
    """Open (received or assigned) and past its due date (complaint_state_due_idx)."""
    today = today or timezone.localdate()
    return Q(state__in=OPEN_STATES, due_on__lt=today)


def complaints_overdue(*, today: datetime.date | None = None):
    return Complaint.objects.filter(complaint_overdue_q(today))


def with_overdue(queryset, today=None):
    return queryset.annotate(is_overdue=Case(When(complaint_overdue_q(today), then=Value(True)), default=Value(False),
                                             output_field=BooleanField()))


def complaints_list(*, user, today=None):
    """The complaints ``user`` may see, with what a row shows and ``is_overdue``."""
    return with_overdue(
        access.complaints_for_user(user)
        .select_related("subject", "department", "record", "proposed_entry")
        .prefetch_related(Prefetch("evidence", queryset=ComplaintEvidence.objects.order_by("pk")), "removed_entries"),
        today,
    )
