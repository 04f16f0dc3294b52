"""Reconciliation: per type counts and checksums of the items of a region, on both sides.

The upper side answers ``region_summary(region)`` (its stored items from that region, latest version
each); the lower side compares it with its outbox (latest accepted version of each item) and names
every item that differs: missing upstream, unknown locally, or at another version.
"""
import hashlib

from django.db.models import Max

from credit_platform.models import ExchangeItem, ExchangeItemType
from exchange.models import UpstreamItem
from exchange.signing import get_upstream

RECONCILE_PATH = "/api/v1/exchange/reconcile/"


def summary_of(latest: dict[str, tuple[str, int]]) -> dict:
    """``{"types": {type: {"count", "checksum"}}, "items": {item_id: version}}`` from item → (type, version)."""
    types = {}
    for type_ in ExchangeItemType.values:
        lines = sorted(f"{item_id}:{version}" for item_id, (t, version) in latest.items() if t == type_)
        types[type_] = {"count": len(lines), "checksum": hashlib.sha256("\n".join(lines).encode()).hexdigest()}
    return {"types": types, "items": {item_id: version for item_id, (_t, version) in latest.items()}}


def region_summary(region: str) -> dict:
    """The upper side's view of a region's items."""
    rows = UpstreamItem.objects.filter(source_region=region).values("item_id", "type").annotate(v=Max("version"))
    return summary_of({r["item_id"]: (r["type"], r["v"]) for r in rows})


def local_summary() -> dict:
    """This instance's view: the latest accepted version of each item it uploaded."""
    rows = ExchangeItem.objects.filter(state=ExchangeItem.State.ACCEPTED).values("item_id", "type").annotate(v=Max("version"))
    return summary_of({r["item_id"]: (r["type"], r["v"]) for r in rows})


def compare(local: dict, upper: dict) -> list[str]:
    """The differences, one line each, naming the item; empty when both sides agree."""
    lines = []
    for type_ in ExchangeItemType.values:
        mine, theirs = local["types"].get(type_, {}), upper["types"].get(type_, {})
        if mine != theirs:
            lines.append(f"{type_}: local {mine.get('count', 0)} items, upper {theirs.get('count', 0)} items (checksums differ)")
    mine_items, their_items = local["items"], upper["items"]
    for item_id in sorted(set(mine_items) | set(their_items)):
        a, b = mine_items.get(item_id), their_items.get(item_id)
        if b is None:
            lines.append(f"{item_id}: missing on the upper platform (local version {a})")
        elif a is None:
            lines.append(f"{item_id}: on the upper platform (version {b}), not accepted here")
        elif a != b:
            lines.append(f"{item_id}: local version {a}, upper version {b}")
    return lines


def reconcile(region: str) -> tuple[dict, dict, list[str]]:
    """Ask the upper platform for its view of this region and compare (LinkError when it cannot be reached)."""
    upper = get_upstream(f"{RECONCILE_PATH}?region={region}")
    local = local_summary()
    return local, upper, compare(local, upper)
