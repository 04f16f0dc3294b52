"""The periodic work of lists: recomputed publication dates, overdue 双公示 notices and the expiry scan."""
import datetime

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from credit_platform import notifications
from credit_platform.domains import ListType
from credit_platform.rules import publication_due
from credit_platform.workflow import each_by_pk, lock_rows
from lists import events
from lists.locks import lock_entry
from lists.models import EntryState, ListEntry, RemovalReason
from lists.selectors import publication_q
from lists.services.procedure import _notify, entry_url
from lists.services.removal import _remove


# --- periodic work -------------------------------------------------------------------------------


def entries_recompute_publication_due(year: int) -> int:
    """Recompute the 双公示 dates computed through a provisional calendar (registered with
    credit_platform.calendar, called when a year's calendar changes), as the pushes' due dates are:
    from the decision dates, so running it twice changes nothing; whether those published were
    on time follows. Each entry is locked and its new dates and their audit event written in one
    transaction. Returns how many entries changed."""
    start = datetime.date(year - 1, 1, 1)  # a due date in `year` may come from a decision the year before
    candidates = ListEntry.objects.filter(publication_due_provisional=True, decided_on__gte=start)
    return each_by_pk(candidates, lambda entry_id: _entry_recompute_publication_due(entry_id, year, candidates))


@transaction.atomic(durable=True)
def _entry_recompute_publication_due(entry_id: int, year: int, candidates) -> bool:
    """Recompute one entry's publication date under its lock (still provisional: checked again)."""
    locked = lock_rows(candidates.filter(pk=entry_id).select_related("rule_set"))
    if not locked:
        return False
    entry = locked[0]
    due = publication_due(entry.rule_set, entry.decided_on)
    on_time = None if entry.published_at is None else timezone.localdate(entry.published_at) <= due.date
    fields = {"publication_due": due.date, "publication_due_provisional": due.provisional, "published_on_time": on_time}
    if all(getattr(entry, f) == v for f, v in fields.items()):
        return False
    ListEntry.objects.filter(pk=entry.pk).update(**fields)
    events.entry_publication_due_recomputed(entry, extra={"year": year, **fields})
    return True


def entries_publication_overdue_notify(*, today: datetime.date | None = None) -> int:
    """双公示: tell each identifying department, once a day, how many of its entries are not yet
    published past their due date (with the link to that list). Returns how many were told."""
    today = today or timezone.localdate()
    counts = (
        ListEntry.objects.filter(publication_q("overdue", today)).values_list("identifying_department_id")
        .annotate(n=Count("pk")).order_by("identifying_department_id")
    )
    return notifications.notify_daily_counts(
        counts=counts, verb="entries_publication_overdue", today=today,
        title=lambda n: _("%(n)d list entries are past their publication date (双公示)") % {"n": n},
        url="/admin/lists/listentry/?publication=overdue",
    )


def entries_expire_due(*, today: datetime.date | None = None, batch_size: int = 500) -> int:
    """Remove (reason expired) every published entry whose maximum period (a red entry: its
    validity) has ended, each in its own transaction, ending its cases. Returns how many. Uses
    entry_state_pub_end_idx and, for red entries, entry_state_valid_idx."""
    today = today or timezone.localdate()
    ended = Q(publication_ends_on__lt=today) | Q(list_type=ListType.RED, valid_until__lt=today)
    entries = ListEntry.objects.filter(ended, state=EntryState.PUBLISHED)
    return each_by_pk(entries, lambda entry_id: _expire_one(entry_id, today), batch_size=batch_size)


@transaction.atomic(durable=True)
def _expire_one(entry_id: int, today: datetime.date) -> bool:
    entry = lock_entry(entry_id)
    # Checked again under the lock: suspended or removed meanwhile, the next scan decides again.
    if entry.state != EntryState.PUBLISHED or entry.ends_on >= today:
        return False
    if entry.list_type == ListType.RED:
        note = _("The validity of the red-list entry ended on %(end)s.") % {"end": entry.ends_on.isoformat()}
        title = _("%(entry)s left the red list: its validity ended") % {"entry": entry}
    else:
        note = _("The publication period ended on %(end)s.") % {"end": entry.ends_on.isoformat()}
        title = _("%(entry)s left the list: its publication period ended") % {"entry": entry}
    _remove(entry, actor=None, reason=RemovalReason.EXPIRED, note=note)
    _notify([entry.identifying_department_id], verb="entry_expired", title=title, url=entry_url(entry))
    return True
