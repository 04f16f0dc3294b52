"""The periodic work of records: recomputed publication dates, the daily 双公示 notices, the expiry scan."""
import datetime

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from credit_platform import calendar, notifications
from credit_platform.rules import publication_due
from credit_platform.workflow import each_by_pk, lock_rows
from records import events
from records.locks import lock_record
from records.models import CreditRecord, RecordRemovalReason, RecordState
from records.selectors import publication_q
from records.services.records import record_remove_in_transaction, record_url

# "About to pass": drafts due within this many working days (today included).
DUE_SOON_WORKING_DAYS = 2
OVERDUE_URL = "/admin/records/creditrecord/?publication=overdue"
DUE_SOON_URL = "/admin/records/creditrecord/?publication=due_soon"


def due_soon_until(today: datetime.date) -> datetime.date:
    """The last publication date counted as "about to pass" on ``today``."""
    return calendar.add_working_days(today, DUE_SOON_WORKING_DAYS).date


def records_recompute_publication_due(year: int) -> int:
    """Recompute the 双公示 dates computed through a provisional calendar (registered with
    credit_platform.calendar, called when a year's calendar changes): from the decision dates, so
    running it twice changes nothing; whether those published were on time follows. Each record is
    locked and its new dates and their audit event written in one transaction. Returns how many changed."""
    start = datetime.date(year - 1, 1, 1)  # a due date in `year` may come from a decision the year before
    candidates = CreditRecord.objects.filter(publication_due_provisional=True, decided_on__gte=start)
    return each_by_pk(candidates, lambda record_id: _record_recompute_publication_due(record_id, year, candidates))


@transaction.atomic(durable=True)
def _record_recompute_publication_due(record_id: int, year: int, candidates) -> bool:
    locked = lock_rows(candidates.filter(pk=record_id).select_related("rule_set"))
    if not locked or locked[0].rule_set is None:
        return False
    record = locked[0]
    due = publication_due(record.rule_set, record.decided_on)
    on_time = None if record.published_on is None else record.published_on <= due.date
    fields = {"publication_due": due.date, "publication_due_provisional": due.provisional, "published_on_time": on_time}
    if all(getattr(record, f) == v for f, v in fields.items()):
        return False
    CreditRecord.objects.filter(pk=record.pk).update(**fields)
    events.record_publication_due_recomputed(record, extra={"year": year, **fields})
    return True


def records_publication_overdue_notify(*, today: datetime.date | None = None) -> int:
    """双公示: tell each providing department, once a day, how many of its records are past their
    publication date, and how many will be within ``DUE_SOON_WORKING_DAYS`` working days (with the
    links to them). Returns how many notices were sent."""
    today = today or timezone.localdate()

    def per_department(queryset):
        return queryset.values_list("department_id").annotate(n=Count("pk")).order_by("department_id")

    overdue = per_department(CreditRecord.objects.filter(publication_q("overdue", today)))
    soon = per_department(CreditRecord.objects.filter(
        state=RecordState.DRAFT, publication_due__gte=today, publication_due__lte=due_soon_until(today),
    ))
    told = notifications.notify_daily_counts(
        counts=overdue, verb="records_publication_overdue", today=today,
        title=lambda n: _("%(n)d credit records are past their publication date (双公示)") % {"n": n}, url=OVERDUE_URL,
    )
    return told + notifications.notify_daily_counts(
        counts=soon, verb="records_publication_due_soon", today=today,
        title=lambda n: _("%(n)d credit records are due for publication within %(days)d working days (双公示)")
        % {"n": n, "days": DUE_SOON_WORKING_DAYS},
        url=DUE_SOON_URL,
    )


def records_expire_due(*, today: datetime.date | None = None, batch_size: int = 500) -> int:
    """Remove (reason expired) every published record whose publication has ended — a penalty at
    the end of its severity's period, a licence at its validity (2099-12-31 never) — each in its own
    transaction. Returns how many. Uses record_published_end_idx."""
    today = today or timezone.localdate()
    ended = CreditRecord.objects.filter(state=RecordState.PUBLISHED, publication_ends_on__lt=today)
    return each_by_pk(ended, lambda record_id: _expire_one(record_id, today), batch_size=batch_size)


@transaction.atomic(durable=True)
def _expire_one(record_id: int, today: datetime.date) -> bool:
    record = lock_record(record_id)
    # Checked again under the lock: suspended or removed meanwhile, the next scan decides again.
    if record.state != RecordState.PUBLISHED or record.publication_ends_on is None or record.publication_ends_on >= today:
        return False
    note = _("The publication period ended on %(end)s.") % {"end": record.publication_ends_on.isoformat()}
    record_remove_in_transaction(record=record, actor=None, reason=RecordRemovalReason.EXPIRED, note=note, check_permission=False)
    notifications.notify_many_on_commit([{
        "department_id": record.department_id, "verb": "record_expired",
        "title": _("%(record)s: its publication period ended") % {"record": record}, "url": record_url(record),
    }])
    return True
