"""Read queries of objections that the admin, the API and the pages share.

They start from the access function (``objections.access``), so nobody sees what they may not.
"""
from django.db.models import BooleanField, Case, F, Prefetch, Value, When

from objections import access, services
from objections.models import Evidence, ObjectionState


def objections_list(*, user, today=None):
    """The objections ``user`` may see, with what a row shows, and ``is_overdue``: four queries a page
    (rows with subject, target and departments joined; the evidence files)."""
    overdue = services.objection_overdue_q(today)
    return (
        access.objections_for_user(user)
        .select_related("subject", "list_entry", "case", "provider_department", "filing_department")
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
