"""Removing, correcting, suspending and resuming list entries; the entry's cases end, are held or resume with it."""
import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from credit_platform import calendar
from credit_platform.domains import ListType
from credit_platform.exceptions import IllegalTransition
from credit_platform.rules import entry_periods, publication_due, red_valid_until, rule_set_in_force
from credit_platform.workflow import entry_point, require, run_transition
from lists import access, events
from lists.exchange_items import entry_changed
from lists.locks import lock_entry, lock_entry_and_cases
from lists.models import EntryState, ListEntry, RemovalReason
from lists.services.procedure import _duplicate_message, CASE_END_FOR_REMOVAL, _illegal, entry_validate
from lists.services.publication import subject_watch_recompute
from sanctions import services as sanctions_services
from sanctions.models import LIVE_CASE_STATES, CaseState, JointCase


# --- removal, suspension ------------------------------------------------------------------------


def _entry_cases(entry: ListEntry, states) -> list[JointCase]:
    return list(JointCase.objects.filter(list_entry_id=entry.pk, state__in=states).order_by("pk").only("pk", "state"))


@transaction.atomic(savepoint=False)
def _remove(entry: ListEntry, *, actor, reason: str, note: str = "") -> ListEntry:
    previous = entry.state
    run_transition(entry, "remove", at=timezone.now(), reason=reason)
    entry.save(update_fields=["state", "removed_at", "removal_reason", "updated_at"])
    events.entry_removed(entry, actor, from_state=previous, to_state=entry.state, reason=note or reason,
                         extra={"removal_reason": reason})
    entry_changed(entry)
    how = CASE_END_FOR_REMOVAL[reason]
    case_reason = _("The list entry %(number)s left the list: %(reason)s.") % {
        "number": entry.decision_number, "reason": RemovalReason(reason).label,
    }
    for case in _entry_cases(entry, [CaseState.INITIATED, *LIVE_CASE_STATES, CaseState.SUSPENDED]):
        # A case never pushed, or held by an objection, cannot expire or be repaired: it is revoked.
        case_how = how if case.state in LIVE_CASE_STATES else "revoked"
        try:
            with transaction.atomic():  # a savepoint: a refused ending leaves the removal standing
                sanctions_services.case_end_in_transaction(case=case, actor=actor, how=case_how, reason=case_reason)
        except IllegalTransition:  # ended meanwhile (its own period scan): nothing left to lift
            continue
    if entry.list_type == ListType.WATCH:
        subject_watch_recompute(subject=entry.subject, actor=actor)
    return entry


@transaction.atomic(savepoint=False)
def entry_remove_in_transaction(*, entry: ListEntry, actor, reason: str, note: str = "", check_permission: bool = True) -> ListEntry:
    """Take the entry off the list (expired | repaired | revoked | corrected); its cases end and
    every executing department is told to lift the measures. The record is kept.

    Repair and objection services pass ``check_permission=False`` after deciding who may act.
    """
    entry = lock_entry(entry.pk)
    if check_permission:
        require(access.can_manage_entry(actor, entry), _("Only the identifying department can remove this entry."))
    if reason not in RemovalReason.values:
        raise ValidationError({"reason": [_("Choose the reason: %(choices)s.") % {"choices": ", ".join(RemovalReason.values)}]})
    return _remove(entry, actor=actor, reason=reason, note=note)


entry_remove = entry_point(entry_remove_in_transaction)


CORRECTABLE_FIELDS = ("basis", "decision_number", "decided_on", "severity", "domain", "valid_until")
DATE_FIELDS = ("decided_on", "valid_until")


def _as_date(value):
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return value


@transaction.atomic(savepoint=False)
def entry_correct(*, entry: ListEntry, actor, corrections: dict, reason: str = "") -> ListEntry:
    """Correct a wrong record (an objection upheld with "correct"): the old values are kept in the
    audit trail; a new decision date or severity gives new publication periods.

    Called by the objections service, which decides who may correct. The entry keeps its state.
    """
    unknown = sorted(set(corrections) - set(CORRECTABLE_FIELDS))
    if unknown or not corrections:
        raise ValidationError({"corrections": [_("Give the corrected fields (allowed: %(fields)s).") % {"fields": ", ".join(CORRECTABLE_FIELDS)}]})
    # A new severity reaches the entry's cases: lock them after the entry (the lock order).
    entry = lock_entry_and_cases(entry.pk) if "severity" in corrections else lock_entry(entry.pk)
    if entry.state in (EntryState.WITHDRAWN, EntryState.REMOVED):
        raise _illegal(entry, "correct")
    old = {name: getattr(entry, name) for name in CORRECTABLE_FIELDS}
    new = {**old, **{name: _as_date(value) if name in DATE_FIELDS else value for name, value in corrections.items()}}
    for name in DATE_FIELDS:
        if not isinstance(new[name], datetime.date) and (name == "decided_on" or new[name] is not None):
            raise ValidationError({name: [_("Give the date as YYYY-MM-DD.")]})
    new["severity"] = new["severity"] or ""
    if entry.list_type == ListType.RED and "decided_on" in corrections and "valid_until" not in corrections \
            and old["valid_until"] == red_valid_until(entry.rule_set, old["decided_on"]):
        # The default validity moves with the decision date; a validity the decision gave stays.
        new["valid_until"] = red_valid_until(rule_set_in_force(new["decided_on"]), new["decided_on"])
    errors = entry_validate(subject=entry.subject, list_type=entry.list_type, **new, exclude_pk=entry.pk, check_period=False)
    if errors:
        raise ValidationError(errors)
    changed = [name for name in CORRECTABLE_FIELDS if new[name] != old[name]]
    if not changed:
        return entry
    for name in changed:
        setattr(entry, name, new[name].strip() if isinstance(new[name], str) else new[name])
    fields = [*changed, "updated_at"]
    if "decided_on" in changed or "severity" in changed:
        entry.rule_set = rule_set_in_force(entry.decided_on)
        if entry.list_type != ListType.RED:  # a red entry has no periods: its validity is valid_until
            periods = dict(zip(("repair_possible_from", "publication_ends_on"), entry_periods(entry.rule_set, entry.severity, entry.decided_on)))
            # The working days objections held the entry still count (its clocks stopped then).
            periods = _moved_periods(periods, entry.held_working_days)
            entry.repair_possible_from, entry.publication_ends_on = periods["repair_possible_from"], periods["publication_ends_on"]
        due = publication_due(entry.rule_set, entry.decided_on)
        entry.publication_due, entry.publication_due_provisional = due.date, due.provisional
        fields += ["rule_set", "repair_possible_from", "publication_ends_on", "publication_due", "publication_due_provisional"]
    try:
        # A savepoint: a decision number taken meanwhile by another entry fails on the unique constraint.
        with transaction.atomic():
            entry.save(update_fields=fields)
    except IntegrityError:
        raise ValidationError({"decision_number": [_duplicate_message(entry.list_type, entry.decision_number)]}) from None
    events.entry_corrected(
        entry, actor, from_state=entry.state, to_state=entry.state, reason=reason,
        extra={"old": {name: old[name] for name in changed}, "new": {name: getattr(entry, name) for name in changed},
               "rule_set": entry.rule_set.code, "publication_ends_on": entry.publication_ends_on, "valid_until": entry.valid_until},
    )
    if "severity" in changed:
        for case in JointCase.objects.filter(list_entry_id=entry.pk).order_by("pk").only("pk"):
            sanctions_services.case_severity_follow_entry(case=case, severity=entry.severity, actor=actor, reason=reason)
    entry_changed(entry)
    if entry.list_type == ListType.WATCH and "domain" in changed:
        subject_watch_recompute(subject=entry.subject, actor=actor)
    return entry


def _held_working_days(entry: ListEntry) -> int:
    """Working days of the hold now ending (0 for a hold begun before its start day was kept)."""
    if entry.suspended_on is None:
        return 0
    return max(calendar.working_days_between(entry.suspended_on, timezone.localdate()), 0)


def _moved_periods(periods: dict, held: int) -> dict:
    """The entry's period dates moved forward by ``held`` working days (unchanged for none)."""
    if not held:
        return dict(periods)
    return {name: None if day is None else calendar.add_working_days(day, held).date for name, day in periods.items()}


@transaction.atomic(savepoint=False)
def entry_suspend(*, entry: ListEntry, actor, reason: str = "") -> ListEntry:
    """An objection is being verified: mark the entry and hold its live cases (暂不执行).

    Called by the objections service, which decides who may accept an objection.
    """
    entry = lock_entry_and_cases(entry.pk)
    previous = entry.state
    run_transition(entry, "suspend", on=timezone.localdate())
    entry.save(update_fields=["state", "state_before_suspension", "suspended_on", "updated_at"])
    events.entry_suspended(entry, actor, from_state=previous, to_state=entry.state, reason=reason)
    entry_changed(entry)
    for case in _entry_cases(entry, LIVE_CASE_STATES):
        sanctions_services.case_suspend(case=case, actor=actor, reason=reason)
    return entry


@transaction.atomic(savepoint=False)
def entry_resume(*, entry: ListEntry, actor, reason: str = "") -> ListEntry:
    """The objection was dismissed: the entry is back on the list and its held cases resume.

    The clocks stopped while it was held (RULES.md, counting time): the repair date and the end of
    publication move forward by the working days of the hold.
    """
    entry = lock_entry_and_cases(entry.pk)
    previous = entry.state
    before = {"repair_possible_from": entry.repair_possible_from, "publication_ends_on": entry.publication_ends_on}
    held = _held_working_days(entry)
    run_transition(entry, "resume", held_days=held, **_moved_periods(before, held))
    entry.save(update_fields=["state", "state_before_suspension", "suspended_on", "held_working_days", *before, "updated_at"])
    events.entry_resumed(
        entry, actor, from_state=previous, to_state=entry.state, reason=reason,
        extra={"held_working_days": held, **{name: [old, getattr(entry, name)] for name, old in before.items()}},
    )
    entry_changed(entry)
    for case in _entry_cases(entry, [CaseState.SUSPENDED]):
        sanctions_services.case_resume(case=case, actor=actor, reason=reason)
    return entry
