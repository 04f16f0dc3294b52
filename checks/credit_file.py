"""The credit file (信用档案) of one subject: what the caller may see of it, in one place.

- ``subject``: the subject and its responsible persons (``credit_platform.selectors.subject_get_for_user``:
  404 when the caller may not see it, a natural person only with a reason, every person shown logged);
- ``basic``: its basic records (企业登记 …);
- ``records``: its other credit records, by kind (licensing, penalty, honour, dishonesty, and the
  catalogue's commitment records, e.g. imported 信用承诺信息);
- ``list_entries``: its red, black and watch entries;
- ``cases``: the joint cases about it;
- ``commitments``: its credit commitments (``records.Commitment``: the accepting department's, the
  public ones; a breach's dishonesty record is under ``records``).

Each section is read through its app's access function, so a department sees in the file exactly what
it sees elsewhere: its own records, entries and cases in every state, the others' once published
(records of public types); the credit office and the leadership office see everything. Bounded: the
subject (two queries), records, entries, cases and commitments (one query each), plus the look-up log for a person.
"""
from dataclasses import dataclass, field

from django.http import Http404

from credit_platform.models import Subject
from credit_platform.selectors import clean_reason, person_records_viewed, subject_detail, subject_get_for_user, subjects_by_identifier
from lists.access import entries_for_user
from lists.models import ListEntry
from records.access import commitments_for_user, records_for_user
from records.models import Commitment, CreditRecord, RecordKind
from sanctions.access import cases_for_user
from sanctions.models import JointCase

# The kinds listed under ``records`` (basic records have a section of their own).
RECORD_SECTIONS = [RecordKind.LICENSING, RecordKind.PENALTY, RecordKind.HONOUR, RecordKind.DISHONESTY, RecordKind.COMMITMENT]


@dataclass
class CreditFile:
    subject: Subject
    basic: list[CreditRecord] = field(default_factory=list)
    records: dict[str, list[CreditRecord]] = field(default_factory=dict)
    list_entries: list[ListEntry] = field(default_factory=list)
    cases: list[JointCase] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)
    reason_given: bool = False

    @property
    def record_sections(self) -> list[tuple[str, str, list[CreditRecord]]]:
        """(kind, label, records) in the order the file shows them, empty kinds included."""
        return [(kind.value, kind.label, self.records.get(kind.value, [])) for kind in RECORD_SECTIONS]

    @property
    def is_empty(self) -> bool:
        return not (self.basic or any(self.records.values()) or self.list_entries or self.cases or self.commitments)


def subject_records(*, user, subject: Subject) -> list[CreditRecord]:
    """The subject's records the user may see, newest decisions first, with type and department."""
    return list(
        records_for_user(user)
        .filter(subject=subject)
        .select_related("record_type", "department")
        .order_by("-decided_on", "-id")
    )


def subject_list_entries(*, user, subject: Subject) -> list[ListEntry]:
    return list(
        entries_for_user(user).filter(subject=subject).select_related("identifying_department").order_by("-decided_on", "-id")
    )


def subject_cases(*, user, subject: Subject) -> list[JointCase]:
    return list(
        cases_for_user(user)
        .filter(subject=subject)
        .select_related("memorandum", "initiating_department")
        .order_by("-created_at", "-id")
    )


def subject_commitments(*, user, subject: Subject) -> list[Commitment]:
    return list(commitments_for_user(user).filter(subject=subject).select_related("department").order_by("-created_at", "-id"))


def subject_by_exact_identifier(*, user, identifier: str, reason: str = "") -> Subject:
    """The subject with exactly this identifier, whoever has work about it (DESIGN.md, need-to-know:
    one exact identifier with a reason reads a person's record); a person needs the reason
    (ValidationError on ``reason``) and is logged, with the persons shown beside an organisation."""
    subject_id = subjects_by_identifier(identifier).values_list("pk", flat=True).first() if identifier else None
    if subject_id is None:
        raise Http404("No subject with this identifier.")
    subject = subject_detail(subject_id=subject_id)
    reason = (reason or "").strip()
    if subject.is_person:
        reason = clean_reason(reason)
    if reason:
        person_records_viewed(user=user, subjects=[subject, *(link.person for link in subject.responsible_persons.all())], reason=reason)
    return subject


def credit_file(*, user, subject_id=None, identifier: str = "", reason: str = "") -> CreditFile:
    """The credit file of subject ``subject_id`` (or of the subject with exactly ``identifier``) as
    ``user`` may see it: 404 / 400 on ``reason`` as ``subject_get_for_user`` (by id) or
    ``subject_by_exact_identifier``."""
    if identifier:
        subject = subject_by_exact_identifier(user=user, identifier=identifier, reason=reason)
    else:
        subject = subject_get_for_user(user=user, subject_id=subject_id, reason=reason)
    result = CreditFile(subject=subject, reason_given=bool((reason or "").strip()))
    for record in subject_records(user=user, subject=subject):
        kind = record.record_type.kind
        if kind == RecordKind.BASIC:
            result.basic.append(record)
        else:
            result.records.setdefault(kind, []).append(record)
    result.list_entries = subject_list_entries(user=user, subject=subject)
    result.cases = subject_cases(user=user, subject=subject)
    result.commitments = subject_commitments(user=user, subject=subject)
    return result
