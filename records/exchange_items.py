"""What a public credit record reports to the upper platform: its exchange item (``credit_platform.exchange_outbox``).

Called by the services that publish and remove a record, in their transaction, with the record locked.
Only records of a public type (双公示) are reported; a record received from elsewhere (``source_region``)
is never reported again.
"""
from credit_platform import exchange_outbox
from credit_platform.models import ExchangeItemType, ExchangeOp
from records.models import CreditRecord, RecordState


def record_data(record: CreditRecord) -> dict:
    text = exchange_outbox.as_text
    return {
        "subject": exchange_outbox.subject_data(record.subject),
        "record_type": {"code": record.record_type.code, "name": record.record_type.name, "kind": record.record_type.kind},
        "department": {"code": record.department.code, "name": record.department.name},
        "decision_number": record.decision_number,
        "decided_on": text(record.decided_on),
        "severity": record.severity,
        "domain": record.domain,
        "basis": record.basis,
        "content": record.content,
        "state": record.state,
        "published_at": text(record.published_at),
        "publication_ends_on": text(record.publication_ends_on),
        "valid_until": text(record.valid_until),
        "removal_reason": record.removal_reason,
    }


def record_changed(record: CreditRecord) -> None:
    if not exchange_outbox.enabled() or record.source_region or not record.record_type.public or record.state not in (RecordState.PUBLISHED, RecordState.REMOVED):
        return
    op = ExchangeOp.REMOVE if record.state == RecordState.REMOVED else ExchangeOp.UPSERT
    exchange_outbox.record(type=ExchangeItemType.RECORD, local_id=record.pk, op=op, data=record_data(record), subject=record.subject)


def records_imported(records) -> int:
    """Records an import just created: the published ones of public types, first versions in one INSERT
    (a record imported as no longer valid was never reported, so nothing is removed upstream)."""
    if not exchange_outbox.enabled():
        return 0
    items = [(r.pk, ExchangeOp.UPSERT, record_data(r), r.subject) for r in records
             if r.record_type.public and r.state == RecordState.PUBLISHED and not r.source_region]
    return exchange_outbox.record_new(type=ExchangeItemType.RECORD, items=items)
