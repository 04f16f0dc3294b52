"""Read queries of objections that pages, the API, tasks and the dashboards share.

Lists start from the access function (``objections.access``), so nobody sees what they may not.
"""
import datetime

from django.db.models import BooleanField, Case, F, Prefetch, Q, Value, When
from django.utils import timezone

from objections import access
from objections.models import Evidence, Objection, ObjectionState


def objection_overdue_q(today: datetime.date | None = None):
    """Past the accept or the verify due date (uses objection_state_due_idx for verifying)."""
    today = today or timezone.localdate()
    return Q(state=ObjectionState.SUBMITTED, accept_due__lt=today) | Q(state=ObjectionState.VERIFYING, verify_due__lt=today)


def objections_overdue(*, today: datetime.date | None = None):
    """Objections past their accept or verify due date (for the leadership office and the urge scan)."""
    return Objection.objects.filter(objection_overdue_q(today))


def objections_list(*, user, today=None):
    """The objections ``user`` may see, with what a row shows, and ``is_overdue``: four queries a page
    (rows with subject, target and departments joined; the evidence files)."""
    overdue = objection_overdue_q(today)
    return (
        access.objections_for_user(user)
        .select_related("subject", "list_entry", "case", "record", "record__record_type", "provider_department", "filing_department")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("pk")))
        .annotate(is_overdue=Case(When(overdue, then=Value(True)), default=Value(False), output_field=BooleanField()))
    )


def with_current_due(queryset):
    """``current_due``: the accept date while submitted, the verify date while verifying, else null."""
    return queryset.annotate(
        current_due=Case(
            When(state=ObjectionState.SUBMITTED, then=F("accept_due")),
            When(state=ObjectionState.VERIFYING, then=F("verify_due")),
            default=None,
        )
    )
