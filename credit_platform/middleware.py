"""Per-request context (request id, client IP) that audit events pick up, and request-level guards."""
import contextvars
import logging
import time
import uuid

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

from credit_platform.clients import client_address

logger = logging.getLogger(__name__)

_request_context: contextvars.ContextVar[dict | None] = contextvars.ContextVar("request_context", default=None)


def current_request_context() -> dict:
    """``{"request_id", "ip_address"}`` of the request being served, or an empty dict (tasks, commands)."""
    return _request_context.get() or {}


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        # The client's address behind the configured trusted proxies only (credit_platform.clients).
        address = client_address(request)
        token = _request_context.set({"request_id": request_id, "ip_address": None if address == "unknown" else address})
        try:
            response = self.get_response(request)
        finally:
            _request_context.reset(token)
        response["X-Request-ID"] = request_id
        return response


def _has_nul(value: str) -> bool:
    return "\x00" in value or "%00" in value


class RejectNulBytesMiddleware:
    """A NUL byte in a path, query or form value is refused with 400 before any view runs.

    PostgreSQL cannot store or compare a string holding NUL; without this every search box, filter
    and identifier parameter would answer 500 for ``?q=a%00b``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raw_query = request.META.get("QUERY_STRING", "")
        bad = "\x00" in request.path or _has_nul(raw_query)
        if not bad and request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
            bad = any("\x00" in value for values in request.POST.lists() for value in values[1])
        if bad:
            return bad_request(request, _("The request holds a NUL character, which no field accepts."))
        return self.get_response(request)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every page and API answer the application renders.

    Staff pages and the API carry personal data, and the public pages answer queries about named
    subjects: neither a shared proxy nor the browser's disk cache keeps them. Static files are served
    earlier by WhiteNoise with their own long-lived headers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        return response


def bad_request(request, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(message)}, status=400)
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


class RequestSizeLimitMiddleware:
    """Refuse an oversized body with 413 on its declared length, before a byte of it is read.

    Without this a 300 MB anonymous multipart body was spooled to disk before the form said no.
    A request without a session cookie or an ``Authorization`` header gets the anonymous limit.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return bad_request(request, _("The Content-Length header is not a number."))
        staff = settings.SESSION_COOKIE_NAME in request.COOKIES or "HTTP_AUTHORIZATION" in request.META
        limit = settings.MAX_REQUEST_BODY_BYTES if staff else settings.MAX_ANONYMOUS_REQUEST_BODY_BYTES
        if length > limit:
            message = _("The request is too large (at most %(mb)d MB).") % {"mb": limit // (1024 * 1024)}
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=413)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """The API answers JSON 503 (``Retry-After``) when the database does not answer, not an HTML 500.

    A departmental system retries a 503; a 500 page would read as a defect of its request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not request.path.startswith("/api/") or not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.error("database unavailable serving %s", request.path, exc_info=exception)
        response = JsonResponse({"detail": _("The service is briefly unavailable; try again shortly.")}, status=503)
        response["Retry-After"] = "30"
        return response


SESSION_SEEN_KEY = "_idle_seen"
SESSION_REFRESH_SECONDS = 60


def session_mark_seen(request) -> None:
    request.session[SESSION_SEEN_KEY] = int(time.time())


def session_seen_at_login(sender, request, user, **kwargs) -> None:
    """``user_logged_in`` receiver (connected in the app's ready()): the login's own save carries the mark."""
    if request is not None and hasattr(request, "session"):
        session_mark_seen(request)


class SessionIdleMiddleware:
    """A staff session ends after ``SESSION_COOKIE_AGE`` seconds without a request.

    The session's expiry moves forward with use, but at most once a minute (one write a minute per
    user, not one per request as ``SESSION_SAVE_EVERY_REQUEST`` would cost).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code >= 500:
            # A failed answer (the database gone: the API's JSON 503) moves no expiry: reading or
            # saving the session now would fail again and turn the answer into an HTML 500.
            return response
        session = getattr(request, "session", None)
        try:
            if session is not None and not session.is_empty() and "_auth_user_id" in session:
                seen = session.get(SESSION_SEEN_KEY) or 0
                if time.time() - seen >= SESSION_REFRESH_SECONDS:
                    session_mark_seen(request)
        except (OperationalError, InterfaceError):  # gone since the view answered: refresh next time
            logger.warning("session not refreshed: the database does not answer", exc_info=True)
        return response
