"""Entering, publishing, removing, suspending and resuming credit records, and their periods.

Periods (RULES.md "Licensing and penalty decisions", the periods table; DESIGN.md "Contract details"):
- licensing and penalty decisions are published within the rule set's working days (7) of the
  decision (``publication_due``, provisional through a year the official calendar does not know
  yet); whether they were is fixed when published (``published_on_time``);
- a **minor** penalty has no publication date, is not counted for punctuality, is published only
  when the department asks, for at most the rule set's minor months (3);
- a general or severe penalty (and a dishonesty record with a severity) is published until the rule
  set's maximum for its severity; repair may be applied for after its minimum;
- a licence is published until ``valid_until`` (2099-12-31: until removed), else for 3 years.
"""
import dataclasses
import datetime
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from credit_platform import calendar, dates
from credit_platform.domains import Domain, Severity
from credit_platform.exceptions import IllegalTransition, transition_error
from credit_platform.models import RuleSet, Subject
from credit_platform.rules import add_months, entry_periods, publication_due, rule_set_in_force
from credit_platform.workflow import entry_point, require, run_transition
from lists.services import red_entries_review_for_dishonesty, watch_rule_apply
from records import access, catalogue, events
from records.exchange_items import record_changed
from records.locks import lock_record
from records.models import (
    BASIS_MAX_LENGTH,
    CreditRecord,
    RecordKind,
    RecordRemovalReason,
    RecordState,
    RecordType,
    publication_refusal,
)

# A licence without a validity is published for 3 years (RULES.md "Licensing and penalty decisions").
LICENSING_DEFAULT_MONTHS = 36
# Kinds that carry a severity and a domain: penalties (severity required) and dishonesty records.
SEVERITY_KINDS = (RecordKind.PENALTY, RecordKind.DISHONESTY)


@dataclasses.dataclass(frozen=True)
class RecordPeriods:
    rule_set: RuleSet
    publication_due: datetime.date | None
    publication_due_provisional: bool
    repair_possible_from: datetime.date | None
    publication_ends_on: datetime.date | None


def record_periods(*, kind: str, severity: str, decided_on: datetime.date, valid_until: datetime.date | None,
                   rule_set: RuleSet | None = None) -> RecordPeriods:
    """The dates a record of ``kind`` decided on ``decided_on`` carries, under the rule set in force that day."""
    rule_set = rule_set or rule_set_in_force(decided_on)
    due = None
    repair_from = ends_on = None
    if kind == RecordKind.LICENSING:
        due = publication_due(rule_set, decided_on)
        ends_on = valid_until or add_months(decided_on, LICENSING_DEFAULT_MONTHS)
    elif kind in SEVERITY_KINDS and severity in Severity.values:
        repair_from, ends_on = entry_periods(rule_set, severity, decided_on)
        if kind == RecordKind.PENALTY and severity != Severity.MINOR:
            due = publication_due(rule_set, decided_on)
    elif kind in (RecordKind.HONOUR, RecordKind.COMMITMENT):
        ends_on = valid_until
    return RecordPeriods(
        rule_set=rule_set,
        publication_due=due.date if due else None,
        publication_due_provisional=bool(due and due.provisional),
        repair_possible_from=repair_from,
        publication_ends_on=ends_on,
    )


def record_url(record) -> str:
    return f"/admin/records/creditrecord/{record.pk}/change/"


def _duplicate_message(decision_number: str) -> str:
    return _("This subject already has a record of this type from your department for decision %(number)s.") % {"number": decision_number}


def record_validate(*, subject, record_type: RecordType | None, department, decision_number, decided_on, severity="", domain="",
                    basis="", content=None, valid_until=None, consent_reference="", today=None) -> dict[str, list[str]]:
    """The field errors of a new record (empty when it may be entered). The API, the admin form and
    the importer ask it."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = defaultdict(list)
    if subject is None:
        errors["subject"].append(_("Choose the subject."))
    if record_type is None:
        errors["record_type"].append(_("Choose the record type."))
        return dict(errors)
    kind = record_type.kind
    decision_number = (decision_number or "").strip()
    if not decision_number:
        errors["decision_number"].append(_("Give the number of the decision document."))
    elif len(decision_number) > CreditRecord._meta.get_field("decision_number").max_length:
        errors["decision_number"].append(_("The decision number is too long."))
    if decided_on is None:
        errors["decided_on"].append(_("Give the date of the decision."))
    elif dates.out_of_range(decided_on):
        errors["decided_on"].append(dates.out_of_range(decided_on))
    elif decided_on > today:
        errors["decided_on"].append(_("The decision date cannot be in the future."))
    if kind == RecordKind.PENALTY and not severity:
        errors["severity"].append(_("Give the severity of the penalty: minor, general or severe."))
    elif severity and severity not in Severity.values:
        errors["severity"].append(_("Unknown severity “%(value)s”.") % {"value": severity})
    elif severity and kind not in SEVERITY_KINDS:
        errors["severity"].append(_("Only penalty and dishonesty records carry a severity."))
    if domain and domain not in Domain.values:
        errors["domain"].append(_("Unknown domain “%(value)s”.") % {"value": domain})
    elif domain and kind not in SEVERITY_KINDS:
        errors["domain"].append(_("Only penalty and dishonesty records carry a domain."))
    basis = (basis or "").strip()
    if kind == RecordKind.PENALTY and not basis:
        errors["basis"].append(_("Cite the legal basis of the penalty."))
    elif len(basis) > BASIS_MAX_LENGTH:
        errors["basis"].append(_("The legal basis is too long."))
    if valid_until is not None:
        if dates.out_of_range(valid_until):
            errors["valid_until"].append(dates.out_of_range(valid_until))
        elif decided_on is not None and valid_until < decided_on:
            errors["valid_until"].append(_("The validity cannot end before the decision date."))
    consent_reference = (consent_reference or "").strip()
    if record_type.needs_consent and not consent_reference:
        errors["consent_reference"].append(
            _("A record of “%(type)s” needs the reference of the subject's written consent (%(basis)s).")
            % {"type": record_type.name, "basis": catalogue.LEGAL_BASIS}
        )
    elif len(consent_reference) > CreditRecord._meta.get_field("consent_reference").max_length:
        errors["consent_reference"].append(_("The consent reference is too long."))
    for field, messages in catalogue.content_errors(record_type.fields, content).items():
        errors[field].extend(messages)
    if not errors and CreditRecord.objects.filter(
        record_type=record_type, department=department, decision_number=decision_number, subject=subject,
    ).exists():
        errors["decision_number"].append(_duplicate_message(decision_number))
    return dict(errors)


@transaction.atomic(savepoint=False)
def record_create_in_transaction(*, actor, subject: Subject, record_type: RecordType, decision_number: str, decided_on: datetime.date,
                                 severity: str = "", domain: str = "", basis: str = "", content=None, valid_until=None,
                                 consent_reference: str = "", publish: bool = False, department=None,
                                 check_permission: bool = True) -> CreditRecord:
    """Enter a record as its providing department (the actor's; the credit office may name one of
    the type's providers with ``department``): a draft, published at once when ``publish``.

    Only a providing department of the type records under it (403); the record is validated
    against the type (400 by field: consent reference, the type's fields, severity, ...).
    ``check_permission=False`` (a commitment's breach, recorded by its accepting department under
    the breach type): ``department`` is taken as given, whether or not it provides the type.
    """
    require(not check_permission or access.can_record(actor, record_type),
            _("Only a providing department of this record type can enter its records."))
    if not check_permission and department is not None:
        pass
    elif department is None or not access.can_manage_catalogue(actor):
        department = getattr(actor, "department", None)
    elif not record_type.departments.filter(pk=department.pk).exists():
        raise ValidationError({"department": [_("%(department)s does not provide this record type.") % {"department": department}]})
    require(department is not None, _("Only a user of a department can enter a record."))
    if not record_type.is_active:
        raise ValidationError({"record_type": [_("This record type is no longer in use.")]})
    errors = record_validate(
        subject=subject, record_type=record_type, department=department, decision_number=decision_number, decided_on=decided_on,
        severity=severity, domain=domain, basis=basis, content=content, valid_until=valid_until, consent_reference=consent_reference,
    )
    if errors:
        raise ValidationError(errors)
    kind = record_type.kind
    if kind in SEVERITY_KINDS and not domain:
        domain = record_type.domain or Domain.OTHER
    periods = record_periods(kind=kind, severity=severity, decided_on=decided_on, valid_until=valid_until)
    record = CreditRecord(
        subject=subject, record_type=record_type, department=department, decision_number=decision_number.strip(),
        decided_on=decided_on, severity=severity, domain=domain, basis=(basis or "").strip(),
        content=catalogue.content_clean(record_type.fields, content), valid_until=valid_until,
        consent_reference=(consent_reference or "").strip(), rule_set=periods.rule_set,
        publication_due=periods.publication_due, publication_due_provisional=periods.publication_due_provisional,
        repair_possible_from=periods.repair_possible_from, publication_ends_on=periods.publication_ends_on,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    if publish:
        refusal = publication_refusal(record)
        if refusal:
            raise ValidationError({"publish": [refusal]})
    try:
        # A savepoint: a simultaneous entry of the same decision fails on the unique constraint.
        with transaction.atomic():
            record.save()
    except IntegrityError:
        raise ValidationError({"decision_number": [_duplicate_message(record.decision_number)]}) from None
    events.record_created(
        record, actor, to_state=record.state,
        extra={
            "subject": subject.identifier, "record_type": record_type.code, "department": department.code,
            "decision_number": record.decision_number, "decided_on": decided_on, "severity": severity, "domain": domain,
            "rule_set": periods.rule_set.code, "publication_due": record.publication_due,
            "publication_due_provisional": record.publication_due_provisional, "publication_ends_on": record.publication_ends_on,
        },
    )
    if publish:
        _publish(record, actor)
    return record


record_create = entry_point(record_create_in_transaction)


def _illegal(record: CreditRecord, attempted: str, detail: str = "") -> IllegalTransition:
    error = transition_error(record, "state", attempted)
    return IllegalTransition(detail or error.detail, state=error.state, allowed=error.allowed)


def _publish(record: CreditRecord, actor) -> CreditRecord:
    previous = record.state
    ends_on = None
    if record.kind == RecordKind.PENALTY and record.severity == Severity.MINOR:
        # Published only on request, for at most the rule set's minor months from the decision.
        cap = add_months(record.decided_on, record.rule_set.minor_max_months)
        if record.publication_ends_on is None or record.publication_ends_on > cap:
            ends_on = cap
    run_transition(record, "publish", at=timezone.now(), publication_ends_on=ends_on)
    record.save(update_fields=["state", "published_at", "published_on", "published_on_time", "publication_ends_on", "updated_at"])
    events.record_published(
        record, actor, from_state=previous, to_state=record.state,
        extra={"published_on_time": record.published_on_time, "publication_due": record.publication_due,
               "publication_ends_on": record.publication_ends_on},
    )
    record_changed(record)  # the exchange outbox
    record_dishonesty_follow_up(record=record, actor=actor)
    return record


def is_dishonesty_record(record: CreditRecord) -> bool:
    """A dishonesty for the lists: a dishonesty record, or a general or severe penalty."""
    return record.kind == RecordKind.DISHONESTY or (
        record.kind == RecordKind.PENALTY and record.severity in (Severity.GENERAL, Severity.SEVERE)
    )


@transaction.atomic(savepoint=False)
def record_dishonesty_follow_up(*, record: CreditRecord, actor) -> None:
    """A published dishonesty record, or a general or severe penalty, reaches the lists (RULES.md):
    the subject's red entries are proposed for removal, and a severe one during a watch period leads
    to a black-list proposal by the providing department (``lists.services``; in this transaction)."""
    if not is_dishonesty_record(record):
        return
    description = _("%(type)s · decision %(number)s") % {"type": record.record_type.name, "number": record.decision_number}
    source = {"record": record.pk}
    red_entries_review_for_dishonesty(subject=record.subject, source_description=description, actor=actor, source=source)
    domain = record.domain or record.record_type.domain
    if record.severity == Severity.SEVERE and domain:
        watch_rule_apply(
            subject=record.subject, severity=record.severity, decided_on=record.decided_on, domain=domain,
            basis=record.basis, decision_number=record.decision_number, department=record.department,
            source_description=description, actor=actor, source=source,
        )


@transaction.atomic(savepoint=False)
def record_publish_in_transaction(*, record: CreditRecord, actor) -> CreditRecord:
    """Publish a draft record (the providing department or the credit office); on time when by its 双公示 date."""
    record = lock_record(record.pk)
    require(access.can_manage_record(actor, record), _("Only the providing department can publish this record."))
    if record.state == RecordState.DRAFT:
        refusal = publication_refusal(record)
        if refusal:
            raise _illegal(record, "publish", refusal)
    return _publish(record, actor)


record_publish = entry_point(record_publish_in_transaction)


@transaction.atomic(savepoint=False)
def record_remove_in_transaction(*, record: CreditRecord, actor, reason: str, note: str = "", check_permission: bool = True) -> CreditRecord:
    """End the record's publication (expired | repaired | revoked | corrected); the record is kept.

    Repair and objection services pass ``check_permission=False`` after deciding who may act.
    """
    record = lock_record(record.pk)
    if check_permission:
        require(access.can_manage_record(actor, record), _("Only the providing department can remove this record."))
    if reason not in RecordRemovalReason.values:
        raise ValidationError({"reason": [_("Choose the reason: %(choices)s.") % {"choices": ", ".join(RecordRemovalReason.values)}]})
    note = (note or "").strip()
    if len(note) > BASIS_MAX_LENGTH:
        raise ValidationError({"note": [_("The note is too long.")]})
    previous = record.state
    run_transition(record, "remove", at=timezone.now(), reason=reason, note=note)
    record.save(update_fields=["state", "removed_at", "removal_reason", "removal_note", "updated_at"])
    events.record_removed(record, actor, from_state=previous, to_state=record.state, reason=note or reason,
                          extra={"removal_reason": reason})
    record_changed(record)
    return record


record_remove = entry_point(record_remove_in_transaction)


@transaction.atomic(savepoint=False)
def record_suspend(*, record: CreditRecord, actor, reason: str = "", today: datetime.date | None = None) -> CreditRecord:
    """An accepted objection verifies the record: it leaves the public site and its clock stops.

    For the objections service, which decides who may accept an objection (runs in its transaction).
    """
    record = lock_record(record.pk)
    previous = record.state
    run_transition(record, "suspend", on=today or timezone.localdate())
    record.save(update_fields=["state", "suspended_on", "updated_at"])
    events.record_suspended(record, actor, from_state=previous, to_state=record.state, reason=reason)
    return record


def _moved(day: datetime.date | None, working_days: int) -> datetime.date | None:
    if day is None or working_days <= 0 or day >= dates.LATEST:
        return day  # 2099-12-31: until removed
    return min(calendar.add_working_days(day, working_days).date, dates.LATEST)


@transaction.atomic(savepoint=False)
def record_resume(*, record: CreditRecord, actor, reason: str = "", today: datetime.date | None = None) -> CreditRecord:
    """The objection was dismissed: the record is published again, its publication end and repair
    date moved on by the working days it was held (RULES.md: the clock stops during verification).

    For the objections service (runs in its transaction).
    """
    record = lock_record(record.pk)
    today = today or timezone.localdate()
    if record.state != RecordState.SUSPENDED:
        raise _illegal(record, "resume")
    held = max(calendar.working_days_between(record.suspended_on or today, today), 0)
    previous = record.state
    old = {"publication_ends_on": record.publication_ends_on, "repair_possible_from": record.repair_possible_from}
    run_transition(
        record, "resume", held=held,
        publication_ends_on=_moved(record.publication_ends_on, held), repair_possible_from=_moved(record.repair_possible_from, held),
    )
    record.save(update_fields=["state", "suspended_on", "held_working_days", "publication_ends_on", "repair_possible_from", "updated_at"])
    events.record_resumed(
        record, actor, from_state=previous, to_state=record.state, reason=reason,
        extra={"held_working_days": held, "old": old,
               "new": {"publication_ends_on": record.publication_ends_on, "repair_possible_from": record.repair_possible_from}},
    )
    return record
