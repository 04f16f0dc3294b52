"""Read queries of credit repair applications that the admin, the API and the pages share.

They start from the access function (``repair.access``), so nobody sees what they may not.
"""
from django.db.models import BooleanField, Case, F, Prefetch, Value, When

from repair import access, services
from repair.models import RepairDocument, RepairState


def repairs_list(*, user, today=None):
    """The applications ``user`` may see, with what a row shows, and ``is_overdue``: two queries a page
    (rows with subject, entry and departments joined; the documents)."""
    overdue = services.repair_overdue_q(today)
    return (
        access.repairs_for_user(user)
        .select_related("subject", "list_entry", "deciding_department", "filing_department", "rule_set")
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
