"""The order in which lists locks its rows: the entry, then its cases in id order, then their
assignments in id order (``sanctions.locks`` below). Objections and repair lock their own row
first and then these, so locks run downhill: objection or application → entry → cases → assignments."""
from django.db.models import Q, QuerySet

from credit_platform.workflow import lock_in_order, lock_one
from lists.models import ListEntry
from sanctions.locks import case_lock_order
from sanctions.models import JointCase


def entry_lock_order(entry_id, *, case_ids=()) -> list[QuerySet]:
    """What to lock, in order, to hold or release an entry: the entry, then its cases (and ``case_ids``), then their assignments."""
    # The subject, department and rule set are read with the entry, not locked.
    entries = ListEntry.objects.filter(pk=entry_id).select_related("subject", "identifying_department", "rule_set")
    cases = JointCase.objects.filter(Q(list_entry_id=entry_id) | Q(pk__in=list(case_ids)))
    return [entries, *case_lock_order(cases)]


def lock_entry(entry_id) -> ListEntry:
    """Lock the entry alone."""
    return lock_one(entry_lock_order(entry_id)[0])


def lock_entry_and_cases(entry_id, *, case_ids=()) -> ListEntry:
    """Lock the entry, then its cases in id order, then their assignments in id order; answer the entry."""
    entries, *rest = entry_lock_order(entry_id, case_ids=case_ids)
    entry = lock_one(entries)
    lock_in_order(*rest)
    return entry
