"""Public credit records decided elsewhere, received through the exchange with the upper platform (docs/exchange.md).

``record_receive`` applies one exchange item of type ``record`` (a 双公示 licensing or penalty
decision, ``records.exchange_items.record_data``) idempotently, inside the caller's transaction: the
record is held locally in the credit office's name (its providing department), under the record type
of the same code in this instance's catalogue (refused when the catalogue has none), published as
published in its region (its dates as sent), marked with its ``source_region``, ``exchange_item_id``
and the version applied, and never reported upstream again. The upper platform shows it in its credit
files and its public 双公示 query; a lower platform the same when it downloads it.

A version not above the one applied changes nothing; a later one changes the decision's fields; a
removal (``op`` remove or state removed) takes it off publication with its reason. A received record
starts no follow-up here (no red entry proposed for removal, no watch rule): the lists of the region
that decided it do that, and their entries reach this instance through the exchange themselves.
"""
import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from credit_platform import exchange_received
from credit_platform.domains import Domain, Severity
from credit_platform.models import Department, Subject
from records import catalogue, events
from records.locks import lock_record
from records.models import CreditRecord, RecordRemovalReason, RecordSource, RecordState, RecordType
from records.services.records import record_periods, record_remove_in_transaction

DECISION_FIELDS = ("decision_number", "decided_on", "severity", "domain", "basis", "content", "valid_until", "publication_ends_on")


def _date(value) -> datetime.date | None:
    return exchange_received.item_date(value)


def _credit_office() -> Department:
    return exchange_received.holding_office(_("No credit office to hold a record received from another region."))


def _subject(data: dict) -> Subject:
    return exchange_received.item_subject(data)


def _record_type(data: dict) -> RecordType:
    code = str((data.get("record_type") or {}).get("code") or "")
    record_type = RecordType.objects.filter(code=code).first() if code else None
    if record_type is None:
        raise ValidationError(_("This platform's information catalogue has no record type “%(code)s”: add it, then apply the item again.")
                              % {"code": code})
    return record_type


def _decision(data: dict, record_type: RecordType) -> dict:
    """The record's decision fields from the item, checked as far as a record decided elsewhere can be."""
    values = {
        "decision_number": str(data.get("decision_number") or "").strip(),
        "decided_on": _date(data.get("decided_on")),
        "severity": data.get("severity") or "",
        "domain": data.get("domain") or "",
        "basis": str(data.get("basis") or "").strip(),
        "content": catalogue.content_clean(record_type.fields, data.get("content") if isinstance(data.get("content"), dict) else {}),
        "valid_until": _date(data.get("valid_until")),
        "publication_ends_on": _date(data.get("publication_ends_on")),
    }
    if not values["decision_number"] or values["decided_on"] is None:
        raise ValidationError(_("A record needs its decision number and date."))
    if len(values["decision_number"]) > CreditRecord._meta.get_field("decision_number").max_length:
        raise ValidationError(_("The decision number is too long."))
    if values["severity"] not in ("", *Severity.values):
        raise ValidationError(_("Unknown severity “%(value)s”.") % {"value": values["severity"]})
    if values["domain"] not in ("", *Domain.values):
        values["domain"] = Domain.OTHER
    return values


@transaction.atomic(savepoint=False)
def record_receive(*, item_id: str, version: int, op: str, data: dict, source_region: str, actor=None) -> CreditRecord | None:
    """Apply a received record (see the module); answers the local record, None for the removal of an unknown one."""
    existing = CreditRecord.objects.filter(exchange_item_id=item_id).values_list("pk", flat=True).first()
    removed = op == "remove" or data.get("state") == RecordState.REMOVED
    if existing is None:
        if removed:
            return None
        return _create(item_id=item_id, version=version, data=data, source_region=source_region, actor=actor)
    record = lock_record(existing)
    if version <= record.exchange_version:
        return record  # applied already (or a later version was)
    if removed:
        if record.state != RecordState.REMOVED:
            reason = data.get("removal_reason") if data.get("removal_reason") in RecordRemovalReason.values else RecordRemovalReason.REVOKED
            record = record_remove_in_transaction(record=record, actor=actor, reason=reason, check_permission=False,
                                                  note=_("Removed in region %(region)s.") % {"region": source_region})
    else:
        _change(record, _decision(data, record.record_type), item_id=item_id, version=version, source_region=source_region, actor=actor)
    CreditRecord.objects.filter(pk=record.pk).update(exchange_version=version)
    record.exchange_version = version
    return record


def _change(record: CreditRecord, values: dict, *, item_id, version, source_region, actor) -> None:
    changed = [name for name, value in values.items() if getattr(record, name) != value]
    if not changed:
        return
    old = {name: getattr(record, name) for name in changed}
    for name in changed:
        setattr(record, name, values[name])
    try:
        with transaction.atomic():  # a savepoint: the changed decision may be one this instance holds already
            record.save(update_fields=[*changed, "updated_at"])
    except IntegrityError:
        raise ValidationError(_("This decision is already held here (the same subject, record type and decision number).")) from None
    events.record_received_changed(record, actor, from_state=record.state, to_state=record.state,
                                   reason=_("Changed in region %(region)s.") % {"region": source_region},
                                   extra={"old": {n: str(v) for n, v in old.items()}, "item": item_id, "version": version})


def _create(*, item_id, version, data, source_region, actor) -> CreditRecord:
    record_type = _record_type(data)
    subject = _subject(data.get("subject") or {})
    office = _credit_office()
    values = _decision(data, record_type)
    periods = record_periods(kind=record_type.kind, severity=values["severity"], decided_on=values["decided_on"], valid_until=values["valid_until"])
    published_at = parse_datetime(data.get("published_at") or "") or timezone.now()
    record = CreditRecord(
        subject=subject, record_type=record_type, department=office, source=RecordSource.IMPORT, rule_set=periods.rule_set,
        repair_possible_from=periods.repair_possible_from, state=RecordState.PUBLISHED,
        published_at=published_at, published_on=timezone.localdate(published_at),
        source_region=source_region, exchange_item_id=item_id, exchange_version=version, **values,
    )
    if record.publication_ends_on is None:
        record.publication_ends_on = periods.publication_ends_on
    try:
        with transaction.atomic():  # a savepoint: the same decision may be held here under another item
            record.save()
    except IntegrityError:
        raise ValidationError(_("This decision is already held here (the same subject, record type and decision number).")) from None
    events.record_received(record, actor, to_state=record.state, extra={
        "item": item_id, "version": version, "source_region": source_region, "record_type": record_type.code,
        "decision_number": record.decision_number, "decided_by": (data.get("department") or {}).get("name", ""),
    })
    return record
