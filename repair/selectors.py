"""Read queries of credit repair that pages, the API, tasks and the dashboards share.

Lists start from the access function (``repair.access``), so nobody sees what they may not.
"""
import datetime

from django.db.models import BooleanField, Case, F, Prefetch, Q, Value, When
from django.utils import timezone

from repair import access
from repair.models import RepairApplication, RepairDocument, RepairState


def repair_overdue_q(today: datetime.date | None = None):
    """Past the platform's answer date (not yet taken) or the department's decision date (uses repair_state_answer_idx)."""
    today = today or timezone.localdate()
    return Q(state=RepairState.SUBMITTED, answer_due__lt=today) | Q(state=RepairState.REVIEWING, decide_due__lt=today)


def repairs_overdue(*, today: datetime.date | None = None):
    """Applications past their answer or decision date (for the leadership office and the urge scan)."""
    return RepairApplication.objects.filter(repair_overdue_q(today))


def repairs_list(*, user, today=None):
    """The applications ``user`` may see, with what a row shows, and ``is_overdue``: two queries a page
    (rows with subject, entry and departments joined; the documents)."""
    overdue = repair_overdue_q(today)
    return (
        access.repairs_for_user(user)
        .select_related(
            "subject", "list_entry", "record", "record__record_type", "record__rule_set", "deciding_department", "filing_department", "rule_set",
        )
        .prefetch_related(Prefetch("documents", queryset=RepairDocument.objects.order_by("pk")))
        .annotate(is_overdue=Case(When(overdue, then=Value(True)), default=Value(False), output_field=BooleanField()))
    )


def with_current_due(queryset):
    """``current_due``: the answer date while submitted, the decision date while reviewing, else null."""
    return queryset.annotate(
        current_due=Case(
            When(state=RepairState.SUBMITTED, then=F("answer_due")),
            When(state=RepairState.REVIEWING, then=F("decide_due")),
            default=None,
        )
    )
