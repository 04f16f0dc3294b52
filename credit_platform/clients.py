"""Who is asking: the client's address, read the same way by every limit and every log.

Behind ``TRUSTED_PROXY_COUNT`` reverse proxies (0 by default: the server faces the clients) the
client's address is the one the outermost trusted proxy appended to ``X-Forwarded-For``; the
addresses a client wrote in that header itself are never believed. DRF's throttles
(``NUM_PROXIES``), the public pages' limits, django-axes' lockouts and the audit trail all use this
one reading, so a forged header lifts no limit and a proxy's address does not lock everyone out.
"""
from django.conf import settings


def client_address(request) -> str:
    remote = request.META.get("REMOTE_ADDR") or "unknown"
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if not proxies:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if not forwarded:
        return remote
    # Each trusted proxy appends the address it received from; the client's is `proxies` from the end.
    return forwarded[-min(proxies, len(forwarded))][:64]


def axes_client_address(request, *args, **kwargs) -> str:
    """django-axes' ``AXES_CLIENT_IP_CALLABLE``: the same reading as every other limit."""
    return client_address(request)
