"""Signed requests between a lower and an upper instance (DESIGN.md "Exchange").

Headers ``X-Exchange-Region`` (the lower region's code), ``X-Exchange-Timestamp`` (unix seconds) and
``X-Exchange-Signature`` (``sha256=<hex HMAC-SHA256(key, "<timestamp>.<body>")>``, as the webhooks
sign); a GET signs the request's path with its query string in place of a body. The upper side
accepts a timestamp within ``EXCHANGE_SIGNATURE_WINDOW_SECONDS`` of its clock.
"""
import json
import time
import urllib.error
import urllib.request

from django.conf import settings

from credit_platform.webhooks import sign, verify_signature

REGION_HEADER = "X-Exchange-Region"
TIMESTAMP_HEADER = "X-Exchange-Timestamp"
SIGNATURE_HEADER = "X-Exchange-Signature"
USER_AGENT = "credit-platform-exchange/1"


class LinkError(Exception):
    """The upper platform could not be reached or answered with an error (nothing was applied)."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


def signed_headers(*, region: str, key: str, message: str | bytes, timestamp: int | None = None) -> dict:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {REGION_HEADER: region, TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: sign(key, timestamp, message)}


def verify(*, key: str, timestamp, message: str | bytes, signature: str) -> bool:
    return verify_signature(key, timestamp, message, signature, tolerance=settings.EXCHANGE_SIGNATURE_WINDOW_SECONDS)


def _upstream(path: str) -> str:
    return settings.EXCHANGE_UPSTREAM_URL.rstrip("/") + path


def _call(request: urllib.request.Request) -> dict:
    try:
        with urllib.request.urlopen(request, timeout=settings.EXCHANGE_TIMEOUT_SECONDS) as response:  # noqa: S310 (configured URL)
            return json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        detail = exc.read()[:500].decode("utf-8", "replace")
        raise LinkError(f"HTTP {exc.code}: {detail}", status=exc.code) from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise LinkError(f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}") from None


def post_upstream(path: str, payload: dict) -> dict:
    """POST the payload, signed with this instance's region and key; the decoded answer or LinkError."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT,
               **signed_headers(region=settings.EXCHANGE_REGION, key=settings.EXCHANGE_KEY, message=body)}
    return _call(urllib.request.Request(_upstream(path), data=body, headers=headers, method="POST"))


def get_upstream(path_with_query: str) -> dict:
    """GET the path (with its query string, which is what is signed); the decoded answer or LinkError."""
    headers = {"User-Agent": USER_AGENT,
               **signed_headers(region=settings.EXCHANGE_REGION, key=settings.EXCHANGE_KEY, message=path_with_query)}
    return _call(urllib.request.Request(_upstream(path_with_query), headers=headers, method="GET"))
