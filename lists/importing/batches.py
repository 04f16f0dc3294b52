"""Import batches: who may import, recording a batch, running it chunk by chunk, following it up (the report: ``report``)."""
import logging
import time

from celery import current_app
from celery.exceptions import Retry
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError, connections, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from credit_platform import background
from credit_platform.domains import ListType
from credit_platform.importing import runs
from credit_platform.importing.bulk import bulk_insert
from credit_platform.importing.subjects import chunk_subjects
from lists import access, events, exchange_items
from lists.importing.files import COLUMNS, LIST_COLUMNS, FileInfo
from lists.importing.rows import ERROR, Issue, Periods, validate_row
from lists.models import (
    EntryState,
    ImportBatch,
    ImportRowError,
    ListEntry,
    ListEntryGroupObjectPermission,
    Source,
)
from lists.locks import lock_entry
from lists.services.dishonesty import after_dishonesty_published, subjects_a_dishonesty_concerns
from lists.services.procedure import black_list_decision_refusal
from sanctions.models import JointCase

logger = logging.getLogger(__name__)

# Entries per case-opening task.
CASE_BATCH = 100
# Without a broker (tasks eager), at most this many entries are followed up (cases, watch list)
# within the request; more are followed up after the response by a background thread.
INLINE_FOLLOW_UP_LIMIT = 50
# Lists whose entries open a joint case.
CASE_LISTS = (ListType.BLACK, ListType.RED)


# --- access --------------------------------------------------------------------------------------


def can_import(user) -> bool:
    """Importing decided entries is proposing them: initiating departments and the credit office."""
    return access.can_propose(user)


def import_batches_for_user(user):
    """Batches of the user's department; the credit office sees every batch."""
    return runs.batches_for_user(ImportBatch, user)


# --- the batch -----------------------------------------------------------------------------------


def import_batch_create(*, upload, actor, strict: bool = False) -> tuple[ImportBatch, FileInfo]:
    """Check the uploaded file and record the batch with a stored copy of it (the task reads that)."""
    if not can_import(actor):
        raise PermissionDenied(_("Only an initiating department or the credit office can import list entries."))
    if getattr(actor, "department", None) is None:
        raise PermissionDenied(_("Only a user of a department can import list entries."))
    with transaction.atomic():
        return runs.batch_create(ImportBatch, upload=upload, actor=actor, columns=LIST_COLUMNS, strict=strict)


# The tasks, found by name (``current_app.tasks[...]``): the tasks module imports this one.
IMPORT_TASK = "lists.import_tasks.import_batch_run_task"
OPEN_ENTRIES_CASES_TASK = "lists.import_tasks.open_cases_for_entries_task"
OPEN_BATCH_CASES_TASK = "lists.import_tasks.open_cases_for_batch_task"


def import_batch_enqueue(*, batch: ImportBatch, open_cases: bool = True) -> None:
    """Run the import by a Celery task once the batch is committed (resent by the sweep if lost)."""
    runs.enqueue(ImportBatch, batch, IMPORT_TASK, open_cases, open_cases=open_cases)


def imports_resume_stale(*, now=None) -> dict:
    """The sweep: send again the batches whose run was lost (``credit_platform.importing.runs.resume_stale``)."""
    return runs.resume_stale(
        ImportBatch, send=lambda batch: runs.send_task(IMPORT_TASK, batch.pk, batch.open_cases),
        resumed_event=events.import_batch_resumed, abandoned_event=events.import_batch_abandoned, now=now,
    )


class _Importer(runs.BatchRun):
    """One run of one batch of list entries (``runs.BatchRun``: streaming, chunks, the batch's counters)."""

    batch_model = ImportBatch
    error_model = ImportRowError
    columns = LIST_COLUMNS

    def __init__(self, batch: ImportBatch, *, open_cases: bool):
        super().__init__(batch)
        self.open_cases = open_cases
        self.periods = Periods()
        # A department below county level decides no black-list entry (国办发〔2020〕49号): such rows are refused.
        self.black_refusal = black_list_decision_refusal(self.department)
        self.manage_perm_id = Permission.objects.get(content_type__app_label="lists", codename="manage_listentry").pk
        self._entry_ids = []

    def validate(self, number, values, was_number):
        row, issues = validate_row(number, values, today=self.today, periods=self.periods, identifier_was_number=was_number)
        if row is not None and row.list_type == ListType.BLACK and self.black_refusal:
            return None, [*issues, Issue(number, "list_type", self.black_refusal, ERROR, values)]
        return row, issues

    def insert(self, rows):
        """Bulk-insert the chunk's new subjects and entries; return (created, unchanged, warnings)."""
        now = timezone.now()
        subjects, new_identifiers, warnings = chunk_subjects(
            rows, actor=self.actor, department=self.department, batch_extra={"import_batch": self.batch_id}, insert_events=self.insert_events,
            chunk_of=self.locked_batch,
            values_of=lambda row: {c: getattr(row, c) if c != "decided_on" else row.decided_on.isoformat() for c in COLUMNS},
        )
        # Only subjects registered before this chunk can have entries on file.
        known = {s.pk for identifier, s in subjects.items() if identifier not in new_identifiers}
        numbers = {r.decision_number for r in rows if r.identifier not in new_identifiers}
        existing = set(
            ListEntry.objects.filter(subject_id__in=known, decision_number__in=numbers).values_list("subject_id", "list_type", "domain", "decision_number")
        ) if known else set()
        entries, unchanged = [], 0
        for row in rows:
            subject = subjects[row.identifier]
            key = (subject.pk, row.list_type, row.domain, row.decision_number)
            if key in existing:
                unchanged += 1  # already on file (an earlier import, or twice in this file)
                continue
            existing.add(key)
            entry = ListEntry(
                subject=subject, list_type=row.list_type, severity=row.severity, domain=row.domain, basis=row.basis,
                decision_number=row.decision_number, decided_on=row.decided_on, identifying_department=self.department,
                rule_set=row.rule_set, repair_possible_from=row.repair_possible_from, publication_ends_on=row.publication_ends_on,
                valid_until=row.valid_until,
                publication_due=row.publication_due, publication_due_provisional=row.publication_due_provisional, source=Source.IMPORT, import_batch_id=self.batch_id, created_by=self.actor,
                facts=row.facts, exit_conditions=row.exit_conditions, remedies=row.remedies,
            )
            entry.publish_decided(at=now)  # decided and notified by the authority that publishes the list
            entry._import_row = row.number
            entries.append(entry)
        if entries:
            bulk_insert(ListEntry, entries)
            bulk_insert(
                ListEntryGroupObjectPermission,
                [ListEntryGroupObjectPermission(content_object_id=e.pk, group_id=self.department.group_id, permission_id=self.manage_perm_id) for e in entries],
            )
            events.entry_imported.bulk(
                entries, actor=self.actor, department=self.department, to_state=EntryState.PUBLISHED,
                extra_for=lambda e: {"import_batch": self.batch_id, "row": e._import_row, "rule_set": e.rule_set.code},
                insert=self.insert_events, chunk_of=self.locked_batch,
            )
            exchange_items.entries_imported(entries)  # the outbox, in the chunk's transaction
        self._entry_ids = [(e.pk, e.list_type) for e in entries]
        if not self.open_cases:
            self.follow_up_dishonesty([e for e in entries if e.list_type == ListType.BLACK])
        return len(entries), unchanged, warnings

    def follow_up_dishonesty(self, entries) -> None:
        """An import that opens no case has no follow-up task for its black entries: what a dishonesty
        does to the subject's red entries (and the watch rule) runs here, in the chunk's transaction,
        for the few subjects one query finds concerned (with cases, the follow-up task does it)."""
        if not entries:
            return
        concerned = subjects_a_dishonesty_concerns({e.subject_id for e in entries})
        for entry in entries:
            if entry.subject_id in concerned:
                after_dishonesty_published(entry=lock_entry(entry.pk), actor=self.actor)

    def after_chunk(self) -> None:
        """After the chunk commits: open the black and red entries' cases, and keep the watch list, by tasks.
        Tasks eager (no broker): nothing here; the run decides at its end (``_follow_up_eager``)."""
        if self.strict or _tasks_eager():
            return
        wanted = [pk for pk, list_type in self._entry_ids if list_type == ListType.WATCH or (self.open_cases and list_type in CASE_LISTS)]
        for start in range(0, len(wanted), CASE_BATCH):
            ids = wanted[start : start + CASE_BATCH]
            # robust: the entries are committed; a failed dispatch is logged and the sweep in the task retries.
            transaction.on_commit(lambda ids=ids: current_app.tasks[OPEN_ENTRIES_CASES_TASK].delay(self.batch_id, ids), robust=True)


def _tasks_eager() -> bool:
    return bool(current_app.conf.task_always_eager)


def _follow_up_eager(batch_id: int, open_cases: bool) -> None:
    """Tasks eager: follow up a few entries within the request (as a worker would, after commit);
    more are left to a background thread after the response (``cases_opening`` says so meanwhile,
    and the sweep opens the cases it did not)."""
    lists = [ListType.WATCH, *(CASE_LISTS if open_cases else ())]
    wanted = ListEntry.objects.filter(import_batch_id=batch_id, list_type__in=lists, state=EntryState.PUBLISHED)
    if wanted[: INLINE_FOLLOW_UP_LIMIT + 1].count() <= INLINE_FOLLOW_UP_LIMIT:
        transaction.on_commit(_open_batch_cases(batch_id, open_cases), robust=True)
        return
    _set_state(batch_id, cases_opening=True)
    background.run_after_commit(f"import-{batch_id}-cases", _open_batch_cases_locally, batch_id, open_cases)


# A background follow-up that loses its database (SQLite busy, a restart) starts again (it is
# idempotent: entries with a case are passed over) this many times, then leaves the rest to the sweep.
LOCAL_FOLLOW_UP_ATTEMPTS = 3


def _open_batch_cases_locally(batch_id: int, open_cases: bool) -> None:
    for attempt in range(1, LOCAL_FOLLOW_UP_ATTEMPTS + 1):
        try:
            # Called directly: the task's body runs here (this thread), no broker or producer involved.
            current_app.tasks[OPEN_BATCH_CASES_TASK](batch_id, open_cases)
            return
        except (OperationalError, InterfaceError, Retry):
            if attempt == LOCAL_FOLLOW_UP_ATTEMPTS:
                raise
            logger.warning("Import batch %s: following up lost the database; again", batch_id, exc_info=True)
            connections.close_all()
            time.sleep(attempt)


def _set_state(batch_id: int, **fields) -> None:
    ImportBatch.objects.filter(pk=batch_id).update(heartbeat_at=timezone.now(), **fields)


def import_run(*, batch_id: int, source=None, open_cases: bool = True) -> ImportBatch:
    """Run, or resume, the import of a batch (``runs.run_batch``); answers the batch with its final counts.

    ``source``: the file to read (default: the batch's stored copy). Idempotent: a finished batch is
    left alone; a non-strict batch interrupted by a crash resumes after its last committed chunk.
    """
    if ImportBatch.objects.filter(pk=batch_id).exclude(open_cases=open_cases).exclude(state__in=[ImportBatch.State.DONE, ImportBatch.State.FAILED]).exists():
        # Kept on the batch for the sweeps (a run resent, cases not opened).
        ImportBatch.objects.filter(pk=batch_id).update(open_cases=open_cases)
    finished = ImportBatch.objects.filter(pk=batch_id, state__in=[ImportBatch.State.DONE, ImportBatch.State.FAILED]).exists()
    # A strict run's one task pages through the batch's entries: no list of a million ids waits for the commit.
    batch = runs.run_batch(
        lambda batch: _Importer(batch, open_cases=open_cases), ImportBatch, batch_id, source=source,
        strict_on_commit=None if _tasks_eager() else _open_batch_cases(batch_id, open_cases),
    )
    if _tasks_eager() and not finished:
        _follow_up_eager(batch_id, open_cases)
        batch.refresh_from_db()
    return batch


def _open_batch_cases(batch_id: int, open_cases: bool):
    def dispatch():
        current_app.tasks[OPEN_BATCH_CASES_TASK].delay(batch_id, open_cases)

    return dispatch


def batch_case_counts(batch: ImportBatch) -> tuple[int, int]:
    """(black and red entries of the batch that open a case, those of them with a case); (0, 0) when
    the import opens no case. Cached on the batch object for one answer."""
    if not batch.open_cases:
        return 0, 0
    if not hasattr(batch, "_case_counts"):
        entries = ListEntry.objects.filter(import_batch_id=batch.pk, list_type__in=CASE_LISTS, state=EntryState.PUBLISHED)
        total = entries.count()
        opened = entries.filter(Exists(JointCase.objects.filter(list_entry_id=OuterRef("pk")))).count() if total else 0
        batch._case_counts = (total, opened)
    return batch._case_counts
