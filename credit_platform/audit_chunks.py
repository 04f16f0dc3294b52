"""Chunk events of imports: one audit event per chunk naming each new row, its details and its
content hash (``credit_platform.audit.record_chunk`` writes them; ``verify_all`` checks each row's
hash with ``chunk_rows_broken``; ``history_for`` finds an object's chunk event by its stream)."""
import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder


def canonical_json(value) -> str:
    """The exact text a hash covers: sorted keys, no spaces, UTF-8 as is."""
    return json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


CHUNK_STREAMS = "chunk_streams"  # extra's key listing the streams of the rows a chunk event names
CHUNK_ROWS = "chunk_rows"  # [[details, row hash], ...], in the order of the streams


def row_hash(*, stream: str, action: str, to_state: str, details: dict) -> str:
    """The content hash of one row a chunk event names: its stream, the event's action and state, its details."""
    content = {"stream": stream, "action": action, "to_state": to_state, "extra": details}
    return hashlib.sha256(canonical_json(content).encode()).hexdigest()


def chunk_rows_broken(event) -> bool:
    """True when a chunk event's list of rows does not match the row hashes it carries."""
    streams, rows = event.extra.get(CHUNK_STREAMS), event.extra.get(CHUNK_ROWS)
    if not isinstance(streams, list) or not isinstance(rows, list) or len(streams) != len(rows):
        return True
    for stream, row in zip(streams, rows):
        try:
            details, hash_ = row
        except (TypeError, ValueError):
            return True
        if row_hash(stream=stream, action=event.action, to_state=event.to_state, details=details) != hash_:
            return True
    return False
