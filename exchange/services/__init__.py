"""Every write of the exchange (docs/exchange.md).

``upper``: the upper side — registering a lower region, receiving a batch, putting this instance's own
items in the feed. ``lower``: the lower side — the upload round, the download round, resending a
corrected item, applying a failed one again. ``reconcile``: counts and checksums per type, both sides.
"""
from exchange.services.lower import download_round, item_apply_again, item_resend, item_resend_in_transaction, upload_round
from exchange.services.reconcile import reconcile, region_summary
from exchange.services.upper import batch_receive, feed_page, own_items_to_feed, region_register, region_register_in_transaction

__all__ = [
    "batch_receive",
    "download_round",
    "feed_page",
    "item_apply_again",
    "item_resend",
    "item_resend_in_transaction",
    "own_items_to_feed",
    "reconcile",
    "region_register",
    "region_register_in_transaction",
    "region_summary",
    "upload_round",
]
