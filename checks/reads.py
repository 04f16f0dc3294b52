"""The credit check's reads in a fixed number of queries (DESIGN.md "Contract details": ≤ 3 reads plus
the log write), for one subject or a thousand.

- ``subjects_with_standing``: the subjects by identifier, each with its checked entries, penalty and
  dishonesty records and breached commitments carried as JSON arrays in the same row (one query,
  correlated subqueries over the subject-side indexes).
- ``assignments_for``: the department's live or held pushes targeting the subjects, with their cases
  and their measures (one query; the measures as a JSON array).

The JSON rows are turned back into (partial) model instances with their related objects, so the
rules of ``checks.standing`` and the serializers read them as they would read the ORM's.
"""
from collections import defaultdict

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import DEFERRED, F, OuterRef, Q
from django.db.models.functions import JSONObject

from checks.standing import DISQUALIFYING_SEVERITIES
from credit_platform.domains import ListType
from credit_platform.models import Department, Subject
from lists.models import EntryState, ListEntry
from records.models import Commitment, CommitmentState, CreditRecord, RecordKind, RecordState, RecordType
from sanctions.models import LIVE_ASSIGNMENT_STATES, LIVE_CASE_STATES, Assignment, AssignmentState, CaseState, Measure

CHECKED_ENTRY_STATES = [EntryState.PUBLISHED, EntryState.SUSPENDED]

ENTRY_FIELDS = ["id", "subject_id", "list_type", "severity", "domain", "decision_number", "decided_on", "publication_ends_on",
                "valid_until", "state", "removed_at", "removal_reason"]
RECORD_FIELDS = ["id", "subject_id", "record_type_id", "department_id", "decision_number", "decided_on", "severity", "domain",
                 "publication_ends_on", "state", "removed_at", "removal_reason"]
RECORD_TYPE_FIELDS = ["id", "code", "name", "kind", "public"]
DEPARTMENT_FIELDS = ["id", "code", "name", "name_en"]
COMMITMENT_FIELDS = ["id", "subject_id", "kind", "matter", "business_reference", "department_id", "public", "state", "breached_on",
                     "breach_reason", "breach_record_id"]
BREACH_RECORD_FIELDS = ["id", "state", "removed_at", "removal_reason", "publication_ends_on"]
MEASURE_FIELDS = ["id", "code", "name", "name_en", "category", "legal_basis"]


def _json(prefix: str, names: list[str]) -> dict:
    """JSONObject keys ``<prefix>__<name>`` for the related object at ``prefix`` (or the row itself)."""
    return {(f"{prefix}__{n}" if prefix else n): F(f"{prefix}__{n}" if prefix else n) for n in names}


def _rows(queryset, **keys) -> ArraySubquery:
    return ArraySubquery(queryset.values(json=JSONObject(**keys)))


def instance(model, data: dict, prefix: str = ""):
    """A model instance (as loaded from the database) from the JSON keys ``<prefix>__<field>``; the
    fields not carried are deferred, as ``.only()`` leaves them (none of them is read by the check)."""
    if prefix and data.get(f"{prefix}__id") is None:
        return None
    fields = model._meta.concrete_fields
    values = []
    for field in fields:
        key = f"{prefix}__{field.attname}" if prefix else field.attname
        value = data.get(key, DEFERRED)
        values.append(field.to_python(value) if value is not None and value is not DEFERRED else value)
    return model.from_db("default", [f.attname for f in fields], values)


def _entries_subquery():
    entries = (
        ListEntry.objects.filter(subject=OuterRef("pk"))
        .filter(Q(state__in=CHECKED_ENTRY_STATES) | Q(list_type=ListType.BLACK, state=EntryState.REMOVED))
        .order_by("-decided_on", "-id")
    )
    return _rows(entries, **_json("", ENTRY_FIELDS))


def _records_subquery():
    records = (
        CreditRecord.objects.filter(subject=OuterRef("pk"), record_type__kind__in=[RecordKind.PENALTY, RecordKind.DISHONESTY])
        .filter(Q(state=RecordState.PUBLISHED) | Q(record_type__kind=RecordKind.PENALTY, severity__in=DISQUALIFYING_SEVERITIES))
        .order_by("-decided_on", "-id")
    )
    return _rows(records, **_json("", RECORD_FIELDS), **_json("record_type", RECORD_TYPE_FIELDS), **_json("department", DEPARTMENT_FIELDS))


def _commitments_subquery():
    commitments = Commitment.objects.filter(subject=OuterRef("pk"), state=CommitmentState.BREACHED).order_by("-breached_on", "-id")
    return _rows(commitments, **_json("", COMMITMENT_FIELDS), **_json("department", DEPARTMENT_FIELDS),
                 **_json("breach_record", BREACH_RECORD_FIELDS))


def subjects_with_standing(identifiers: list[str]) -> dict[str, Subject]:
    """The subjects with these (normalised) identifiers, by identifier, each carrying
    ``checked_entries``, ``standing_records`` and ``standing_commitments``: one query."""
    if not identifiers:
        return {}
    subjects = Subject.objects.filter(identifier__in=identifiers).annotate(
        entries_json=_entries_subquery(), records_json=_records_subquery(), commitments_json=_commitments_subquery(),
    )
    found = {}
    for subject in subjects:
        subject.checked_entries = [instance(ListEntry, row) for row in subject.entries_json or []]
        records = []
        for row in subject.records_json or []:
            record = instance(CreditRecord, row)
            record.record_type = instance(RecordType, row, "record_type")
            record.department = instance(Department, row, "department")
            records.append(record)
        subject.standing_records = records
        commitments = []
        for row in subject.commitments_json or []:
            commitment = instance(Commitment, row)
            commitment.department = instance(Department, row, "department")
            commitment.breach_record = instance(CreditRecord, row, "breach_record")
            commitments.append(commitment)
        subject.standing_commitments = commitments
        for subject_attribute in ("entries_json", "records_json", "commitments_json"):
            delattr(subject, subject_attribute)
        found[subject.identifier] = subject
    return found


def assignments_for(*, department, subject_ids: list[int]) -> dict[int, list[Assignment]]:
    """The department's live or held pushes targeting the subjects, on live or held cases, by subject id,
    each with its case and ``measure_list`` (ordered by code): one query."""
    if department is None or not subject_ids:
        return {}
    measures = Measure.objects.filter(assignments=OuterRef("pk")).order_by("code")
    assignments = (
        Assignment.objects.filter(
            department=department,
            target_id__in=subject_ids,
            state__in=[*LIVE_ASSIGNMENT_STATES, AssignmentState.SUSPENDED],
            case__state__in=[*LIVE_CASE_STATES, CaseState.SUSPENDED],
        )
        .select_related("case")
        .annotate(measures_json=_rows(measures, **_json("", MEASURE_FIELDS)))
        .order_by("case__period_end", "pk")
    )
    by_subject = defaultdict(list)
    for assignment in assignments:
        assignment.measure_list = [instance(Measure, row) for row in assignment.measures_json or []]
        del assignment.measures_json
        by_subject[assignment.target_id].append(assignment)
    return by_subject
