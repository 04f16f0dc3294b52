"""The lower side: the upload round (the outbox, in order, signed), the download round (the feed,
applied idempotently), resending a corrected item and applying a failed one again."""
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from credit_platform import exchange_outbox
from credit_platform.exceptions import IllegalTransition
from credit_platform.models import ExchangeItem, ExchangeItemType
from credit_platform.workflow import entry_point, require
from exchange import events, locks
from exchange.models import DownloadedItem, LinkState
from exchange.signing import LinkError, get_upstream, post_upstream
from lists import services as lists_services
from records import services as records_services

BATCHES_PATH = "/api/v1/exchange/batches/"
FEED_PATH = "/api/v1/exchange/feed/"
MAX_ROUND_BATCHES = 1000


@dataclass
class RoundReport:
    """What one round did (``exchange_sync`` prints it)."""

    sent: int = 0
    accepted: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)
    applied: int = 0
    stored: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    batches: int = 0
    error: str = ""


def link_state() -> LinkState:
    state, _created = LinkState.objects.get_or_create(pk=1)
    return state


def configured() -> bool:
    return bool(settings.EXCHANGE_REGION and settings.EXCHANGE_UPSTREAM_URL and settings.EXCHANGE_KEY)


def _note_error(message: str) -> None:
    LinkState.objects.filter(pk=1).update(last_error=message[:2000], last_error_at=timezone.now())


# --- upload ------------------------------------------------------------------------------------


def _next_batch(size: int) -> list[ExchangeItem]:
    """The oldest pending items: a batch sent before and not answered goes again under its id, whole."""
    first = ExchangeItem.objects.filter(state=ExchangeItem.State.PENDING).order_by("id").first()
    if first is None:
        return []
    if first.batch_id:
        return list(ExchangeItem.objects.filter(state=ExchangeItem.State.PENDING, batch_id=first.batch_id).order_by("id"))
    items = list(ExchangeItem.objects.filter(state=ExchangeItem.State.PENDING, batch_id="").order_by("id")[:size])
    batch_id = uuid.uuid4().hex
    ExchangeItem.objects.filter(pk__in=[i.pk for i in items]).update(batch_id=batch_id)
    for item in items:
        item.batch_id = batch_id
    return items


def _apply_answer(items: list[ExchangeItem], answer: dict, report: RoundReport) -> None:
    results = answer.get("results") if isinstance(answer, dict) else None
    if not isinstance(results, list) or len(results) != len(items):
        raise LinkError(_("The upper platform's answer does not list every item."))
    now = timezone.now()
    accepted_ids = []
    for item, result in zip(items, results, strict=True):
        if not isinstance(result, dict) or result.get("item_id") != item.item_id:
            raise LinkError(_("The upper platform's answer is not in the batch's order."))
        accepted = result.get("status") == "accepted"
        item.state = ExchangeItem.State.ACCEPTED if accepted else ExchangeItem.State.REFUSED
        item.reason = "" if accepted else str(result.get("reason") or "")[:2000]
        if accepted:
            accepted_ids.append(item.pk)
            report.accepted += 1
        else:
            report.refused.append((item.item_id, item.reason))
    # One UPDATE for the accepted (most of a batch), one per refused item with its reason.
    ExchangeItem.objects.filter(pk__in=accepted_ids).update(state=ExchangeItem.State.ACCEPTED, reason="", answered_at=now, attempts=F("attempts") + 1)
    for item in items:
        if item.state == ExchangeItem.State.REFUSED:
            ExchangeItem.objects.filter(pk=item.pk).update(state=item.state, reason=item.reason, answered_at=now, attempts=F("attempts") + 1)


@transaction.atomic(durable=True)
def _upload_batch(size: int, report: RoundReport) -> bool:
    """Send one batch; False when nothing is left or the link failed (the items stay pending, in order)."""
    if not locks.try_hold(locks.UPLOAD):
        report.error = _("Another upload round is running.")
        return False
    items = _next_batch(size)
    if not items:
        return False
    payload = {
        "source_region": settings.EXCHANGE_REGION, "batch_id": items[0].batch_id,
        "items": [{"item_id": i.item_id, "version": i.version, "type": i.type, "op": i.op, "data": i.data} for i in items],
    }
    state = link_state()
    try:
        answer = post_upstream(BATCHES_PATH, payload)
        _apply_answer(items, answer, report)
    except LinkError as exc:
        ExchangeItem.objects.filter(pk__in=[i.pk for i in items]).update(attempts=items[0].attempts + 1)
        state.last_error, state.last_error_at = str(exc)[:2000], timezone.now()
        state.save(update_fields=["last_error", "last_error_at"])
        report.error = str(exc)
        return False
    report.sent += len(items)
    report.batches += 1
    state.last_batch_id, state.last_batch_at = payload["batch_id"], timezone.now()
    state.last_batch_result = f"{len(items)} sent, {len(items) - sum(1 for i in items if i.state == ExchangeItem.State.REFUSED)} accepted"
    state.last_error = ""
    state.save(update_fields=["last_batch_id", "last_batch_at", "last_batch_result", "last_error"])
    return True


def upload_round(*, batch_size: int | None = None) -> RoundReport:
    """Send the pending outbox in order, batch after batch, until it is empty or the link fails."""
    report = RoundReport()
    if not configured():
        report.error = _("No upper platform configured (EXCHANGE_REGION, EXCHANGE_UPSTREAM_URL, EXCHANGE_KEY).")
        return report
    link_state()
    size = batch_size or settings.EXCHANGE_BATCH_SIZE
    for _i in range(MAX_ROUND_BATCHES):
        if not _upload_batch(size, report):
            break
    return report


# --- download ----------------------------------------------------------------------------------


def _apply(item: dict) -> tuple[str, str]:
    """Apply one feed item in the caller's transaction: (state, reason)."""
    region = exchange_outbox.parse_item_id(item.get("item_id"))[0]
    if item.get("type") == ExchangeItemType.LIST_ENTRY:
        lists_services.entry_receive(item_id=item["item_id"], version=item["version"], op=item["op"], data=item.get("data") or {},
                                     source_region=region, open_cases=True)
        return DownloadedItem.State.APPLIED, ""
    if item.get("type") == ExchangeItemType.RECORD:
        records_services.record_receive(item_id=item["item_id"], version=item["version"], op=item["op"], data=item.get("data") or {},
                                        source_region=region)
        return DownloadedItem.State.APPLIED, ""
    return DownloadedItem.State.STORED, ""


def _record(item: dict, state: str, reason: str) -> None:
    region = exchange_outbox.parse_item_id(item.get("item_id"))[0]
    row, created = DownloadedItem.objects.get_or_create(
        item_id=item["item_id"], version=item["version"],
        defaults={"type": item.get("type", ""), "op": item.get("op", ""), "source_region": region, "data": item.get("data") or {},
                  "state": state, "reason": reason},
    )
    if not created:
        if state == DownloadedItem.State.FAILED and row.state != DownloadedItem.State.FAILED:
            return  # applied meanwhile (by another round): the failure was the duplicate's
        row.state, row.reason, row.attempts = state, reason, row.attempts + 1
        row.save(update_fields=["state", "reason", "attempts", "applied_at"])


def apply_item(item: dict) -> str:
    """Apply a feed item once (idempotent by item and version); its state."""
    done = DownloadedItem.objects.filter(item_id=item.get("item_id"), version=item.get("version")).first()
    if done is not None and done.state != DownloadedItem.State.FAILED:
        return "skipped"
    if exchange_outbox.parse_item_id(item.get("item_id"))[0] == exchange_outbox.own_region():
        return "skipped"  # our own item, back from the upper platform: never applied twice
    try:
        with transaction.atomic(durable=True):
            state, reason = _apply(item)
            _record(item, state, reason)
        return state
    except (ValidationError, PermissionDenied, IllegalTransition, IntegrityError, KeyError, ValueError, TypeError) as exc:
        message = " ".join(getattr(exc, "messages", None) or [str(exc)])[:2000]
        with transaction.atomic(durable=True):
            _record(item, DownloadedItem.State.FAILED, message)
        return DownloadedItem.State.FAILED


def download_round(*, max_pages: int = 1000) -> RoundReport:
    """Pull the feed from the kept cursor and apply each item (each in its own transaction); keep the cursor."""
    report = RoundReport()
    if not configured():
        report.error = _("No upper platform configured (EXCHANGE_REGION, EXCHANGE_UPSTREAM_URL, EXCHANGE_KEY).")
        return report
    state = link_state()
    if not locks.session_try(locks.DOWNLOAD):
        report.error = _("Another download round is running.")
        return report
    try:
        _download_pages(state, report, max_pages)
    finally:
        locks.session_release(locks.DOWNLOAD)
    return report


def _download_pages(state: LinkState, report: RoundReport, max_pages: int) -> None:
    state.refresh_from_db()  # the cursor as the last round left it
    for _page in range(max_pages):
        try:
            page = get_upstream(f"{FEED_PATH}?since={state.feed_cursor}&region={settings.EXCHANGE_REGION}")
        except LinkError as exc:
            _note_error(str(exc))
            report.error = str(exc)
            break
        items = page.get("items") or []
        for item in items:
            result = apply_item(item)
            if result == DownloadedItem.State.APPLIED:
                report.applied += 1
            elif result == DownloadedItem.State.STORED:
                report.stored += 1
            elif result == DownloadedItem.State.FAILED:
                report.failed.append((item.get("item_id"), DownloadedItem.objects.get(item_id=item["item_id"], version=item["version"]).reason))
        cursor = int(page.get("next") or state.feed_cursor)
        LinkState.objects.filter(pk=1).update(feed_cursor=cursor, last_download_at=timezone.now())
        state.feed_cursor = cursor
        if not items:
            break


# --- the admin's corrections ------------------------------------------------------------------


@transaction.atomic(savepoint=False)
def item_resend_in_transaction(*, item: ExchangeItem, actor, data: dict | None = None) -> ExchangeItem:
    """Send a refused item again (corrected: ``data``) in the next batch, after the items already waiting."""
    item = ExchangeItem.objects.select_for_update().get(pk=item.pk)
    require(item.state == ExchangeItem.State.REFUSED, _("Only a refused item is sent again."))
    old_reason = item.reason
    if data is not None:
        item.data = data
    item.state, item.batch_id, item.reason = ExchangeItem.State.PENDING, "", ""
    item.save(update_fields=["data", "state", "batch_id", "reason"])
    events.item_resent(item, actor, reason=old_reason, extra={"item": item.item_id, "version": item.version, "corrected": data is not None})
    return item


item_resend = entry_point(item_resend_in_transaction)


def item_apply_again(*, row: DownloadedItem, actor) -> str:
    """Apply a failed feed item again (after the cause was fixed, e.g. the memorandum added)."""
    require(row.state == DownloadedItem.State.FAILED, _("Only a failed item is applied again."))
    state = apply_item({"item_id": row.item_id, "version": row.version, "type": row.type, "op": row.op, "data": row.data})
    with transaction.atomic(durable=True):
        events.item_applied_again(row, actor, extra={"item": row.item_id, "version": row.version, "result": state})
    return state
