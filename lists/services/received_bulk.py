"""Many new entries received at once: the upper platform's batch (``exchange``), no cases opened.

``entries_receive_new(items=, source_region=)`` takes the items of a batch that name entries this
instance does not hold yet (each item once, published, upserted) and materialises them as
``entry_receive`` would — published in the credit office's name with their source region — but in
bulk: unknown subjects registered in one statement, the entries in one, their permissions and their
first audit events in bulk. Answers ``{item_id: refusal}`` for the items it did not take (a subject
or a decision that does not validate, a decision already held under another item).
"""
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from credit_platform import events as core_events
from credit_platform import identifiers
from credit_platform.domains import ListType
from credit_platform.models import Subject
from lists import events
from lists.models import EntryState, ListEntry, Source
from lists.services.procedure import entries_grant_manage
from lists.services.received import _credit_office, _decision


def _message(exc: ValidationError) -> str:
    return " ".join(exc.messages)[:1000]


def _subject_row(data: dict) -> Subject:
    identifier = identifiers.normalise(data.get("identifier"))
    kind, name = data.get("kind") or "", (data.get("name") or "").strip()
    if not name:
        raise ValidationError(_("The subject has no name."))
    birth_date = identifiers.validate_for_kind(identifier, kind, field="identifier")
    return Subject(kind=kind, identifier=identifier, name=name, birth_date=birth_date)


@transaction.atomic(savepoint=False)
def entries_receive_new(*, items: list[dict], source_region: str) -> dict[str, str]:
    office = _credit_office()
    refusals, prepared, rule_sets = {}, [], {}
    for item in items:
        data = item["data"]
        try:
            if data.get("list_type") not in ListType.values:
                raise ValidationError(_("Unknown list: %(value)s.") % {"value": data.get("list_type")})
            prepared.append((item, _subject_row(data.get("subject") or {}), _decision(data, data["list_type"], rule_sets)))
        except ValidationError as exc:
            refusals[item["item_id"]] = _message(exc)
        except (ObjectDoesNotExist, ValueError, TypeError, KeyError) as exc:  # e.g. no rule set for the decision date
            refusals[item["item_id"]] = str(exc)[:1000]
    if not prepared:
        return refusals
    subjects = {s.identifier: s for s in Subject.objects.filter(identifier__in={row.identifier for _i, row, _v in prepared})}
    new_subjects = {}
    for _item, row, _values in prepared:
        if row.identifier not in subjects and row.identifier not in new_subjects:
            new_subjects[row.identifier] = row
    if new_subjects:
        created = Subject.objects.bulk_create(list(new_subjects.values()))
        core_events.subject_created.bulk(created, extra_for=lambda s: {"kind": s.kind, "source_region": source_region})
        subjects.update({s.identifier: s for s in created})
    now = timezone.now()
    entries = [
        ListEntry(
            subject=subjects[row.identifier], list_type=item["data"]["list_type"], identifying_department=office, source=Source.IMPORT,
            source_region=source_region, exchange_item_id=item["item_id"], state=EntryState.PUBLISHED,
            published_at=parse_datetime(item["data"].get("published_at") or "") or now, **values,
        )
        for item, row, values in prepared
    ]
    # A decision this instance already holds (another item, or its own entry) is not taken twice.
    ListEntry.objects.bulk_create(entries, ignore_conflicts=True)
    # The subject joined: the audit events name each entry (its __str__).
    taken = {e.exchange_item_id: e for e in ListEntry.objects.select_related("subject").filter(exchange_item_id__in=[e.exchange_item_id for e in entries])}
    for entry in entries:
        if entry.exchange_item_id not in taken:
            refusals[entry.exchange_item_id] = _("This decision is already on the list here (the same subject, list, domain and decision number).")
    held = list(taken.values())
    entries_grant_manage(entry_ids=[e.pk for e in held], department=office)
    by_item = {item["item_id"]: item for item, _row, _values in prepared}
    events.entry_received.bulk(held, to_state=EntryState.PUBLISHED, extra_for=lambda e: {
        "item": e.exchange_item_id, "version": by_item[e.exchange_item_id]["version"], "source_region": source_region,
        "decided_by": (by_item[e.exchange_item_id]["data"].get("identifying_department") or {}).get("name", ""),
    })
    return refusals
