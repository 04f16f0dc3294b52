"""What a credit report states (信用报告): a snapshot of the subject's file on the day of issue, in
Chinese, as plain strings (``CreditReport.content``), so the report reads the same whenever it is
downloaded again.

It holds what the platform holds about the subject, whoever issues it (RULES.md "Credit reports":
issued from the platform's records, for the subject or with its consent):
- ``subject``: name, kind, identifier (a natural person's masked: first 6 and last 4 characters);
- ``entries``: its list entries on a list now (published, or under verification of an objection);
- ``records``: its credit records published now (or under verification), every kind of the catalogue;
  records of the catalogue's non-public types (欠缴税款 …) only with the subject's consent
  (``with_restricted``: a consent reference given, or the organisation's own request), which the
  report then says (``restricted_included``);
- ``commitments``: its credit commitments (in force, fulfilled, breached);
- ``measures``: the joint measures in force against (or for) it: the measures of its live cases,
  those held by an objection marked so.
Bounded: five queries (entries, records, commitments, cases, their measures).
"""
import hashlib
import json

from django.db.models import Prefetch
from django.utils import translation

from credit_platform import identifiers
from credit_platform.domains import MeasureKind
from credit_platform.models import Subject
from lists import labels
from lists.models import EntryState, ListEntry
from records.commitment_models import Commitment, CommitmentState
from records.models import CreditRecord, RecordKind, RecordState
from sanctions.models import LIVE_CASE_STATES, CaseState, JointCase, Measure

ENTRY_STATES = [EntryState.PUBLISHED, EntryState.SUSPENDED]
RECORD_STATES = [RecordState.PUBLISHED, RecordState.SUSPENDED]
UNDER_VERIFICATION = "异议核查中"
RECORD_KINDS = {
    RecordKind.BASIC: "基础信息",
    RecordKind.LICENSING: "行政许可",
    RecordKind.PENALTY: "行政处罚",
    RecordKind.HONOUR: "表彰奖励",
    RecordKind.DISHONESTY: "失信信息",
    RecordKind.COMMITMENT: "信用承诺信息",
}
COMMITMENT_STATES = {CommitmentState.IN_FORCE: "履行中", CommitmentState.FULFILLED: "已履行", CommitmentState.BREACHED: "已违诺"}


def _day(value) -> str:
    return value.isoformat() if value else ""


def subject_part(subject: Subject) -> dict:
    person = subject.is_person
    return {
        "name": subject.name,
        "kind": labels.label(labels.KIND, subject.kind),
        "identifier": identifiers.mask_identifier(subject.identifier) if person else subject.identifier,
        "identifier_label": "身份证件号码" if person else "统一社会信用代码",
        "person": person,
    }


def _entries(subject: Subject) -> list[dict]:
    entries = (
        ListEntry.objects.filter(subject=subject, state__in=ENTRY_STATES)
        .select_related("identifying_department")
        .order_by("list_type", "-decided_on", "-id")
    )
    return [{
        "list": labels.label(labels.LIST_TYPE, entry.list_type),
        "domain": labels.label(labels.DOMAIN, entry.domain),
        "severity": labels.label(labels.SEVERITY, entry.severity) if entry.severity else "",
        "decision_number": entry.decision_number,
        "decided_on": _day(entry.decided_on),
        "department": entry.identifying_department.name,
        "until": _day(entry.valid_until or entry.publication_ends_on),
        "state": labels.label(labels.STATE, entry.state),
    } for entry in entries]


def _records(subject: Subject, *, with_restricted: bool) -> list[dict]:
    records = CreditRecord.objects.filter(subject=subject, state__in=RECORD_STATES)
    if not with_restricted:
        records = records.filter(record_type__public=True)
    records = (
        records
        .select_related("record_type", "department")
        .order_by("record_type__kind", "-decided_on", "-id")
    )
    return [{
        "kind": RECORD_KINDS.get(record.record_type.kind, record.record_type.kind),
        "record_type": record.record_type.name,
        "decision_number": record.decision_number,
        "decided_on": _day(record.decided_on),
        "severity": labels.label(labels.SEVERITY, record.severity) if record.severity else "",
        "department": record.department.name,
        "until": _day(record.publication_ends_on),
        "state": UNDER_VERIFICATION if record.state == RecordState.SUSPENDED else "公示中",
    } for record in records]


def _commitments(subject: Subject) -> list[dict]:
    commitments = Commitment.objects.filter(subject=subject).select_related("department").order_by("-created_at", "-id")
    return [{
        "matter": commitment.matter,
        "business_reference": commitment.business_reference,
        "department": commitment.department.name,
        "due_on": _day(commitment.due_on),
        "state": COMMITMENT_STATES.get(commitment.state, commitment.state),
        "breached_on": _day(commitment.breached_on),
    } for commitment in commitments]


def _measures(subject: Subject) -> list[dict]:
    measures = Prefetch("measures", queryset=Measure.objects.select_related("department").order_by("code"))
    cases = (
        JointCase.objects.filter(subject=subject, state__in=[*LIVE_CASE_STATES, CaseState.SUSPENDED])
        .prefetch_related(measures)
        .order_by("period_end", "id")
    )
    return [{
        "case": case.number,
        "kind": "激励" if case.kind == MeasureKind.REWARD else "惩戒",
        "measure": measure.name,
        "department": measure.department.name,
        "period_end": _day(case.period_end),
        "state": UNDER_VERIFICATION if case.state == CaseState.SUSPENDED else "实施中",
    } for case in cases for measure in case.measures.all()]


def report_content(subject: Subject, *, with_restricted: bool = False) -> dict:
    """The report's content as on the day of issue (Chinese strings only); ``with_restricted``: the
    subject consented, so records of non-public types are included."""
    with translation.override("zh-hans"):
        return {
            "subject": subject_part(subject),
            "restricted_included": with_restricted,
            "entries": _entries(subject),
            "records": _records(subject, with_restricted=with_restricted),
            "commitments": _commitments(subject),
            "measures": _measures(subject),
        }


def content_hash(content: dict) -> str:
    """SHA-256 of the content's canonical JSON (sorted keys, no spaces)."""
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
