"""Outgoing webhooks: an outbox written in the notifying transaction, delivered signed by a task.

Every notification queued with ``notify_on_commit`` / ``notify_many_on_commit`` for a department
with a ``webhook_url`` also writes a ``WebhookDelivery`` row in the same transaction (``enqueue``);
once the transaction commits, ``deliver_webhook_task`` POSTs it. Each attempt is recorded
(``WebhookAttempt``); a non-2xx answer or a network error is retried with exponential backoff up to
``MAX_ATTEMPTS`` times, then the row is ``failed``. ``webhooks_sweep_task`` (celery beat, every five
minutes) delivers pending rows that are due, e.g. whose task never ran because the broker was down.

The request
-----------
``POST <webhook_url>`` with the JSON payload (UTF-8) as its body and the headers::

    Content-Type: application/json; charset=utf-8
    X-Credit-Event: <notification verb>
    X-Credit-Delivery: <delivery id; the same on every retry, use it to drop duplicates>
    X-Credit-Timestamp: <unix seconds>
    X-Credit-Signature: sha256=<hex HMAC-SHA256(webhook_secret, "<timestamp>.<body>")>

Answer with any 2xx status within 10 seconds; anything else is retried. Receivers check the
signature with ``verify_signature`` (or its equivalent in their language).
"""
import datetime
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from urllib.parse import urlsplit

from celery import current_app
from django.db import transaction
from django.utils import timezone

from credit_platform.models import Department, WebhookAttempt, WebhookDelivery

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10
MAX_ATTEMPTS = 8
BACKOFF_BASE_SECONDS = 30  # 30 s, 1, 2, 4, 8, 16, 32 min between the eight attempts
SWEEP_BATCH = 200
USER_AGENT = "credit-platform-webhooks/1"
DELIVER_TASK = "credit_platform.tasks.deliver_webhook_task"


# --- Signing ----------------------------------------------------------------------------------


def _deliver_task():
    """The delivery task, found by name: the tasks module imports this one."""
    return current_app.tasks[DELIVER_TASK]


def _as_bytes(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8")


def sign(secret: str, timestamp: int | str, body: str | bytes) -> str:
    """``sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>``, the ``X-Credit-Signature`` header."""
    message = _as_bytes(str(timestamp)) + b"." + _as_bytes(body)
    return "sha256=" + hmac.new(_as_bytes(secret), message, hashlib.sha256).hexdigest()


def verify_signature(secret: str, timestamp: int | str, body: str | bytes, signature: str, tolerance: int = 300) -> bool:
    """Check a webhook request on the receiving side; True only if it is authentic and fresh.

    ``secret`` is the department's ``webhook_secret``; ``timestamp`` the ``X-Credit-Timestamp``
    header; ``body`` the raw request body exactly as received (bytes, or str decoded as UTF-8);
    ``signature`` the ``X-Credit-Signature`` header (``sha256=<hex>``). The timestamp must be
    within ``tolerance`` seconds of the receiver's clock, which stops replays of old requests
    (``tolerance=None`` skips that check). Comparison is constant-time. Example (Django view)::

        ok = verify_signature(SECRET, request.headers["X-Credit-Timestamp"], request.body,
                              request.headers["X-Credit-Signature"])
    """
    try:
        sent_at = int(str(timestamp))
    except (TypeError, ValueError):
        return False
    if tolerance is not None and abs(time.time() - sent_at) > tolerance:
        return False
    if not secret or not signature:
        return False
    return hmac.compare_digest(sign(secret, sent_at, body), str(signature).strip())


# --- Outbox -----------------------------------------------------------------------------------


def enqueue(items: Iterable[dict]) -> list[WebhookDelivery]:
    """Write the outbox rows of these notifications (``notify`` keyword dicts) in the current transaction.

    One query finds which of the departments have a webhook, one INSERT writes the rows; each row's
    delivery task starts once the transaction commits (nothing is sent if it rolls back).
    """
    items = list(items)
    department_ids = {item["department"].pk if "department" in item else item["department_id"] for item in items}
    if not department_ids:
        return []
    codes = dict(Department.objects.filter(pk__in=department_ids).exclude(webhook_url="").values_list("pk", "code"))
    if not codes:
        return []
    now = timezone.now()
    deliveries = []
    for item in items:
        department_id = item["department"].pk if "department" in item else item["department_id"]
        if department_id not in codes:
            continue
        payload = {
            "verb": item["verb"],
            "title": item["title"][:300],
            "body": item.get("body", ""),
            "url": item.get("url", ""),
            "department": codes[department_id],
            "created_at": now.isoformat(),
        }
        deliveries.append(WebhookDelivery(department_id=department_id, event=item["verb"], payload=payload, next_attempt_at=now))
    deliveries = WebhookDelivery.objects.bulk_create(deliveries, batch_size=1000)

    for delivery in deliveries:
        # robust: a broker that is down must not fail the committed change; the sweep delivers later.
        transaction.on_commit(lambda pk=delivery.pk: _deliver_task().delay(pk), robust=True)
    return deliveries


# --- Delivery ---------------------------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer like any other non-2xx: it is not followed (a POST would become a GET)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def backoff(attempts: int) -> datetime.timedelta:
    """The wait after the ``attempts``-th failed attempt: 30 s, doubling each time."""
    return datetime.timedelta(seconds=BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0))


def _post(url: str, body: bytes, headers: dict) -> tuple[int | None, str]:
    """POST and return (status code, error text); status None when no HTTP answer came back."""
    if urlsplit(url).scheme not in ("http", "https"):
        return None, f"Unsupported URL scheme: {url!r}"
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            response.read(1024)
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, f"HTTP {error.code} {error.reason}"[:1000]
    except (urllib.error.URLError, OSError, ValueError) as error:  # refused, DNS, timeout, TLS …
        reason = getattr(error, "reason", error)
        return None, f"{type(error).__name__}: {reason}"[:1000]


# A claimed delivery is not due again for this long: the HTTP call's timeout and a margin. A worker
# that dies mid-call leaves the row to be retried by the sweep once the claim runs out.
CLAIM_SECONDS = TIMEOUT_SECONDS + 50


def deliver(delivery_id: int) -> str | None:
    """Attempt one due, pending delivery; return its state afterwards, or None if skipped.

    Three steps, so that no transaction (and no row lock) stays open during the HTTP call:
    claim the row (locked, skipped if another worker holds it; its next attempt moved past the
    call's timeout, so nobody else takes it meanwhile), POST outside any transaction, then record
    the attempt and its outcome. A delivered, failed or not yet due row is left alone, so a
    redelivered task sends nothing twice; a worker lost mid-call means one more attempt later
    (receivers drop duplicates by ``X-Credit-Delivery``).
    """
    claimed = _claim(delivery_id)
    if claimed is None:
        return None
    department = claimed.department
    body = json.dumps(claimed.payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-Credit-Event": claimed.event,
        "X-Credit-Delivery": str(claimed.pk),
        "X-Credit-Timestamp": str(timestamp),
    }
    # Webhooks are always signed: without a secret nothing leaves the platform.
    deliverable = bool(department.webhook_url and department.webhook_secret)
    now = timezone.now()
    started = time.monotonic()
    if deliverable:
        headers["X-Credit-Signature"] = sign(department.webhook_secret, timestamp, body)
        status_code, error = _post(department.webhook_url, body, headers)
    elif not department.webhook_url:
        status_code, error = None, "The department no longer has a webhook URL."
    else:
        status_code, error = None, "The department has no webhook secret: unsigned webhooks are never sent."
    duration_ms = int((time.monotonic() - started) * 1000)
    return _record(claimed.pk, at=now, status_code=status_code, error=error, duration_ms=duration_ms, deliverable=deliverable)


@transaction.atomic
def _claim(delivery_id: int) -> WebhookDelivery | None:
    delivery = (
        WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("department")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None or delivery.state != WebhookDelivery.State.PENDING:
        return None
    now = timezone.now()
    if delivery.next_attempt_at and delivery.next_attempt_at > now:
        return None
    delivery.next_attempt_at = now + datetime.timedelta(seconds=CLAIM_SECONDS)
    delivery.save(update_fields=["next_attempt_at"])
    return delivery


@transaction.atomic
def _record(delivery_id: int, *, at, status_code: int | None, error: str, duration_ms: int, deliverable: bool) -> str:
    delivery = WebhookDelivery.objects.select_for_update(of=("self",)).get(pk=delivery_id)
    WebhookAttempt.objects.create(delivery=delivery, at=at, status_code=status_code, error=error, duration_ms=duration_ms)
    delivery.attempts += 1
    delivery.last_status_code = status_code
    delivery.last_error = error
    if status_code is not None and 200 <= status_code < 300:
        delivery.state = WebhookDelivery.State.DELIVERED
        delivery.delivered_at = timezone.now()
        delivery.next_attempt_at = None
    elif delivery.attempts >= MAX_ATTEMPTS or not deliverable:
        delivery.state = WebhookDelivery.State.FAILED
        delivery.next_attempt_at = None
        logger.warning("Webhook delivery %s failed for good after %s attempts: %s", delivery.pk, delivery.attempts, error)
    else:
        delivery.next_attempt_at = timezone.now() + backoff(delivery.attempts)
        _schedule_retry(delivery)
    delivery.save(update_fields=["attempts", "last_status_code", "last_error", "state", "delivered_at", "next_attempt_at"])
    return delivery.state


def _schedule_retry(delivery: WebhookDelivery) -> None:
    """Queue the next attempt at its time; if that fails (or runs eagerly, too early) the sweep catches it."""
    delay = max(int((delivery.next_attempt_at - timezone.now()).total_seconds()), 0)
    transaction.on_commit(lambda: _deliver_task().apply_async((delivery.pk,), countdown=delay), robust=True)


def sweep(limit: int = SWEEP_BATCH) -> int:
    """Deliver pending rows that are due (their task never ran, or a retry is due); return how many were tried."""
    due = list(
        WebhookDelivery.objects.filter(state=WebhookDelivery.State.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    tried = 0
    for pk in due:
        if deliver(pk) is not None:
            tried += 1
    return tried
