"""The audit trail: append-only, hash-chained per object stream, sealed daily by checkpoints.

Services call ``record(...)`` inside their transaction, after the change is saved, so the event and
the change commit together or not at all. Each object has its own stream (``app_label.model:pk``);
the row's hash covers its canonical content and the previous hash of its stream. The caller holds
the lock on the audited object, so appends to one stream are serialised by that lock; the unique
(stream, seq) constraint turns any race that slips past into an error instead of a fork.

A chain alone cannot show that its newest rows were deleted, so a daily checkpoint
(``checkpoint_day``) seals the head (seq, hash) of every stream changed that day, each checkpoint
chained to the previous one. ``verify_stream`` / ``verify_all`` walk the rows and the checkpoints
and return the first broken link, or None.
"""
import datetime
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from credit_platform import permissions
from credit_platform.audit_chunks import CHUNK_ROWS, CHUNK_STREAMS, canonical_json as _canonical_json, chunk_rows_broken, row_hash
from credit_platform.audit_labels import register_action_label
from credit_platform.middleware import current_request_context
from credit_platform.models import AuditCheckpoint, AuditEvent

GENESIS = "0" * 64
# Rows fetched per round trip while verifying: bounded memory whatever the size of the table.
VERIFY_CHUNK_SIZE = 2000
# Checkpoint heads looked up per query (by the unique hash index).
HEADS_CHUNK_SIZE = 1000


def stream_label(model) -> str:
    """The stream prefix of a model's objects: ``app_label.model``, or the name its streams had
    before the model moved to another app (``AUDIT_STREAM_LABEL``): streams are append-only, so
    their names never change."""
    return getattr(model, "AUDIT_STREAM_LABEL", None) or model._meta.label_lower


def stream_for(obj) -> str:
    return stream_for_pk(stream_label(obj), obj.pk)


def stream_for_pk(label_lower: str, pk) -> str:
    return f"{label_lower}:{pk}"


def canonical_content(event: AuditEvent) -> str:
    """The exact text the hash covers; any edit of a covered column changes it."""
    content = {
        "stream": event.stream,
        "seq": event.seq,
        "content_type": event.content_type_id,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "action": event.action,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "actor": event.actor_id,
        "department": event.department_id,
        "reason": event.reason,
        "extra": event.extra,
        # In UTC, as the database returns it, whatever zone the value was written in.
        "created_at": event.created_at.astimezone(datetime.timezone.utc).isoformat(timespec="microseconds"),
        "request_id": event.request_id,
        "ip_address": event.ip_address,
        "prev_hash": event.prev_hash,
    }
    return _canonical_json(content)


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(canonical_content(event).encode()).hexdigest()


def _normalise_ip(value: str | None) -> str | None:
    # PostgreSQL's inet type returns IPv6 addresses in compressed form; hash what it will return.
    if value and ":" in value:
        return clean_ipv6_address(value)
    return value or None


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
        ip_address=_normalise_ip(context.get("ip_address")),
        prev_hash=prev_hash,
    )
    event.hash = compute_hash(event)
    event.save()
    return event


class Event:
    """One kind of audit event, named once: its ``code`` (stored in the chain: never change it) and
    its human ``label``. Calling it records the event on ``obj``'s stream, in the caller's
    transaction: ``event(obj, actor, from_state=..., to_state=..., reason=..., extra=...)``.
    Each app defines its events in its ``events.py`` (``case_pushed = audit.Event("case_pushed", _("case pushed"))``),
    which registers the labels when the app is ready."""

    def __init__(self, code: str, label):
        self.code = code
        self.label = label
        register_action_label(code, label)

    def __call__(self, obj, actor=None, **fields) -> AuditEvent:
        return record(obj=obj, action=self.code, actor=actor, **fields)

    def bulk(self, objs, *, chunk_of=None, **fields):
        """The first event of many new objects' streams (``record_created_bulk``), or, with
        ``chunk_of``, one event on that object's stream naming them all (``record_chunk``)."""
        if chunk_of is not None:
            return record_chunk(objs, owner=chunk_of, action=self.code, **fields)
        return record_created_bulk(objs, action=self.code, **fields)

    def __repr__(self):
        return f"<audit event {self.code}>"


def record_created_bulk(
    objs,
    *,
    action: str,
    actor=None,
    department=None,
    to_state: str = "",
    extra_for=None,
    batch_size: int = 2000,
    insert=None,
) -> list[AuditEvent]:
    """Write the first event of many new objects' streams in bulk (imports), in the caller's transaction.

    Each object must be newly saved (its stream empty): the event is ``seq`` 1 chained on
    ``GENESIS`` and hashed exactly as ``record`` would hash it; a stream that already has an event
    fails the unique (stream, seq) constraint instead of forking. ``extra_for(obj)`` gives each
    event's details. ``insert(events)`` replaces ``bulk_create`` (e.g. a COPY). Returns the events.
    """
    objs = list(objs)
    if not objs:
        return []
    if department is None and actor is not None:
        department = getattr(actor, "department", None)
    context = current_request_context()
    request_id, ip_address = context.get("request_id", ""), _normalise_ip(context.get("ip_address"))
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    department_id = department.pk if department is not None else None
    created_at = timezone.now()
    content_types = {}
    events = []
    for obj in objs:
        label = stream_label(obj)
        if label not in content_types:
            content_types[label] = ContentType.objects.get_for_model(obj)
        extra = extra_for(obj) if extra_for is not None else {}
        extra = json.loads(json.dumps(extra or {}, cls=DjangoJSONEncoder, ensure_ascii=False))
        event = AuditEvent(
            stream=stream_for_pk(label, obj.pk),
            seq=1,
            # Ids rather than objects: many rows, and the hash covers the ids.
            content_type_id=content_types[label].pk,
            object_id=str(obj.pk),
            object_repr=str(obj)[:200],
            action=action,
            from_state="",
            to_state=to_state or "",
            actor_id=actor_id,
            department_id=department_id,
            reason="",
            extra=extra,
            created_at=created_at,
            request_id=request_id,
            ip_address=ip_address,
            prev_hash=GENESIS,
        )
        event.hash = compute_hash(event)
        events.append(event)
    if insert is not None:
        insert(events)
    else:
        AuditEvent.objects.bulk_create(events, batch_size=batch_size)
    return events


# --- Chunk events (imports): one event per chunk naming each new row and its content hash -------

def record_chunk(objs, *, owner, action: str, actor=None, department=None, to_state: str = "", extra_for=None, insert=None) -> list[AuditEvent]:
    """One event on ``owner``'s stream (an import batch, locked by the caller) naming every new object
    of ``objs`` — its stream, its details (``extra_for(obj)``) and the hash of both with the action
    and state (``row_hash``) — instead of one chain head per object. The event's own hash covers the
    list, so editing a row's entry or the event breaks ``verify_all``; ``history_for(obj)`` finds the
    event by the object's stream (a partial GIN index on the list). ``insert`` is accepted for
    ``record_created_bulk``'s callers and unused (one row). Returns ``[event]``, or ``[]``."""
    objs = list(objs)
    if not objs:
        return []
    label, to_state = stream_label(objs[0]), to_state or ""
    streams = [stream_for_pk(label, obj.pk) for obj in objs]
    # One JSON round trip for all rows: each row's hash covers what the database will return.
    details = json.loads(json.dumps([(extra_for(obj) if extra_for is not None else None) or {} for obj in objs], cls=DjangoJSONEncoder, ensure_ascii=False))
    rows = [[d, row_hash(stream=s, action=action, to_state=to_state, details=d)] for s, d in zip(streams, details)]
    extra = {"chunk_kind": label, "rows_named": len(objs), CHUNK_STREAMS: streams, CHUNK_ROWS: rows}
    return [record(obj=owner, action=action, actor=actor, department=department, to_state=to_state, extra=extra)]


def history_for(obj):
    """The events of one object, oldest first (change pages show this): its stream, and the chunk
    events that name it (an import)."""
    return history_for_stream(stream_for(obj))


def naming_q(stream: str) -> models.Q:
    """The chunk events that name ``stream`` (on PostgreSQL by the partial GIN index ``audit_chunk_streams_idx``;
    SQLite, the embedded default, has no JSON containment: the quoted stream in the details' text)."""
    if connection.vendor != "postgresql":
        return models.Q(extra__has_key=CHUNK_STREAMS, extra__icontains=f'"{stream}"')
    return models.Q(**{"extra__has_key": CHUNK_STREAMS, f"extra__{CHUNK_STREAMS}__contains": [stream]})


def history_for_stream(stream: str):
    return (
        AuditEvent.objects.filter(models.Q(stream=stream) | naming_q(stream))
        .select_related("actor", "department")
        .order_by("created_at", "id")
    )


def can_view_audit(user) -> bool:
    """The whole audit trail is for the credit office and the leadership office (and superusers)."""
    return permissions.can_see_everything(user)


# --- Checkpoints ------------------------------------------------------------------------------


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[start, end) of a local calendar day (TIME_ZONE, Asia/Shanghai) as aware datetimes."""
    tz = timezone.get_default_timezone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return start, end


def checkpoint_hash(*, day: datetime.date, heads: dict, prev_hash: str) -> str:
    content = {"day": day.isoformat(), "heads": heads, "prev_hash": prev_hash}
    return hashlib.sha256(_canonical_json(content).encode()).hexdigest()


def heads_of_day(day: datetime.date) -> dict[str, list]:
    """``{stream: [seq, hash]}``: the last event of the day of every stream changed that day."""
    start, end = day_bounds(day)
    of_day = AuditEvent.objects.filter(created_at__gte=start, created_at__lt=end)
    # Anti-join on the (stream, seq) unique index: keep the rows with no later row of the same day.
    later_same_day = of_day.filter(stream=models.OuterRef("stream"), seq__gt=models.OuterRef("seq"))
    rows = of_day.filter(~models.Exists(later_same_day)).order_by().values_list("stream", "seq", "hash")
    return {stream: [seq, hash_] for stream, seq, hash_ in rows.iterator(chunk_size=VERIFY_CHUNK_SIZE)}


# Any constant unique to this lock; pg_advisory_xact_lock takes a bigint.
_CHECKPOINT_LOCK_KEY = 0x617564697431  # "audit1"


def _lock_checkpoint_chain() -> None:
    # Serialise sealers so two of them cannot both chain onto the same previous checkpoint
    # (a row lock would not do: there is no row to lock before the first checkpoint).
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHECKPOINT_LOCK_KEY])


def checkpoint_day(day: datetime.date) -> AuditCheckpoint:
    """Seal ``day`` (a past local day); idempotent: returns the existing checkpoint if already sealed.

    Days are sealed in order: the chain runs day by day, so a day before the newest checkpoint
    cannot be sealed afterwards (``checkpoint_pending`` catches up missed days in order).
    """
    existing = AuditCheckpoint.objects.filter(day=day).first()
    if existing is not None:
        return existing
    if day >= timezone.localdate():
        raise ValidationError(_("Only a day that is over can be sealed."), code="day_not_over")
    try:
        with transaction.atomic():
            _lock_checkpoint_chain()
            previous = AuditCheckpoint.objects.order_by("-day").first()
            if previous is not None and previous.day > day:
                raise ValidationError(
                    _("%(day)s cannot be sealed: %(newer)s is already sealed.") % {"day": day, "newer": previous.day},
                    code="day_out_of_order",
                )
            prev_hash = previous.hash if previous is not None else GENESIS
            heads = heads_of_day(day)
            checkpoint = AuditCheckpoint(
                day=day, heads=heads, prev_hash=prev_hash, hash=checkpoint_hash(day=day, heads=heads, prev_hash=prev_hash)
            )
            checkpoint.save()
            return checkpoint
    except IntegrityError:
        # A concurrent sealer won the race for this day (unique day): theirs is the checkpoint.
        existing = AuditCheckpoint.objects.filter(day=day).first()
        if existing is None:
            raise
        return existing


def checkpoint_pending(*, until: datetime.date | None = None) -> list[AuditCheckpoint]:
    """Seal every unsealed day up to ``until`` (default yesterday), oldest first.

    Starts the day after the newest checkpoint, or on the day of the first event when there is
    none, so a beat that did not run for a few days leaves no hole in the chain.
    """
    until = until or timezone.localdate() - datetime.timedelta(days=1)
    newest = AuditCheckpoint.objects.order_by("-day").values_list("day", flat=True).first()
    if newest is not None:
        day = newest + datetime.timedelta(days=1)
    else:
        first = AuditEvent.objects.order_by("created_at").values_list("created_at", flat=True).first()
        if first is None:
            return []
        day = timezone.localdate(first)
    sealed = []
    while day <= until:
        sealed.append(checkpoint_day(day))
        day += datetime.timedelta(days=1)
    return sealed


# --- Verification -----------------------------------------------------------------------------


class Problem(models.TextChoices):
    HASH_MISMATCH = "hash_mismatch", gettext_lazy("the row's content does not match its hash (row edited)")
    PREV_HASH_MISMATCH = "prev_hash_mismatch", gettext_lazy("the row's previous hash is not the hash of the row before it")
    SEQ_GAP = "seq_gap", gettext_lazy("sequence gap (rows deleted)")
    CHUNK_ROW_MISMATCH = "chunk_row_mismatch", gettext_lazy("a row named by a chunk event does not match its hash (row edited)")
    HEAD_MISSING = "head_missing", gettext_lazy("a row sealed by a checkpoint is missing or changed (rows deleted or rewritten)")
    CHECKPOINT_HASH_MISMATCH = "checkpoint_hash_mismatch", gettext_lazy("the checkpoint's content does not match its hash")
    CHECKPOINT_CHAIN_BROKEN = "checkpoint_chain_broken", gettext_lazy("the checkpoint does not chain onto the previous one")


@dataclass(frozen=True)
class Break:
    """The first broken link found: where, and what is wrong."""

    problem: str
    stream: str = ""
    seq: int | None = None
    event_id: int | None = None
    day: datetime.date | None = None  # the checkpoint concerned, for checkpoint problems
    detail: str = ""

    def __str__(self):
        where = []
        if self.day is not None:
            where.append(_("checkpoint %(day)s") % {"day": self.day.isoformat()})
        if self.stream:
            where.append(_("stream %(stream)s") % {"stream": self.stream})
        if self.seq is not None:
            where.append(_("seq %(seq)s") % {"seq": self.seq})
        if self.event_id is not None:
            where.append(_("event id %(id)s") % {"id": self.event_id})
        text = f"{', '.join(where)}: {Problem(self.problem).label}"
        return f"{text} ({self.detail})" if self.detail else text


@dataclass
class VerifyStats:
    """What a verification walked through; filled in as it goes."""

    streams: int = 0
    events: int = 0
    checkpoints: int = 0
    heads: int = 0


def _walk(events: Iterable[AuditEvent], stats: VerifyStats) -> Break | None:
    """Check the links of events ordered by (stream, seq)."""
    stream, expected_seq, prev_hash = None, 1, GENESIS
    for event in events:
        if event.stream != stream:
            stream, expected_seq, prev_hash = event.stream, 1, GENESIS
            stats.streams += 1
        stats.events += 1
        if event.seq != expected_seq:
            return Break(
                problem=Problem.SEQ_GAP,
                stream=stream,
                seq=expected_seq,
                event_id=event.pk,
                detail=_("seq %(first)s to %(last)s missing before event id %(id)s")
                % {"first": expected_seq, "last": event.seq - 1, "id": event.pk},
            )
        if event.prev_hash != prev_hash:
            return Break(problem=Problem.PREV_HASH_MISMATCH, stream=stream, seq=event.seq, event_id=event.pk)
        if compute_hash(event) != event.hash:
            return Break(problem=Problem.HASH_MISMATCH, stream=stream, seq=event.seq, event_id=event.pk)
        if CHUNK_STREAMS in event.extra and chunk_rows_broken(event):
            return Break(problem=Problem.CHUNK_ROW_MISMATCH, stream=stream, seq=event.seq, event_id=event.pk)
        expected_seq, prev_hash = event.seq + 1, event.hash
    return None


def _verify_checkpoint_chain(checkpoints: Iterable[AuditCheckpoint], stats: VerifyStats) -> Break | None:
    """Check each checkpoint's hash and link, and that the rows it sealed are still there."""
    prev_hash = GENESIS
    for checkpoint in checkpoints:
        stats.checkpoints += 1
        if checkpoint.prev_hash != prev_hash:
            return Break(problem=Problem.CHECKPOINT_CHAIN_BROKEN, day=checkpoint.day)
        expected = checkpoint_hash(day=checkpoint.day, heads=checkpoint.heads, prev_hash=checkpoint.prev_hash)
        if expected != checkpoint.hash:
            return Break(problem=Problem.CHECKPOINT_HASH_MISMATCH, day=checkpoint.day)
        broken = _verify_heads(checkpoint.day, checkpoint.heads, stats)
        if broken is not None:
            return broken
        prev_hash = checkpoint.hash
    return None


def _verify_heads(day: datetime.date, heads: dict, stats: VerifyStats) -> Break | None:
    items = sorted(heads.items())
    for start in range(0, len(items), HEADS_CHUNK_SIZE):
        chunk = items[start : start + HEADS_CHUNK_SIZE]
        # hash is unique and indexed: one indexed lookup per chunk, whatever the size of the table.
        found = {
            hash_: (stream, seq)
            for stream, seq, hash_ in AuditEvent.objects.filter(hash__in=[h for _s, (_q, h) in chunk]).values_list(
                "stream", "seq", "hash"
            )
        }
        for stream, (seq, hash_) in chunk:
            stats.heads += 1
            if found.get(hash_) != (stream, seq):
                row = AuditEvent.objects.filter(stream=stream, seq=seq).values_list("pk", flat=True).first()
                detail = (
                    _("the row now has another hash") if row is not None else _("no row %(seq)s in the stream") % {"seq": seq}
                )
                return Break(problem=Problem.HEAD_MISSING, stream=stream, seq=seq, event_id=row, day=day, detail=detail)
    return None


def _checkpoints():
    # Checkpoints carry their heads (one day of streams each): fetch them a few at a time.
    return AuditCheckpoint.objects.order_by("day").iterator(chunk_size=10)


def verify_stream(stream: str, *, stats: VerifyStats | None = None, _named: bool = True) -> Break | None:
    """The first broken link of one stream (its rows, and the checkpoints that sealed it), or None;
    with the streams of the chunk events that name it (an imported object: its import batch's)."""
    stats = stats if stats is not None else VerifyStats()
    if _named:
        for owner in AuditEvent.objects.filter(naming_q(stream)).exclude(stream=stream).values_list("stream", flat=True).distinct():
            broken = verify_stream(owner, stats=stats, _named=False)
            if broken is not None:
                return broken
    events = AuditEvent.objects.filter(stream=stream).order_by("seq").iterator(chunk_size=VERIFY_CHUNK_SIZE)
    broken = _walk(events, stats)
    if broken is not None:
        return broken
    sealing = AuditCheckpoint.objects.filter(heads__has_key=stream).order_by("day")
    for checkpoint in sealing.iterator(chunk_size=10):
        stats.checkpoints += 1
        broken = _verify_heads(checkpoint.day, {stream: checkpoint.heads[stream]}, stats)
        if broken is not None:
            return broken
    return None


def verify_all(*, stats: VerifyStats | None = None) -> Break | None:
    """The first broken link of the whole trail (every stream, then the checkpoint chain), or None.

    Streams the rows in (stream, seq) order over the unique index, a chunk at a time, so memory
    stays bounded with millions of rows. Pass a ``VerifyStats`` to learn what was checked.
    """
    stats = stats if stats is not None else VerifyStats()
    # In a transaction, PostgreSQL's server-side cursor streams the rows; outside one Django
    # declares it WITH HOLD, which makes the server materialise the whole result first.
    with transaction.atomic():
        events = AuditEvent.objects.order_by("stream", "seq").iterator(chunk_size=VERIFY_CHUNK_SIZE)
        broken = _walk(events, stats)
        if broken is not None:
            return broken
        return _verify_checkpoint_chain(_checkpoints(), stats)
