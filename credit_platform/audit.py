"""The audit trail: append-only, hash-chained per object stream.

Services call ``record(...)`` inside their transaction, after the change is saved, so the event and
the change commit together or not at all. Each object has its own stream (``app_label.model:pk``);
the row's hash covers its canonical content and the previous hash of its stream. The caller holds
the lock on the audited object, so appends to one stream are serialised by that lock; the unique
(stream, seq) constraint turns any race that slips past into an error instead of a fork.
"""
import hashlib
import json

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from credit_platform.middleware import current_request_context
from credit_platform.models import AuditEvent

GENESIS = "0" * 64


def stream_for(obj) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}"


def canonical_content(event: AuditEvent) -> str:
    """The exact text the hash covers; any edit of a covered column changes it."""
    content = {
        "stream": event.stream,
        "seq": event.seq,
        "content_type": event.content_type_id,
        "object_id": event.object_id,
        "action": event.action,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "actor": event.actor_id,
        "department": event.department_id,
        "reason": event.reason,
        "extra": event.extra,
        "created_at": event.created_at.isoformat(timespec="microseconds"),
        "request_id": event.request_id,
        "ip_address": event.ip_address,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(content, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(canonical_content(event).encode()).hexdigest()


@transaction.atomic(savepoint=False)
def record(
    *,
    obj,
    action: str,
    actor=None,
    department=None,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    extra: dict | None = None,
) -> AuditEvent:
    """Append one event to ``obj``'s stream, in the caller's transaction."""
    stream = stream_for(obj)
    head = AuditEvent.objects.filter(stream=stream).order_by("-seq").values_list("seq", "hash").first()
    seq, prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS)
    if department is None and actor is not None:
        department = getattr(actor, "department", None)
    context = current_request_context()
    # Round-trip extra through JSON so the hash is computed over what the database will return.
    extra = json.loads(json.dumps(extra or {}, cls=DjangoJSONEncoder, ensure_ascii=False))
    event = AuditEvent(
        stream=stream,
        seq=seq,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        action=action,
        from_state=from_state or "",
        to_state=to_state or "",
        actor=actor if getattr(actor, "pk", None) else None,
        department=department,
        reason=reason or "",
        extra=extra,
        created_at=timezone.now(),
        request_id=context.get("request_id", ""),
        ip_address=context.get("ip_address"),
        prev_hash=prev_hash,
    )
    event.hash = compute_hash(event)
    event.save()
    return event


def history_for(obj):
    """The events of one object, oldest first (change pages show this)."""
    return AuditEvent.objects.filter(stream=stream_for(obj)).select_related("actor", "department").order_by("seq")
