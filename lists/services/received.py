"""Entries decided elsewhere, received through the exchange with the upper platform (docs/exchange.md).

``entry_receive`` applies one exchange item of type ``list_entry`` idempotently, inside the caller's
transaction: the entry is held locally in the credit office's name (identifying department), published
as decided, marked with its ``source_region`` and ``exchange_item_id``, and never reported upstream
again. On a lower platform (``open_cases=True``) a black or red entry opens this district's case from
the memorandum of its list and domain, initiated by the credit office (``after_publication``); the
upper platform stores what its regions send without opening cases (``open_cases=False``). A later
version changes the entry's decision fields; a removal takes it off the list and ends its cases.
"""
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from credit_platform import exchange_received
from credit_platform.domains import ListType
from credit_platform.models import Department, Subject, User
from credit_platform.rules import entry_periods, red_valid_until, rule_set_in_force
from lists import events
from lists.locks import lock_entry
from lists.models import EntryState, ListEntry, RemovalReason, Source
from lists.services.procedure import entries_grant_manage
from lists.services.publication import after_publication
from lists.services.removal import entry_remove_in_transaction

DECISION_FIELDS = ("severity", "domain", "basis", "decision_number", "facts", "exit_conditions", "remedies")
DATE_FIELDS = ("decided_on", "repair_possible_from", "publication_ends_on", "valid_until")


def _date(value) -> datetime.date | None:
    return exchange_received.item_date(value)


def _credit_office() -> Department:
    return exchange_received.holding_office(_("No credit office to hold an entry received from another region."))


def _subject(data: dict) -> Subject:
    return exchange_received.item_subject(data)


def _decision(data: dict, list_type: str, rule_sets: dict | None = None) -> dict:
    """The entry's decision fields from the item (periods computed when the item has none); ``rule_sets``
    memoises the rule set in force by decision date (a batch's entries share a few dates)."""
    values = {name: (data.get(name) or "") for name in DECISION_FIELDS}
    values.update({name: _date(data.get(name)) for name in DATE_FIELDS})
    if values["decided_on"] is None or not values["decision_number"] or not values["basis"]:
        raise ValidationError(_("An entry needs its decision number, date and basis."))
    rule_sets = {} if rule_sets is None else rule_sets
    if values["decided_on"] not in rule_sets:
        rule_sets[values["decided_on"]] = rule_set_in_force(values["decided_on"])
    rule_set = rule_sets[values["decided_on"]]
    if list_type == ListType.RED:
        values.update(severity="", repair_possible_from=None, publication_ends_on=None)
        values["valid_until"] = values["valid_until"] or red_valid_until(rule_set, values["decided_on"])
    else:
        values["valid_until"] = None
        if not values["severity"]:
            raise ValidationError(_("A black or watch entry needs its severity."))
        if values["repair_possible_from"] is None or values["publication_ends_on"] is None:
            values["repair_possible_from"], values["publication_ends_on"] = entry_periods(rule_set, values["severity"], values["decided_on"])
    values["rule_set"] = rule_set
    return values


@transaction.atomic(savepoint=False)
def entry_receive(*, item_id: str, version: int, op: str, data: dict, source_region: str, open_cases: bool, actor=None) -> ListEntry | None:
    """Apply a received entry (see the module); answers the local entry, None for the removal of an unknown one."""
    existing = ListEntry.objects.filter(exchange_item_id=item_id).values_list("pk", flat=True).first()
    removed = op == "remove" or data.get("state") == EntryState.REMOVED
    if existing is None:
        if removed:
            return None
        return _create(item_id=item_id, version=version, data=data, source_region=source_region, open_cases=open_cases, actor=actor)
    entry = lock_entry(existing)
    if removed:
        if entry.state in (EntryState.PUBLISHED, EntryState.SUSPENDED):
            reason = data.get("removal_reason") if data.get("removal_reason") in RemovalReason.values else RemovalReason.REVOKED
            entry_remove_in_transaction(entry=entry, actor=actor, reason=reason, note=_("Removed in region %(region)s.") % {"region": source_region},
                                        check_permission=False)
        return entry
    values = _decision(data, entry.list_type)
    changed = [name for name, value in values.items() if getattr(entry, name) != value]
    if changed:
        old = {name: getattr(entry, name) for name in changed}
        for name in changed:
            setattr(entry, name, values[name])
        entry.save(update_fields=[*changed, "updated_at"])
        events.entry_corrected(entry, actor, from_state=entry.state, to_state=entry.state, reason=_("Changed in region %(region)s.") % {"region": source_region},
                               extra={"old": {n: str(v) for n, v in old.items()}, "item": item_id, "version": version})
    return entry


def _create(*, item_id, version, data, source_region, open_cases, actor) -> ListEntry:
    list_type = data.get("list_type")
    if list_type not in ListType.values:
        raise ValidationError(_("Unknown list: %(value)s.") % {"value": list_type})
    subject = _subject(data.get("subject") or {})
    office = _credit_office()
    values = _decision(data, list_type)
    entry = ListEntry(
        subject=subject, list_type=list_type, identifying_department=office, source=Source.IMPORT,
        source_region=source_region, exchange_item_id=item_id, **values,
    )
    published_at = parse_datetime(data.get("published_at") or "") or timezone.now()
    entry.publish_decided(at=published_at)
    entry.save()
    entries_grant_manage(entry_ids=[entry.pk], department=office)
    events.entry_received(entry, actor, to_state=entry.state, extra={
        "item": item_id, "version": version, "source_region": source_region,
        "decided_by": (data.get("identifying_department") or {}).get("name", ""),
    })
    if open_cases:
        # The credit office opens the cases (its first active user acts when a task applies the feed).
        actor = actor or User.objects.filter(department=office, is_active=True).order_by("pk").first()
        if actor is None:
            raise ValidationError(_("No active user of the credit office to open the cases of an entry received from another region."))
        after_publication(entry=lock_entry(entry.pk), actor=actor)
    return entry
