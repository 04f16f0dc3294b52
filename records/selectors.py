"""Read queries of credit records shared by the admin, the API, the workbench and the periodic work.

They start from the access functions (records.access), so nobody sees what they may not.
"""
import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from records import access
from records.models import CreditRecord, RecordState

# 双公示: a licensing or penalty record (not a minor penalty: it has no publication_due) is to be
# published within the rule set's working days of its decision.
PUBLICATION_FIGURES = {
    "overdue": lambda today: Q(state=RecordState.DRAFT, publication_due__lt=today),
    "due": lambda today: Q(state=RecordState.DRAFT, publication_due__isnull=False),
    "late": lambda today: Q(published_on_time=False),
    "on_time": lambda today: Q(published_on_time=True),
}


def publication_q(figure: str, today: datetime.date | None = None) -> Q:
    """Records to publish (``due``), not yet published past their 双公示 date (``overdue``),
    published after it (``late``) or by it (``on_time``)."""
    return PUBLICATION_FIGURES[figure](today or timezone.localdate())


def records_list(*, user) -> QuerySet[CreditRecord]:
    """Records the user may see, with what their representation needs, in one query (subject, type,
    department and rule set joined; ``caller_manages`` annotated)."""
    queryset = access.records_for_user(user).select_related("subject", "record_type", "department", "rule_set")
    return access.with_caller_manages(queryset, user)


def caller_manages(*, user, record: CreditRecord) -> bool:
    annotated = getattr(record, "caller_manages", None)
    if annotated is not None:
        return bool(annotated)
    return access.can_manage_record(user, record)


def allowed_actions(*, user, record: CreditRecord) -> list[str]:
    """The moves ``user`` may make on the record now (publish, remove); the platform's own
    (suspend, resume: ``custom={"admin": False}``) are never offered."""
    if not caller_manages(user=user, record=record):
        return []
    return sorted(t.name for t in record.get_available_state_transitions() if t.custom.get("admin", True) is not False)
