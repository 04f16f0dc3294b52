"""What the dashboard shows of the exchange: the link's state (lower side) and the items by region (upper side)."""
from django.db.models import Count, Max

from credit_platform import exchange_outbox
from credit_platform.models import ExchangeItem
from exchange.models import DownloadedItem, LinkState, UpstreamItem


def link_figures() -> dict | None:
    """The link's state, or None when this instance exchanges nothing (no region)."""
    region = exchange_outbox.own_region()
    if not region:
        return None
    state = LinkState.objects.filter(pk=1).first()
    counts = dict(ExchangeItem.objects.values_list("state").annotate(n=Count("id")).order_by())
    received = list(
        UpstreamItem.objects.exclude(source_region=region).values("source_region")
        .annotate(items=Count("id"), last=Max("received_at")).order_by("source_region")
    )
    return {
        "region": region,
        "last_batch_id": state.last_batch_id if state else "",
        "last_batch_at": state.last_batch_at if state else None,
        "last_batch_result": state.last_batch_result if state else "",
        "backlog": counts.get(ExchangeItem.State.PENDING, 0),
        "refused": counts.get(ExchangeItem.State.REFUSED, 0),
        "accepted": counts.get(ExchangeItem.State.ACCEPTED, 0),
        "feed_cursor": state.feed_cursor if state else 0,
        "last_download_at": state.last_download_at if state else None,
        "failed_downloads": DownloadedItem.objects.filter(state=DownloadedItem.State.FAILED).count(),
        "last_error": state.last_error if state else "",
        "last_error_at": state.last_error_at if state else None,
        "received_by_region": received,
    }
