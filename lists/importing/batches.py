"""Import batches: who may import, recording a batch, running it chunk by chunk, following it up (the report: ``report``)."""
import datetime
import hashlib
import logging
import time

from celery import current_app
from celery.exceptions import Retry

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, InterfaceError, OperationalError, connections, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from credit_platform import background
from credit_platform import events as core_events
from credit_platform import permissions
from credit_platform.domains import ListType
from credit_platform.models import AuditEvent, Subject, SubjectKind
from lists import access, events
from lists.importing.bulk import bulk_insert
from lists.importing.files import COLUMNS, FileInfo, inspect_file, iter_rows
from lists.importing.rows import ERROR, WARNING, Issue, Periods, validate_row
from lists.models import EntryState, ImportBatch, ImportRowError, ListEntry, ListEntryGroupObjectPermission, Source
from lists.services.procedure import black_list_decision_refusal
from sanctions.models import JointCase

logger = logging.getLogger(__name__)

# Rows per transaction (and per bulk insert): bounds memory and the work a crash can lose.
CHUNK_SIZE = 5000
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
    batches = ImportBatch.objects.select_related("department", "uploaded_by")
    if permissions.is_credit_office(user):
        return batches
    department = permissions.department_of(user)
    if department is None or not permissions.is_department_member(user):
        return batches.none()
    return batches.filter(department=department)


# --- the batch -----------------------------------------------------------------------------------


def _sha256(fileobj) -> str:
    digest = hashlib.sha256()
    fileobj.seek(0)
    while chunk := fileobj.read(1 << 20):
        digest.update(chunk)
    fileobj.seek(0)
    return digest.hexdigest()


@transaction.atomic
def import_batch_create(*, upload, actor, strict: bool = False) -> tuple[ImportBatch, FileInfo]:
    """Check the uploaded file and record the batch with a stored copy of it (the task reads that)."""
    if not can_import(actor):
        raise PermissionDenied(_("Only an initiating department or the credit office can import list entries."))
    department = getattr(actor, "department", None)
    if department is None:
        raise PermissionDenied(_("Only a user of a department can import list entries."))
    name = getattr(upload, "name", "") or "upload"
    info = inspect_file(upload, name)
    checksum = _sha256(upload)
    batch = ImportBatch(
        file_name=name[:300], file_sha256=checksum, department=department, uploaded_by=actor, strict=bool(strict),
        rows_total=info.rows_estimate,
    )
    # Stored under its checksum: the uploaded name may be long or not a safe file name.
    batch.file.save(f"{checksum[:20]}.{info.format}", upload, save=False)
    batch.save()
    return batch, info


# The tasks, found by name (``current_app.tasks[...]``): the tasks module imports this one.
IMPORT_TASK = "lists.import_tasks.import_batch_run_task"
OPEN_ENTRIES_CASES_TASK = "lists.import_tasks.open_cases_for_entries_task"
OPEN_BATCH_CASES_TASK = "lists.import_tasks.open_cases_for_batch_task"
# A queued batch not started after this long, or a running one without progress for this long, is
# run again by the sweep (the run resumes after its last committed chunk); after MAX_ATTEMPTS it fails.
STALE_QUEUED = datetime.timedelta(minutes=2)
STALE_RUNNING = datetime.timedelta(minutes=10)
MAX_ATTEMPTS = 5


def _send_run(batch_id: int, open_cases: bool) -> None:
    """Publish the run (the task found by name: the tasks module imports this one). A broker that is
    down is logged, not raised: the batch is committed and the sweep sends it again."""
    try:
        current_app.tasks[IMPORT_TASK].delay(batch_id, open_cases)
    except Exception:  # noqa: BLE001 - any publishing failure leaves the batch to the sweep
        logger.warning("Import batch %s: the run could not be queued now; the sweep will send it", batch_id, exc_info=True)


def import_batch_enqueue(*, batch: ImportBatch, open_cases: bool = True) -> None:
    """Run the import by a Celery task once the batch is committed (resent by the sweep if lost)."""
    batch_id = batch.pk
    ImportBatch.objects.filter(pk=batch_id).update(open_cases=open_cases, heartbeat_at=timezone.now())
    transaction.on_commit(lambda: _send_run(batch_id, open_cases), robust=True)


def imports_resume_stale(*, now=None) -> dict:
    """The sweep: send again the batches whose run was lost (broker down at commit, worker killed).

    Each batch is claimed under its row lock (attempts + 1, heartbeat now) so two sweeps never send
    one batch twice; a batch past ``MAX_ATTEMPTS`` fails with a message telling to upload it again.
    """
    now = now or timezone.now()
    stale = ImportBatch.objects.filter(
        Q(state=ImportBatch.State.QUEUED, heartbeat_at__lt=now - STALE_QUEUED)
        | Q(state=ImportBatch.State.QUEUED, heartbeat_at__isnull=True, created_at__lt=now - STALE_QUEUED)
        | Q(state=ImportBatch.State.RUNNING, heartbeat_at__lt=now - STALE_RUNNING)
        | Q(state=ImportBatch.State.RUNNING, heartbeat_at__isnull=True, created_at__lt=now - STALE_RUNNING)
    )
    resent, failed = [], 0
    for batch_id in stale.order_by("pk").values_list("pk", flat=True)[:1000]:
        with transaction.atomic():
            batch = stale.select_for_update(skip_locked=True).filter(pk=batch_id).first()
            if batch is None:
                continue
            if batch.attempts >= MAX_ATTEMPTS:
                _set_state(batch.pk, state=ImportBatch.State.FAILED, finished_at=now, message=_(
                    "The import could not be completed after %(n)d attempts: upload the file again."
                ) % {"n": batch.attempts})
                events.import_batch_abandoned(batch, None, department=batch.department, extra={"attempts": batch.attempts})
                failed += 1
                continue
            ImportBatch.objects.filter(pk=batch.pk).update(attempts=F("attempts") + 1, heartbeat_at=now)
            events.import_batch_resumed(batch, None, department=batch.department,
                                        extra={"state": batch.state, "attempt": batch.attempts + 1, "rows_done": batch.rows_done})
            resent.append((batch.pk, batch.open_cases))
    for batch_id, open_cases in resent:
        _send_run(batch_id, open_cases)
    return {"resent": len(resent), "failed": failed}


class _Importer:
    """One run of one batch. Holds only per-import constants and one chunk of rows at a time."""

    def __init__(self, batch: ImportBatch, *, open_cases: bool):
        self.batch_id = batch.pk
        self.department = batch.department
        self.actor = batch.uploaded_by
        self.strict = batch.strict
        self.open_cases = open_cases
        self.today = timezone.localdate()
        self.periods = Periods()
        # A department below county level decides no black-list entry (国办发〔2020〕49号): such rows are refused.
        self.black_refusal = black_list_decision_refusal(self.department)
        self.manage_perm_id = Permission.objects.get(content_type__app_label="lists", codename="manage_listentry").pk

    # -- streaming ---------------------------------------------------------------------------

    def chunks(self, fileobj, info, *, skip: int = 0):
        """``(rows, issues, first, last)`` per chunk; ``first``/``last`` count data rows (1-based)."""
        rows, issues, index, first = [], [], 0, skip + 1
        for number, values, was_number in iter_rows(fileobj, info):
            index += 1
            if index <= skip:
                continue  # committed by an earlier run of this batch
            row, row_issues = validate_row(number, values, today=self.today, periods=self.periods, identifier_was_number=was_number)
            if row is not None and row.list_type == ListType.BLACK and self.black_refusal:
                row_issues = [*row_issues, Issue(number, "list_type", self.black_refusal, ERROR, values)]
                row = None
            if row is not None:
                rows.append(row)
            issues.extend(row_issues)
            if index - first + 1 >= CHUNK_SIZE:
                yield rows, issues, first, index
                rows, issues, first = [], [], index + 1
        if index >= first:
            yield rows, issues, first, index

    # -- writing -----------------------------------------------------------------------------

    def _lock_batch(self) -> ImportBatch:
        # Lock the batch so two deliveries of the same task write a chunk once and count it once.
        return ImportBatch.objects.select_for_update().get(pk=self.batch_id)

    def write_issues(self, issues) -> None:
        bulk_insert(
            ImportRowError,
            [
                ImportRowError(
                    batch_id=self.batch_id, row_number=i.row, field=i.field, reason=i.reason,
                    raw={"level": i.level, "values": i.values or {}},
                )
                for i in issues
            ],
        )

    def validate_chunk(self, issues, last: int) -> None:
        """Strict pass one: record the refused rows and the progress, write nothing else."""
        with transaction.atomic():
            batch = self._lock_batch()
            self.write_issues(issues)
            batch.rows_done = last
            batch.error_count = F("error_count") + len({i.row for i in issues})
            batch.heartbeat_at = timezone.now()
            batch.save(update_fields=["rows_done", "error_count", "heartbeat_at"])

    def import_chunk(self, rows, issues, first: int, last: int) -> tuple[int, int]:
        """Import one chunk in one transaction (a savepoint inside a strict import's transaction)."""
        for attempt in range(2):
            try:
                with transaction.atomic():
                    batch = self._lock_batch()
                    if not self.strict and batch.rows_done >= last:
                        return 0, 0  # already committed by another delivery of this task
                    created, unchanged, warnings, entry_ids = self._insert(rows)
                    self.write_issues([*issues, *warnings])
                    batch.rows_done = last
                    batch.created_count = F("created_count") + created
                    batch.unchanged_count = F("unchanged_count") + unchanged
                    batch.error_count = F("error_count") + len({i.row for i in issues})
                    batch.heartbeat_at = timezone.now()
                    batch.save(update_fields=["rows_done", "created_count", "unchanged_count", "error_count", "heartbeat_at"])
                    if not self.strict:
                        self._open_cases_on_commit(entry_ids)
                    return created, unchanged
            except IntegrityError:
                # Another writer registered one of these subjects or decisions meanwhile: the
                # chunk rolled back; look again (what it wrote is now "existing").
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def _insert(self, rows):
        """Bulk-insert the chunk's new subjects and entries; return (created, unchanged, warnings, [(id, list)])."""
        now = timezone.now()
        warnings = []
        subjects = {
            s.identifier: s
            for s in Subject.objects.filter(identifier__in={r.identifier for r in rows}).only("pk", "identifier", "name", "kind")
        }
        new_subjects = {}
        for row in rows:
            subject = subjects.get(row.identifier) or new_subjects.get(row.identifier)
            if subject is None:
                new_subjects[row.identifier] = Subject(kind=row.kind, identifier=row.identifier, name=row.name, birth_date=row.birth_date)
                continue
            values = {c: getattr(row, c) if c != "decided_on" else row.decided_on.isoformat() for c in COLUMNS}
            if subject.name != row.name:
                warnings.append(Issue(row.number, "name", _("The subject %(identifier)s is registered as “%(name)s”; the registered subject was used.")
                                      % {"identifier": row.identifier, "name": subject.name}, WARNING, values))
            if subject.kind != row.kind:
                warnings.append(Issue(row.number, "kind", _("The subject is registered as %(kind)s; the registered kind was kept.")
                                      % {"kind": SubjectKind(subject.kind).label}, WARNING, values))
        if new_subjects:
            bulk_insert(Subject, list(new_subjects.values()))
            core_events.subject_created.bulk(
                new_subjects.values(), actor=self.actor, department=self.department,
                extra_for=lambda s: {"kind": s.kind, "import_batch": self.batch_id}, insert=self._insert_events,
            )
            subjects.update(new_subjects)

        # Only subjects registered before this chunk can have entries on file.
        known = {s.pk for identifier, s in subjects.items() if identifier not in new_subjects}
        numbers = {r.decision_number for r in rows if r.identifier not in new_subjects}
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
                insert=self._insert_events,
            )
        return len(entries), unchanged, warnings, [(e.pk, e.list_type) for e in entries]

    @staticmethod
    def _insert_events(events) -> None:
        bulk_insert(AuditEvent, events)

    def _open_cases_on_commit(self, entry_ids) -> None:
        """After the chunk commits: open the black and red entries' cases, and keep the watch list, by tasks.
        Tasks eager (no broker): nothing here; the run decides at its end (``_follow_up_eager``)."""
        if _tasks_eager():
            return
        wanted = [pk for pk, list_type in entry_ids if list_type == ListType.WATCH or (self.open_cases and list_type in CASE_LISTS)]
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
    """Run, or resume, the import of a batch; answers the batch with its final counts.

    ``source``: the file to read (default: the batch's stored copy). Idempotent: a finished batch is
    left alone; a non-strict batch interrupted by a crash resumes after its last committed chunk.
    """
    batch = ImportBatch.objects.select_related("department", "uploaded_by__department").get(pk=batch_id)
    if batch.state in (ImportBatch.State.DONE, ImportBatch.State.FAILED):
        return batch
    if batch.open_cases != open_cases:
        # Kept on the batch for the sweeps (a run resent, cases not opened).
        ImportBatch.objects.filter(pk=batch_id).update(open_cases=open_cases)
    fileobj = source if source is not None else batch.file.open("rb")
    try:
        info = inspect_file(fileobj, batch.file_name)
        importer = _Importer(batch, open_cases=open_cases)
        if batch.strict:
            _run_strict(batch, importer, fileobj, info)
        else:
            _run_chunks(batch, importer, fileobj, info)
    except (OperationalError, InterfaceError):
        raise  # the database went away: the task retries and resumes
    except ValidationError as exc:
        _set_state(batch_id, state=ImportBatch.State.FAILED, message=" ".join(exc.messages), finished_at=timezone.now())
    except Exception as exc:
        logger.exception("Import batch %s failed", batch_id)
        _set_state(batch_id, state=ImportBatch.State.FAILED, message=_("The import stopped: %(error)s") % {"error": exc}, finished_at=timezone.now())
        raise
    finally:
        if source is None:
            fileobj.close()
    if _tasks_eager():
        _follow_up_eager(batch_id, open_cases)
    return ImportBatch.objects.select_related("department", "uploaded_by").get(pk=batch_id)


def _run_chunks(batch, importer: _Importer, fileobj, info) -> None:
    skip = batch.rows_done if batch.state == ImportBatch.State.RUNNING else 0
    _set_state(batch.pk, state=ImportBatch.State.RUNNING, message="")
    seen = skip
    for rows, issues, first, last in importer.chunks(fileobj, info, skip=skip):
        importer.import_chunk(rows, issues, first, last)
        seen = last
    _finish(batch.pk, seen)


def _run_strict(batch, importer: _Importer, fileobj, info) -> None:
    # A strict run starts over after a crash: its second pass commits all or nothing.
    with transaction.atomic():
        ImportRowError.objects.filter(batch_id=batch.pk).delete()
        _set_state(batch.pk, state=ImportBatch.State.RUNNING, rows_done=0, created_count=0, unchanged_count=0, error_count=0,
                   message=_("Checking every row before importing."))
    seen = 0
    for _rows, issues, _first, last in importer.chunks(fileobj, info):
        importer.validate_chunk(issues, last)
        seen = last
    refused = ImportBatch.objects.values_list("error_count", flat=True).get(pk=batch.pk)
    if refused:
        _finish(batch.pk, seen, message=_("Strict import: %(n)d rows refused, nothing imported.") % {"n": refused})
        return
    _set_state(batch.pk, message=_("Every row is valid; importing."))
    # Validation is deterministic, so the second pass refuses nothing; one transaction makes it
    # all or nothing even if the process dies half-way (the progress shows once it commits).
    with transaction.atomic():
        _set_state(batch.pk, rows_done=0)
        for rows, issues, first, last in importer.chunks(fileobj, info):
            importer.import_chunk(rows, issues, first, last)
        # One task pages through the batch's entries: no list of a million ids waits for the commit.
        if not _tasks_eager():
            transaction.on_commit(_open_batch_cases(batch.pk, importer.open_cases), robust=True)
    _finish(batch.pk, seen)


def _open_batch_cases(batch_id: int, open_cases: bool):
    def dispatch():
        current_app.tasks[OPEN_BATCH_CASES_TASK].delay(batch_id, open_cases)

    return dispatch


def _finish(batch_id: int, rows: int, message: str = "") -> None:
    batch = ImportBatch.objects.get(pk=batch_id)
    if not message:
        message = _("%(created)d created, %(unchanged)d unchanged, %(refused)d refused.") % {
            "created": batch.created_count, "unchanged": batch.unchanged_count, "refused": batch.error_count,
        }
    _set_state(batch_id, state=ImportBatch.State.DONE, rows_total=rows, rows_done=rows, finished_at=timezone.now(), message=message)


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
