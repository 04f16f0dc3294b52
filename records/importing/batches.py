"""Record import batches: who may import, recording a batch, running it chunk by chunk (the core's
``credit_platform.importing.runs``), the sweep of lost runs."""
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from credit_platform.domains import Severity
from credit_platform.importing import report, runs
from credit_platform.importing.bulk import bulk_insert
from credit_platform.importing.rows import WARNING, Issue
from credit_platform.importing.subjects import chunk_subjects
from credit_platform.rules import add_months
from lists.services import subjects_a_dishonesty_concerns
from records import access, exchange_items, import_events
from records.importing.columns import CORE, RECORD_COLUMNS
from records.importing.rows import RowContext, validate_row
from records.services.records import is_dishonesty_record, record_dishonesty_follow_up
from records.models import (
    CreditRecord,
    RecordImportBatch,
    RecordImportRowError,
    RecordKind,
    RecordRemovalReason,
    RecordSource,
    RecordState,
    RecordType,
    publication_refusal,
)

IMPORT_TASK = "records.import_tasks.record_import_run_task"


def can_import(user) -> bool:
    """A providing department of some record type, or the credit office."""
    return access.types_provided_by(user).exists()


def record_import_batches_for_user(user):
    """Batches of the user's department; the credit office sees every batch."""
    return runs.batches_for_user(RecordImportBatch, user).select_related("record_type")


def record_import_create(*, upload, actor, record_type=None, publish: bool = False, strict: bool = False):
    """Check the uploaded file and record the batch; ``record_type``: the type of every row (a 双公示
    spreadsheet). 403 for a department that provides no type, or not the one given."""
    if not can_import(actor) or getattr(actor, "department", None) is None:
        raise PermissionDenied(_("Only a providing department of a record type (or the credit office) can import records."))
    if record_type is not None and not access.can_record(actor, record_type):
        raise PermissionDenied(_("Only a providing department of this record type can enter its records."))
    with transaction.atomic():
        return runs.batch_create(
            RecordImportBatch, upload=upload, actor=actor, columns=RECORD_COLUMNS, strict=strict, record_type=record_type, publish=bool(publish),
        )


def record_import_enqueue(*, batch: RecordImportBatch) -> None:
    """Run the import by a Celery task once the batch is committed (resent by the sweep if lost)."""
    runs.enqueue(RecordImportBatch, batch, IMPORT_TASK)


def record_imports_resume_stale(*, now=None) -> dict:
    """The sweep: send again the record imports whose run was lost."""
    return runs.resume_stale(
        RecordImportBatch, send=lambda batch: runs.send_task(IMPORT_TASK, batch.pk),
        resumed_event=import_events.record_import_resumed, abandoned_event=import_events.record_import_abandoned, now=now,
    )


class RecordRun(runs.BatchRun):
    """One run of one record import: rows validated as ``record_create`` would, chunks COPYed with
    their new subjects and the first audit event of each record."""

    batch_model = RecordImportBatch
    error_model = RecordImportRowError
    columns = RECORD_COLUMNS

    def __init__(self, batch: RecordImportBatch):
        super().__init__(batch)
        self.publish = batch.publish
        provided = access.types_provided_by(self.actor)
        self.context = RowContext(
            types=list(RecordType.objects.filter(is_active=True)),
            providing_type_ids=set(provided.values_list("pk", flat=True)), form_type=batch.record_type, today=self.today,
        )

    def validate(self, number, values, was_number):
        return validate_row(number, values, context=self.context, columns=self.columns, identifier_was_number=was_number)

    def _record(self, row, subject, now, warnings) -> CreditRecord:
        periods = row.periods
        record = CreditRecord(
            subject=subject, record_type=row.record_type, department=self.department, decision_number=row.decision_number,
            decided_on=row.decided_on, severity=row.severity, domain=row.domain, basis=row.basis, content=row.content,
            valid_until=row.valid_until, consent_reference=row.consent_reference, rule_set=periods.rule_set,
            publication_due=periods.publication_due, publication_due_provisional=periods.publication_due_provisional,
            repair_possible_from=periods.repair_possible_from, publication_ends_on=row.publication_ends_on,
            source=RecordSource.IMPORT, created_by=self.actor,
        )
        if row.revoked:  # national 当前状态 2: no longer valid
            record.remove(at=now, reason=RecordRemovalReason.REVOKED, note=_("Imported as invalid (当前状态 2)."))
        elif self.publish:
            refusal = publication_refusal(record, self.today)
            if refusal:
                warnings.append(Issue(row.number, "decided_on", refusal + " " + _("Imported as a draft."), WARNING, row.values))
            else:
                ends_on = None
                if row.record_type.kind == RecordKind.PENALTY and row.severity == Severity.MINOR:
                    # Published on request only, for at most the rule set's minor months.
                    cap = add_months(row.decided_on, periods.rule_set.minor_max_months)
                    ends_on = min(record.publication_ends_on or cap, cap)
                record.publish(at=now, publication_ends_on=ends_on)
        record._import_row = row.number
        return record

    def insert(self, rows):
        """Bulk-insert the chunk's new subjects and records; return (created, unchanged, warnings)."""
        now = timezone.now()
        subjects, new_identifiers, warnings = chunk_subjects(
            rows, actor=self.actor, department=self.department, batch_extra={"record_import": self.batch_id},
            insert_events=self.insert_events, values_of=lambda row: row.values, chunk_of=self.locked_batch,
        )
        # Only subjects registered before this chunk can have records on file.
        known = {s.pk for identifier, s in subjects.items() if identifier not in new_identifiers}
        existing = set(
            CreditRecord.objects.filter(
                department=self.department, subject_id__in=known, decision_number__in={r.decision_number for r in rows},
            ).values_list("record_type_id", "subject_id", "decision_number")
        ) if known else set()
        records, unchanged = [], 0
        for row in rows:
            subject = subjects[row.identifier]
            key = (row.record_type.pk, subject.pk, row.decision_number)
            if key in existing:
                unchanged += 1  # already on file (an earlier import, or twice in this file)
                continue
            existing.add(key)
            records.append(self._record(row, subject, now, warnings))
        if records:
            bulk_insert(CreditRecord, records)
            for state in RecordState.values:
                import_events.record_imported.bulk(
                    [r for r in records if r.state == state], actor=self.actor, department=self.department, to_state=state,
                    extra_for=lambda r: {
                        "record_import": self.batch_id, "row": r._import_row, "record_type": r.record_type.code,
                        "rule_set": r.rule_set.code, "publication_due": r.publication_due,
                        "publication_due_provisional": r.publication_due_provisional, "publication_ends_on": r.publication_ends_on,
                    },
                    insert=self.insert_events, chunk_of=self.locked_batch,
                )
            exchange_items.records_imported(records)  # the outbox, in the chunk's transaction
            self.follow_up_dishonesty([r for r in records if r.state == RecordState.PUBLISHED and is_dishonesty_record(r)])
        return len(records), unchanged, warnings

    def follow_up_dishonesty(self, records) -> None:
        """Published dishonesty records reach the lists as one entered by hand does (red-entry removal
        proposal, the watch rule), in the chunk's transaction; one query finds the few subjects concerned."""
        if not records:
            return
        concerned = subjects_a_dishonesty_concerns({r.subject_id for r in records})
        for record in records:
            if record.subject_id in concerned:
                record_dishonesty_follow_up(record=record, actor=self.actor)


def record_import_run(*, batch_id: int, source=None) -> RecordImportBatch:
    """Run, or resume, a record import; answers the batch with its final counts (``runs.run_batch``)."""
    return runs.run_batch(RecordRun, RecordImportBatch, batch_id, source=source)


def record_import_issues(batch: RecordImportBatch, *, level: str | None = None):
    """The batch's refused rows (and warnings), in row order."""
    return report.batch_issues(RecordImportRowError, batch, level=level)


def record_import_report(batch: RecordImportBatch):
    """The refused rows and warnings as a CSV download, each with the row's own columns."""
    return report.report_response(record_import_issues(batch), CORE, f"record-import-{batch.pk}-report.csv")
