"""``Idempotency-Key`` on every POST and PATCH: the same key from the same caller returns the first
answer, once. The caller is the signed-in user, or, for the anonymous public filings, the client's
address (``credit_platform.clients.client_address``, the reading every limit uses).

The record is inserted, in its own committed transaction, *before* the view runs; the unique
(user, key) or (client address, key) constraint decides which of two simultaneous requests runs. The loser finds a record
without a status and answers 409 "in progress". When the view has answered, its status and body
are stored; a 5xx deletes the record so the client can retry with the same key.
"""
import hashlib
import json

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from credit_platform.clients import client_address
from credit_platform.models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAY_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = IdempotencyRecord._meta.get_field("key").max_length
METHODS = frozenset({"POST", "PATCH"})


class KeyInProgress(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("A request with this Idempotency-Key is still in progress; retry later.")
    default_code = "idempotency_in_progress"


class KeyReused(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _("This Idempotency-Key was already used for a different request; use a new key.")
    default_code = "idempotency_key_reused"


class Replay(Exception):
    """Raised from ``initial()`` to short-circuit the view with the stored answer."""

    def __init__(self, record: IdempotencyRecord):
        self.record = record


def _canonical(value):
    """A JSON-able, order-independent form of parsed request data (files by name, size and digest)."""
    if isinstance(value, QueryDict):
        return {key: [_canonical(v) for v in value.getlist(key)] for key in sorted(value.keys())}
    if isinstance(value, dict):
        return {str(key): _canonical(value[key]) for key in sorted(value, key=str)}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, UploadedFile):
        digest = hashlib.sha256()
        for chunk in value.chunks():
            digest.update(chunk)
        value.seek(0)
        return {"file": value.name, "size": value.size, "sha256": digest.hexdigest()}
    return value


def fingerprint(request) -> str:
    """What makes two requests "the same": method, full path and the parsed body."""
    content = json.dumps(
        [request.method, request.get_full_path(), _canonical(request.data)],
        cls=JSONEncoder,
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(content.encode()).hexdigest()


def key_from(request) -> str | None:
    if request.method not in METHODS:
        return None
    key = request.headers.get(HEADER)
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ValidationError({HEADER: [_("Send a key of 1 to %(n)d characters.") % {"n": MAX_KEY_LENGTH}]})
    return key


def caller(request) -> dict:
    """Whose keys these are: the user when signed in, else the client's address."""
    if request.user.is_authenticated:
        return {"user": request.user}
    return {"user": None, "client_address": client_address(request)}


def claim(request, key: str) -> IdempotencyRecord:
    """Insert the record for ``key``, or raise Replay / KeyInProgress / KeyReused."""
    scope = caller(request)
    record = IdempotencyRecord(
        **scope,
        key=key,
        method=request.method,
        path=request.get_full_path()[: IdempotencyRecord._meta.get_field("path").max_length],
        request_fingerprint=fingerprint(request),
    )
    for _attempt in range(2):
        try:
            # Committed at once (outside any request transaction): a second request with the key
            # waits on the unique index until this insert is visible, then fails it.
            with transaction.atomic():
                record.save(force_insert=True)
            return record
        except IntegrityError:
            pass
        existing = IdempotencyRecord.objects.filter(**scope, key=key).first()
        if existing is None:
            continue  # the first request failed with a 5xx and gave the key back: claim it now
        if (existing.method, existing.path, existing.request_fingerprint) != (record.method, record.path, record.request_fingerprint):
            raise KeyReused()
        if existing.status_code is None:
            raise KeyInProgress()
        raise Replay(existing)
    raise KeyInProgress()


def replay_response(record: IdempotencyRecord) -> Response:
    return Response(record.response_body, status=record.status_code, headers={REPLAY_HEADER: "true"})


def store(record: IdempotencyRecord, response) -> None:
    """Keep the first answer (2xx, 3xx, 4xx); give the key back after a server error."""
    if response.status_code >= 500:
        release(record)
        return
    body = getattr(response, "data", None)
    # Stored as the JSON the client received, so a replay is byte-for-byte the same data.
    body = json.loads(json.dumps(body, cls=JSONEncoder, ensure_ascii=False)) if body is not None else None
    IdempotencyRecord.objects.filter(pk=record.pk).update(status_code=response.status_code, response_body=body)


def release(record: IdempotencyRecord) -> None:
    IdempotencyRecord.objects.filter(pk=record.pk).delete()


class IdempotentMixin:
    """For DRF views: apply ``Idempotency-Key`` handling to every POST and PATCH (see the module
    docstring). Anonymous callers only where the view lets them in (``idempotency_anonymous``: the
    public filings); elsewhere authentication has answered 401 before a key is looked at."""

    _idempotency_record = None
    idempotency_anonymous = False

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication, permissions, throttling
        key = key_from(request)
        if key is not None and (request.user.is_authenticated or self.idempotency_anonymous):
            self._idempotency_record = claim(request, key)

    def handle_exception(self, exc):
        if isinstance(exc, Replay):
            return replay_response(exc.record)
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        record, self._idempotency_record = self._idempotency_record, None
        if record is not None:
            store(record, response)
        return response

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except BaseException:
            # An unhandled error (a 500): the view never answered, so give the key back.
            if self._idempotency_record is not None:
                release(self._idempotency_record)
                self._idempotency_record = None
            raise
