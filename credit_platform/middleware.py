"""Per-request context (request id, client IP) that audit events pick up without passing it around."""
import contextvars
import uuid

_request_context: contextvars.ContextVar[dict | None] = contextvars.ContextVar("request_context", default=None)


def current_request_context() -> dict:
    """``{"request_id", "ip_address"}`` of the request being served, or an empty dict (tasks, commands)."""
    return _request_context.get() or {}


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        # REMOTE_ADDR is the proxy's address behind a load balancer; production puts the
        # client's in REMOTE_ADDR (gunicorn --forwarded-allow-ips), never trusting a raw header.
        token = _request_context.set({"request_id": request_id, "ip_address": request.META.get("REMOTE_ADDR") or None})
        try:
            response = self.get_response(request)
        finally:
            _request_context.reset(token)
        response["X-Request-ID"] = request_id
        return response
