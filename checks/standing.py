"""What the credit check adds to the lists (DESIGN.md "Contract details", Credit check; RULES.md
"Green channel"): the subject's published penalty and dishonesty records, its breached commitments,
``clean_since`` and ``green_channel`` (容缺受理 / 绿色通道).

Disqualifying items: black-list entries, general or severe penalty records, breached commitments.
Each lasts from its decision until it ends: an entry or record when it is removed (expired or
repaired: a repaired one ends on its repair) or when its publication ended; a breached commitment
when the dishonesty record of its breach is (without one, on the day of the breach). Items revoked
or corrected (found wrong) never disqualify; drafts and entries not yet published do not count.
``clean_since`` = the day after the last one ended, null while one is live (or when there was none);
``green_channel`` = red-listed with nothing live, or nothing live and ``clean_since`` at least
3 years ago, or nothing ever.

Bounded: two queries (the records, the breached commitments with their records); the black entries
come with the entries' query of ``checks.credit_check``.
"""
import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from credit_platform.domains import ListType, Severity
from credit_platform.permissions import can_see_everything, department_of, is_department_member
from credit_platform.rules import add_months
from lists.models import EntryState, ListEntry, RemovalReason
from records.models import Commitment, CommitmentState, CreditRecord, RecordKind, RecordRemovalReason, RecordState

GREEN_CHANNEL_MONTHS = 36
DISQUALIFYING_SEVERITIES = (Severity.GENERAL, Severity.SEVERE)
# Removed because they were wrong: as if they had never been.
VOID_REASONS = {RemovalReason.REVOKED, RemovalReason.CORRECTED, RecordRemovalReason.REVOKED, RecordRemovalReason.CORRECTED}
LIVE = "live"


@dataclass
class Standing:
    records: list[CreditRecord] = field(default_factory=list)
    commitments_breached: list[Commitment] = field(default_factory=list)
    clean_since: datetime.date | None = None
    green_channel: bool = True


def _end(*, state, live_states, removed_state, removed_at, removal_reason, ends_on, today):
    """LIVE, the day the item ended, or None when it does not count."""
    if state in live_states:
        return ends_on if ends_on is not None and ends_on < today else LIVE
    if state == removed_state and removal_reason not in VOID_REASONS:
        return timezone.localdate(removed_at) if removed_at else ends_on
    return None


def _entry_end(entry: ListEntry, today):
    return _end(state=entry.state, live_states=(EntryState.PUBLISHED, EntryState.SUSPENDED), removed_state=EntryState.REMOVED,
                removed_at=entry.removed_at, removal_reason=entry.removal_reason, ends_on=entry.publication_ends_on, today=today)


def _record_end(record: CreditRecord, today):
    return _end(state=record.state, live_states=(RecordState.PUBLISHED, RecordState.SUSPENDED), removed_state=RecordState.REMOVED,
                removed_at=record.removed_at, removal_reason=record.removal_reason, ends_on=record.publication_ends_on, today=today)


def _visible(user):
    """Whether ``user`` may see a record or commitment of department ``department_id`` (public or not)."""
    if can_see_everything(user):
        return lambda department_id, public: True
    department = department_of(user) if is_department_member(user) else None
    department_id_own = department.pk if department is not None else None
    return lambda department_id, public: public or department_id == department_id_own


def _records_counted(subject):
    """Published penalty and dishonesty records, and every general or severe penalty (for ``clean_since``)."""
    return (
        CreditRecord.objects.filter(subject=subject, record_type__kind__in=[RecordKind.PENALTY, RecordKind.DISHONESTY])
        .filter(Q(state=RecordState.PUBLISHED) | Q(record_type__kind=RecordKind.PENALTY, severity__in=DISQUALIFYING_SEVERITIES))
        .select_related("record_type", "department")
        .order_by("-decided_on", "-id")
    )


def standing(*, user, subject, entries: list[ListEntry], today: datetime.date | None = None,
             records: list[CreditRecord] | None = None, commitments: list[Commitment] | None = None) -> Standing:
    """``entries``: the subject's entries, the removed black ones included (``credit_check.subject_entries_checked``).
    ``records`` and ``commitments``: the subject's penalty and dishonesty records and breached commitments
    when the caller read them already (``checks.reads``); read here otherwise."""
    today = today or timezone.localdate()
    visible = _visible(user)
    result = Standing()
    ends = []
    for entry in entries:
        if entry.list_type == ListType.BLACK:
            ends.append(_entry_end(entry, today))
    if records is None:
        records = _records_counted(subject)
    for record in records:
        if record.state == RecordState.PUBLISHED and visible(record.department_id, record.record_type.public):
            result.records.append(record)
        if record.record_type.kind == RecordKind.PENALTY and record.severity in DISQUALIFYING_SEVERITIES:
            ends.append(_record_end(record, today))
    if commitments is None:
        commitments = (
            Commitment.objects.filter(subject=subject, state=CommitmentState.BREACHED)
            .select_related("department", "breach_record")
            .order_by("-breached_on", "-id")
        )
    for commitment in commitments:
        if visible(commitment.department_id, commitment.public):
            result.commitments_breached.append(commitment)
        record = commitment.breach_record
        ends.append(_record_end(record, today) if record is not None else commitment.breached_on)
    ends = [end for end in ends if end is not None]
    red_listed = any(entry.list_type == ListType.RED and entry.state == EntryState.PUBLISHED for entry in entries)
    if LIVE in ends:
        result.clean_since, result.green_channel = None, False
    elif not ends:
        result.clean_since, result.green_channel = None, True
    else:
        result.clean_since = max(ends) + datetime.timedelta(days=1)
        result.green_channel = red_listed or result.clean_since <= add_months(today, -GREEN_CHANNEL_MONTHS)
    return result
