"""The upper side: lower regions and their keys, batches received, the feed served."""
from collections import Counter

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from credit_platform import exchange_outbox
from credit_platform.exceptions import IllegalTransition
from credit_platform.models import ExchangeItem, ExchangeItemType, ExchangeOp, Region
from credit_platform.workflow import entry_point
from exchange import events, locks
from exchange.models import ReceivedBatch, RegionLink, UpstreamItem
from lists import services as lists_services
from lists.models import ListEntry
from records import services as records_services

MAX_BATCH_ITEMS = 10_000
FEED_PAGE = 500


class BatchRefused(Exception):
    """The whole batch is refused (HTTP ``status``) and nothing is stored."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


def region_ensure(code: str, name: str = "") -> Region:
    """The region of this code, made with its parent chain (province → city → district) as far as they are known."""
    code = (code or "").strip()
    if len(code) != 6 or not code.isdigit():
        raise ValidationError({"code": [_("A region code has six digits (GB/T 2260).")]})
    parent_code = code[:4] + "00" if not code.endswith("00") else (code[:2] + "0000" if not code.endswith("0000") else "")
    parent = Region.objects.filter(code=parent_code).first() if parent_code else None
    region, created = Region.objects.get_or_create(code=code, defaults={"name": name or code, "parent": parent})
    if not created and ((name and region.name != name) or (parent and region.parent_id != parent.pk)):
        region.name, region.parent = name or region.name, parent or region.parent
        region.save(update_fields=["name", "parent"])
    return region


@transaction.atomic(savepoint=False)
def region_register_in_transaction(*, code: str, name: str, key: str, actor=None) -> RegionLink:
    """Register (or re-key) a lower region on this upper instance; idempotent."""
    key = (key or "").strip()
    if len(key) < 16:
        raise ValidationError({"key": [_("The shared key needs at least 16 characters.")]})
    region = region_ensure(code, name)
    link = RegionLink.objects.select_for_update().filter(region=region).first()
    if link is None:
        link = RegionLink.objects.create(region=region, key=key)
        events.region_registered(link, actor, extra={"region": region.code, "name": region.name})
    elif link.key != key or not link.is_active:
        link.key, link.is_active = key, True
        link.save(update_fields=["key", "is_active", "updated_at"])
        events.region_key_changed(link, actor, extra={"region": region.code})
    return link


region_register = entry_point(region_register_in_transaction)


def _item_refusal(item, source_region: str) -> str:
    if not isinstance(item, dict):
        return _("An item is an object.")
    region, type_, local = exchange_outbox.parse_item_id(item.get("item_id"))
    if not local:
        return _("The item_id is <region>:<type>:<local id>.")
    if type_ != item.get("type") or type_ not in ExchangeItemType.values:
        return _("Unknown type, or not the type its item_id names.")
    if item.get("op") not in ExchangeOp.values:
        return _("The op is upsert or remove.")
    if not isinstance(item.get("version"), int) or item["version"] < 1:
        return _("The version is a positive whole number.")
    if not isinstance(item.get("data"), dict):
        return _("The data is an object.")
    return ""


def _check_whole(link: RegionLink, body) -> None:
    """A batch of another region than the key's is refused whole (403), a malformed one too (400)."""
    if not isinstance(body, dict) or not isinstance(body.get("items"), list) or not str(body.get("batch_id") or "").strip():
        raise BatchRefused(_("The body is {source_region, batch_id, items}."), 400)
    if len(body["items"]) > MAX_BATCH_ITEMS:
        raise BatchRefused(_("At most %(n)d items per batch.") % {"n": MAX_BATCH_ITEMS}, 400)
    region = link.region.code
    if body.get("source_region") != region:
        raise BatchRefused(_("This key is region %(region)s's; the batch says %(other)s.") % {"region": region, "other": body.get("source_region")}, 403)
    for item in body["items"]:
        item_region = exchange_outbox.parse_item_id(item.get("item_id") if isinstance(item, dict) else "")[0]
        if item_region and item_region != region:
            raise BatchRefused(_("Item %(item)s is not region %(region)s's.") % {"item": item.get("item_id"), "region": region}, 403)


def _row(item: dict, *, region: str, batch_id: str) -> UpstreamItem:
    subject = item["data"].get("subject") or {}
    return UpstreamItem(
        source_region=region, item_id=item["item_id"], type=item["type"], op=item["op"], version=item["version"], data=item["data"],
        subject_identifier=str(subject.get("identifier") or "")[:32],
        division_code=exchange_outbox.division_code(subject.get("identifier") or "", subject.get("kind") or ""), batch_id=batch_id,
    )


def _materialise(item: dict, *, region: str) -> None:
    """A list entry or a public record is shown in this instance's credit files and public pages, marked
    with its region; no case is opened here, no follow-up of a record started."""
    if item["type"] == ExchangeItemType.LIST_ENTRY:
        lists_services.entry_receive(item_id=item["item_id"], version=item["version"], op=item["op"], data=item["data"],
                                     source_region=region, open_cases=False)
    elif item["type"] == ExchangeItemType.RECORD:
        records_services.record_receive(item_id=item["item_id"], version=item["version"], op=item["op"], data=item["data"], source_region=region)


def _stored_versions(items: list) -> dict[str, int]:
    """The latest stored version of each item of the batch, in one query."""
    ids = {item.get("item_id") for item in items if isinstance(item, dict) and isinstance(item.get("item_id"), str)}
    rows = UpstreamItem.objects.filter(item_id__in=ids).values("item_id").annotate(v=Max("version")).values_list("item_id", "v")
    return dict(rows)


def _new_entries(items: list, region: str, stored: dict[str, int]) -> dict[str, str]:
    """Materialise in bulk the batch's entries this instance does not hold yet (each item once, upserted,
    on the list); ``{item_id: refusal or ""}`` for those it took in hand. The others go one by one."""
    candidates = [
        item for item in items
        if not _item_refusal(item, region) and item["type"] == ExchangeItemType.LIST_ENTRY and item["op"] == ExchangeOp.UPSERT
        and item["data"].get("state") != "removed" and item["version"] > stored.get(item["item_id"], 0)
    ]
    counts = Counter(item["item_id"] for item in candidates)
    held = set(ListEntry.objects.filter(exchange_item_id__in=list(counts)).values_list("exchange_item_id", flat=True))
    bulk = [item for item in candidates if counts[item["item_id"]] == 1 and item["item_id"] not in held]
    if not bulk:
        return {}
    try:
        with transaction.atomic():  # a savepoint: when the bulk path cannot run at all, its items are refused
            refusals = lists_services.entries_receive_new(items=bulk, source_region=region)
    except ValidationError as exc:
        return {item["item_id"]: " ".join(exc.messages)[:1000] for item in bulk}
    return {item["item_id"]: refusals.get(item["item_id"], "") for item in bulk}


def _receive_item(item, *, region: str, batch_id: str, stored: dict[str, int], rows: list[UpstreamItem], done: dict[str, str]) -> dict:
    item_id = item.get("item_id") if isinstance(item, dict) else None
    refusal = _item_refusal(item, region)
    if refusal:
        return {"item_id": item_id, "status": "refused", "reason": refusal}
    answer = {"item_id": item_id, "version": item["version"], "status": "accepted", "reason": ""}
    if item["version"] <= stored.get(item_id, 0):
        return answer  # a version not above the stored one changes nothing
    if item_id in done:  # materialised with the batch's other new entries
        if done[item_id]:
            return {**answer, "status": "refused", "reason": done[item_id]}
    elif item["type"] in (ExchangeItemType.LIST_ENTRY, ExchangeItemType.RECORD):
        try:
            with transaction.atomic():  # a savepoint: a refused entry leaves the others standing
                _materialise(item, region=region)
        except (ValidationError, PermissionDenied, IllegalTransition, IntegrityError, ObjectDoesNotExist, ValueError, TypeError) as exc:
            message = " ".join(getattr(exc, "messages", None) or [str(exc)])
            return {**answer, "status": "refused", "reason": message[:1000]}
    stored[item_id] = item["version"]  # a second copy of it in the same batch changes nothing
    rows.append(_row(item, region=region, batch_id=batch_id))  # stored with the others, in the batch's order
    return answer


@transaction.atomic(durable=True)
def batch_receive(*, link: RegionLink, body) -> dict:
    """Store a lower region's batch item by item; the answer ``{"batch_id", "results"}``.

    Raises BatchRefused (nothing stored) for another region's data or a malformed body. A batch id
    already answered gets its stored answer again.
    """
    _check_whole(link, body)
    region, batch_id = link.region.code, str(body["batch_id"])[:64]
    locks.hold(locks.FEED)
    done = ReceivedBatch.objects.filter(region_code=region, batch_id=batch_id).first()
    if done is not None:
        return {"batch_id": batch_id, "results": done.results}
    stored, rows = _stored_versions(body["items"]), []
    done = _new_entries(body["items"], region, stored)
    results = [_receive_item(item, region=region, batch_id=batch_id, stored=stored, rows=rows, done=done) for item in body["items"]]
    UpstreamItem.objects.bulk_create(rows, batch_size=2000)  # ids (the feed's order) follow the batch's order
    ReceivedBatch.objects.create(region_code=region, batch_id=batch_id, results=results)
    accepted = sum(1 for r in results if r["status"] == "accepted")
    events.batch_received(link, None, extra={"batch": batch_id, "items": len(results), "accepted": accepted, "refused": len(results) - accepted})
    return {"batch_id": batch_id, "results": results}


@transaction.atomic(durable=True)
def own_items_to_feed(*, limit: int = 5000) -> int:
    """Put this instance's own outbox items in its feed (its regions apply what it decided); idempotent."""
    region = exchange_outbox.own_region()
    if not region or not RegionLink.objects.filter(is_active=True).exists():
        return 0  # no lower region to serve (the items wait, unfed, until one is registered)
    items = list(ExchangeItem.objects.select_for_update(skip_locked=True).filter(fed_at__isnull=True).order_by("id")[:limit])
    if not items:
        return 0
    locks.hold(locks.FEED)
    rows = []
    for item in items:
        subject = item.data.get("subject") or {}
        rows.append(UpstreamItem(
            source_region=region, item_id=item.item_id, type=item.type, op=item.op, version=item.version, data=item.data,
            subject_identifier=item.subject_identifier, division_code=exchange_outbox.division_code(subject.get("identifier") or "", subject.get("kind") or ""),
        ))
    UpstreamItem.objects.bulk_create(rows, ignore_conflicts=True)
    ExchangeItem.objects.filter(pk__in=[i.pk for i in items]).update(fed_at=timezone.now())
    return len(items)


def feed_page(*, region: str, since: int, limit: int = FEED_PAGE) -> dict:
    """The items region R must apply after the cursor: not from R, their subject's division under R."""
    prefix = exchange_outbox.region_prefix(region)
    rows = list(
        UpstreamItem.objects.filter(id__gt=since, division_code__startswith=prefix).exclude(source_region=region)
        .order_by("id")[:limit]
    )
    items = [{"item_id": r.item_id, "version": r.version, "type": r.type, "op": r.op, "data": r.data, "source_region": r.source_region}
             for r in rows]
    return {"items": items, "next": str(rows[-1].id if rows else since)}
