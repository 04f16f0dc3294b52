"""Read queries of list entries shared by the admin, the API and the pages.

They start from the access functions (lists.access), so nobody sees what they may not.
"""
import datetime
from collections import defaultdict

from django.db.models import Q, QuerySet
from django.utils import timezone

from credit_platform.domains import ListType
from lists import access
from lists.models import EntryState, ListEntry
from sanctions.access import cases_for_user
from sanctions.models import JointCase


# 双公示: an entry is to be published within the rule set's working days of its decision.
PUBLICATION_FIGURES = {
    "overdue": lambda today: Q(state__in=[EntryState.PROPOSED, EntryState.NOTIFIED], publication_due__lt=today),
    "late": lambda today: Q(published_on_time=False),
    "on_time": lambda today: Q(published_on_time=True),
}


def publication_q(figure: str, today: datetime.date | None = None) -> Q:
    """Entries not yet published past their 双公示 date (``overdue``), published after it
    (``late``) or by it (``on_time``)."""
    return PUBLICATION_FIGURES[figure](today or timezone.localdate())


def removal_pending_q() -> Q:
    """Red entries on the list whose removal a dishonesty of the subject proposed (``ListEntry.removal_pending``)."""
    return Q(list_type=ListType.RED, removal_proposed_at__isnull=False, state__in=access.ON_THE_LIST)


def visible_cases(user) -> QuerySet[JointCase]:
    """The cases of entries ``user`` may see (the sanctions access decides), in id order."""
    return cases_for_user(user).only("pk", "number", "kind", "state", "list_entry_id").order_by("pk")


def entries_list(*, user) -> QuerySet[ListEntry]:
    """Entries the user may see, with what their representation needs, in one query (subject,
    department and rule set joined; ``caller_manages`` annotated). ``with_visible_cases`` adds
    their cases in one more query."""
    queryset = access.entries_for_user(user).select_related("subject", "identifying_department", "rule_set")
    return access.with_caller_manages(queryset, user)


def with_visible_cases(*, user, entries) -> list[ListEntry]:
    """The entries, each with ``visible_cases``: its cases the user may see, in one query for all
    (a case keeps its entry by id, not by a foreign key: no prefetch_related)."""
    entries = list(entries)
    by_entry = defaultdict(list)
    if entries:
        for case in visible_cases(user).filter(list_entry_id__in=[entry.pk for entry in entries]):
            by_entry[case.list_entry_id].append(case)
    for entry in entries:
        entry.visible_cases = by_entry[entry.pk]
    return entries


def entry_cases_visible(*, user, entry: ListEntry) -> list[JointCase]:
    """The entry's cases the user may see (attached by ``with_visible_cases``, else one query)."""
    attached = getattr(entry, "visible_cases", None)
    if attached is not None:
        return attached
    return list(visible_cases(user).filter(list_entry_id=entry.pk))


def caller_manages(*, user, entry: ListEntry) -> bool:
    """Whether ``user`` manages the entry (annotated by ``entries_list``, else asked of lists.access)."""
    annotated = getattr(entry, "caller_manages", None)
    if annotated is not None:
        return bool(annotated)
    return access.can_manage_entry(user, entry)


def allowed_actions(*, user, entry: ListEntry) -> list[str]:
    """The actions ``user`` may run on the entry now: the open transitions (their conditions met)
    for whoever manages it, and ``statement`` while the subject is heard. Moves the platform makes
    itself (``custom={"admin": False}``) are never offered."""
    if not caller_manages(user=user, entry=entry):
        return []
    names = {t.name for t in entry.get_available_state_transitions() if t.custom.get("admin", True) is not False}
    if entry.state == EntryState.NOTIFIED:
        names.add("statement")
    return sorted(names)
