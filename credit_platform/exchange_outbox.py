"""The exchange outbox (DESIGN.md "Exchange"): what the lower apps write, in the change's transaction,
for the ``exchange`` app to upload to the upper platform — as ``webhooks.enqueue`` is for departments.

``record(type=, local_id=, op=, data=, subject=)`` writes one ``ExchangeItem``: the next version of
``<EXCHANGE_REGION>:<type>:<local id>``; ``record_new`` the first versions of an import's new rows at once. Nothing is written when the instance has no region
(``EXCHANGE_REGION`` empty). Callers hold the row lock of what changed, so versions never collide;
they never record an item that came from elsewhere (an entry with a ``source_region``): downloaded
items are not uploaded again.

Also the region rule both ends share: a subject belongs to the division code of its identifier
(USCC characters 3–8, citizen ID digits 1–6); a division lies under a region when it starts with the
region's significant digits (620700 → 6207…).
"""
from django.conf import settings
from django.db.models import Max

from credit_platform.models import ExchangeItem, ExchangeItemType, ExchangeOp

PERSON_KIND = "natural_person"


def own_region() -> str:
    return settings.EXCHANGE_REGION or ""


def enabled() -> bool:
    """Whether this instance exchanges at all (has a region): callers skip building an item otherwise."""
    return bool(own_region())


def item_id_for(type: str, local_id, region: str | None = None) -> str:
    return f"{region or own_region()}:{type}:{local_id}"


def parse_item_id(item_id: str) -> tuple[str, str, str]:
    """``(region, type, local id)``; empty strings when the id is not of that form."""
    parts = str(item_id or "").split(":", 2)
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 else ("", "", "")


def division_code(identifier: str, kind: str = "") -> str:
    """The administrative division of a subject's identifier: a person's ID digits 1–6, an organisation's USCC characters 3–8."""
    identifier = (identifier or "").strip().upper()
    if len(identifier) != 18:
        return ""
    code = identifier[:6] if kind == PERSON_KIND else identifier[2:8]
    return code if code.isdigit() else ""


def region_prefix(region: str) -> str:
    """The significant digits of a region code: 620000 → 62, 620700 → 6207, 620702 → 620702."""
    region = (region or "").strip()
    while len(region) > 2 and region.endswith("00"):
        region = region[:-2]
    return region


def lies_under(division: str, region: str) -> bool:
    """Whether a division code lies in (or is) the region."""
    prefix = region_prefix(region)
    return bool(division) and bool(prefix) and division.startswith(prefix)


def record(*, type: str, local_id, op: str, data: dict, subject=None) -> ExchangeItem | None:
    """Write the next version of the item in the current transaction; None when the instance exchanges nothing."""
    if not own_region():
        return None
    assert type in ExchangeItemType.values and op in ExchangeOp.values, (type, op)
    item_id = item_id_for(type, local_id)
    latest = ExchangeItem.objects.filter(item_id=item_id).aggregate(v=Max("version"))["v"] or 0
    return ExchangeItem.objects.create(
        item_id=item_id, type=type, op=op, version=latest + 1, data=data,
        subject_identifier=getattr(subject, "identifier", "") or "",
    )


def record_new(*, type: str, items) -> int:
    """Bulk paths (an import): the first version of objects created in the current transaction, in
    one INSERT; ``items``: ``(local_id, op, data, subject)`` in the order they are to be uploaded.
    Nothing when the instance exchanges nothing; answers the number written."""
    if not own_region():
        return 0
    assert type in ExchangeItemType.values, type
    rows = [
        ExchangeItem(item_id=item_id_for(type, local_id), type=type, op=op, version=1, data=data,
                     subject_identifier=getattr(subject, "identifier", "") or "")
        for local_id, op, data, subject in items
    ]
    ExchangeItem.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def subject_data(subject) -> dict:
    """How an item names its subject (enough to find or register it on the other side)."""
    return {"identifier": subject.identifier, "kind": subject.kind, "name": subject.name}


def as_text(value) -> str | None:
    """Dates and times as ISO text (the item's data is JSON); None stays None."""
    return None if value is None else value.isoformat()
