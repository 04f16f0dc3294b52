"""What a list entry reports to the upper platform: its exchange item (``credit_platform.exchange_outbox``).

Called by the services that publish, change or remove an entry, in their transaction, with the entry
locked. An entry received from elsewhere (``source_region``) is never reported again.
"""
from credit_platform import exchange_outbox
from credit_platform.models import ExchangeItemType, ExchangeOp
from lists.models import EntryState, ListEntry

ON_OR_HELD = (EntryState.PUBLISHED, EntryState.SUSPENDED)


def entry_data(entry: ListEntry) -> dict:
    text = exchange_outbox.as_text
    return {
        "subject": exchange_outbox.subject_data(entry.subject),
        "list_type": entry.list_type,
        "severity": entry.severity,
        "domain": entry.domain,
        "basis": entry.basis,
        "decision_number": entry.decision_number,
        "decided_on": text(entry.decided_on),
        "facts": entry.facts,
        "exit_conditions": entry.exit_conditions,
        "remedies": entry.remedies,
        "state": entry.state,
        "published_at": text(entry.published_at),
        "repair_possible_from": text(entry.repair_possible_from),
        "publication_ends_on": text(entry.publication_ends_on),
        "valid_until": text(entry.valid_until),
        "removal_reason": entry.removal_reason,
        "removed_at": text(entry.removed_at),
        "identifying_department": {"code": entry.identifying_department.code, "name": entry.identifying_department.name},
    }


def entry_changed(entry: ListEntry) -> None:
    """Record the entry's new state for the upper platform (published, changed, held, removed)."""
    if not exchange_outbox.enabled() or entry.source_region or entry.state not in (*ON_OR_HELD, EntryState.REMOVED):
        return
    op = ExchangeOp.REMOVE if entry.state == EntryState.REMOVED else ExchangeOp.UPSERT
    exchange_outbox.record(type=ExchangeItemType.LIST_ENTRY, local_id=entry.pk, op=op, data=entry_data(entry), subject=entry.subject)


def entries_imported(entries) -> int:
    """Entries an import just created (published): their first versions in one INSERT."""
    if not exchange_outbox.enabled():
        return 0
    items = [(e.pk, ExchangeOp.UPSERT, entry_data(e), e.subject) for e in entries if e.state in ON_OR_HELD and not e.source_region]
    return exchange_outbox.record_new(type=ExchangeItemType.LIST_ENTRY, items=items)
