"""Import batches, whatever they import: record an upload, run it chunk by chunk, sweep lost runs.

An app subclasses ``BatchRun`` (its columns, how a row is validated, how a chunk is inserted) over
its concrete ``ImportBatchBase``/``ImportRowErrorBase`` models, and calls ``batch_create``,
``enqueue``, ``run_batch`` and ``resume_stale``.

Not strict: each chunk of ``CHUNK_SIZE`` rows is one transaction that also records its refused rows
and advances the batch's counters (``rows_done``), so progress shows and a crashed run resumes after
the last committed chunk. Strict: a first streaming pass validates every row and records the refused
ones; if there is any, nothing is imported; otherwise the second pass imports everything in one
transaction. Memory stays bounded by one chunk, whatever the size of the file.
"""
import datetime
import hashlib
import logging

from celery import current_app
from django.core.exceptions import ValidationError
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from credit_platform import permissions
from credit_platform.importing.bulk import bulk_insert
from credit_platform.importing.files import Columns, FileInfo, inspect_file, iter_rows
from credit_platform.importing.rows import ERROR, Issue
from credit_platform.models import AuditEvent
from credit_platform.models.imports import ImportState

logger = logging.getLogger(__name__)

# Rows per transaction (and per bulk insert): bounds memory and the work a crash can lose.
CHUNK_SIZE = 5000
# A queued batch not started after this long, or a running one without progress for this long, is
# run again by the sweep (the run resumes after its last committed chunk); after MAX_ATTEMPTS it fails.
STALE_QUEUED = datetime.timedelta(minutes=2)
STALE_RUNNING = datetime.timedelta(minutes=10)
MAX_ATTEMPTS = 5


def sha256_of(fileobj) -> str:
    digest = hashlib.sha256()
    fileobj.seek(0)
    while chunk := fileobj.read(1 << 20):
        digest.update(chunk)
    fileobj.seek(0)
    return digest.hexdigest()


def batches_for_user(model, user):
    """Batches of the user's department; the credit office sees every batch."""
    batches = model.objects.select_related("department", "uploaded_by")
    if permissions.is_credit_office(user):
        return batches
    department = permissions.department_of(user)
    if department is None or not permissions.is_department_member(user):
        return batches.none()
    return batches.filter(department=department)


def batch_create(model, *, upload, actor, columns: Columns, strict: bool = False, **fields):
    """Check the uploaded file and record the batch with a stored copy of it (the run reads that).
    A bad file is a ``ValidationError`` on ``file`` (400, nothing recorded). Answers (batch, FileInfo)."""
    name = getattr(upload, "name", "") or "upload"
    info = inspect_file(upload, name, columns)
    checksum = sha256_of(upload)
    batch = model(
        file_name=name[:300], file_sha256=checksum, department=actor.department, uploaded_by=actor, strict=bool(strict),
        rows_total=info.rows_estimate, **fields,
    )
    # Stored under its checksum: the uploaded name may be long or not a safe file name.
    batch.file.save(f"{checksum[:20]}.{info.format}", upload, save=False)
    batch.save()
    return batch, info


def send_task(task_name: str, *args) -> None:
    """Publish a run (the task found by name). A broker that is down is logged, not raised: the
    batch is committed and the sweep sends it again."""
    try:
        current_app.tasks[task_name].delay(*args)
    except Exception:  # noqa: BLE001 - any publishing failure leaves the batch to the sweep
        logger.warning("Import %s%s: the run could not be queued now; the sweep will send it", task_name, args, exc_info=True)


def enqueue(model, batch, task_name: str, *args, **fields) -> None:
    """Run the import by the Celery task ``task_name`` (args: the batch id, then ``args``) once the
    batch is committed; resent by the sweep if lost."""
    batch_id = batch.pk
    model.objects.filter(pk=batch_id).update(heartbeat_at=timezone.now(), **fields)
    transaction.on_commit(lambda: send_task(task_name, batch_id, *args), robust=True)


def stale_batches(model, now):
    return model.objects.filter(
        Q(state=ImportState.QUEUED, heartbeat_at__lt=now - STALE_QUEUED)
        | Q(state=ImportState.QUEUED, heartbeat_at__isnull=True, created_at__lt=now - STALE_QUEUED)
        | Q(state=ImportState.RUNNING, heartbeat_at__lt=now - STALE_RUNNING)
        | Q(state=ImportState.RUNNING, heartbeat_at__isnull=True, created_at__lt=now - STALE_RUNNING)
    )


def resume_stale(model, *, send, resumed_event, abandoned_event, now=None) -> dict:
    """The sweep: send again (``send(batch)``) the batches whose run was lost (broker down at commit,
    worker killed). Each batch is claimed under its row lock (attempts + 1, heartbeat now) so two
    sweeps never send one batch twice; a batch past ``MAX_ATTEMPTS`` fails with a message telling to
    upload it again. Both outcomes are audited with the app's events."""
    now = now or timezone.now()
    stale = stale_batches(model, now)
    resent, failed = [], 0
    for batch_id in stale.order_by("pk").values_list("pk", flat=True)[:1000]:
        with transaction.atomic():
            batch = stale.select_for_update(skip_locked=True).filter(pk=batch_id).first()
            if batch is None:
                continue
            if batch.attempts >= MAX_ATTEMPTS:
                model.objects.filter(pk=batch.pk).update(
                    heartbeat_at=now, state=ImportState.FAILED, finished_at=now,
                    message=_("The import could not be completed after %(n)d attempts: upload the file again.") % {"n": batch.attempts},
                )
                abandoned_event(batch, None, department=batch.department, extra={"attempts": batch.attempts})
                failed += 1
                continue
            model.objects.filter(pk=batch.pk).update(attempts=F("attempts") + 1, heartbeat_at=now)
            resumed_event(batch, None, department=batch.department,
                          extra={"state": batch.state, "attempt": batch.attempts + 1, "rows_done": batch.rows_done})
            resent.append(batch)
    for batch in resent:
        send(batch)
    return {"resent": len(resent), "failed": failed}


class BatchRun:
    """One run of one batch. Holds only per-import constants and one chunk of rows at a time.

    Subclasses set ``batch_model``, ``error_model``, ``columns`` and write ``validate`` (one row:
    ``(row or None, [Issue])``) and ``insert`` (one chunk of valid rows, in its transaction:
    ``(created, unchanged, [warnings])``); ``after_chunk`` runs in the chunk's transaction.
    """

    batch_model = None
    error_model = None
    columns: Columns = None

    def __init__(self, batch):
        self.batch_id = batch.pk
        self.department = batch.department
        self.actor = batch.uploaded_by
        self.strict = batch.strict
        self.today = timezone.localdate()
        self.locked_batch = batch  # the batch locked by the chunk's transaction (import_chunk)

    def validate(self, number: int, values: dict, was_number: bool):
        raise NotImplementedError("each app's import (lists, records) says this")

    def insert(self, rows) -> tuple[int, int, list]:
        raise NotImplementedError("each app's import (lists, records) says this")

    def after_chunk(self) -> None:
        """Called in the chunk's transaction once it is written (the lists schedule case openings)."""

    # -- streaming ---------------------------------------------------------------------------

    def chunks(self, fileobj, info: FileInfo, *, skip: int = 0):
        """``(rows, issues, first, last)`` per chunk; ``first``/``last`` count data rows (1-based)."""
        rows, issues, index, first = [], [], 0, skip + 1
        for number, values, was_number in iter_rows(fileobj, info, self.columns.identifier):
            index += 1
            if index <= skip:
                continue  # committed by an earlier run of this batch
            row, row_issues = self.validate(number, values, was_number)
            if row is not None:
                rows.append(row)
            issues.extend(row_issues)
            if index - first + 1 >= CHUNK_SIZE:
                yield rows, issues, first, index
                rows, issues, first = [], [], index + 1
        if index >= first:
            yield rows, issues, first, index

    # -- writing -----------------------------------------------------------------------------

    def lock_batch(self):
        # Lock the batch so two deliveries of the same task write a chunk once and count it once.
        return self.batch_model.objects.select_for_update().get(pk=self.batch_id)

    def write_issues(self, issues) -> None:
        bulk_insert(
            self.error_model,
            [
                self.error_model(batch_id=self.batch_id, row_number=i.row, field=i.field, reason=i.reason,
                                 raw={"level": i.level, "values": i.values or {}})
                for i in issues
            ],
        )

    @staticmethod
    def insert_events(events) -> None:
        """The audit chain's bulk path (``Event.bulk(..., insert=)``): COPY the events."""
        bulk_insert(AuditEvent, events)

    def validate_chunk(self, issues, last: int) -> None:
        """Strict pass one: record the refused rows and the progress, write nothing else."""
        with transaction.atomic():
            batch = self.lock_batch()
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
                    batch = self.lock_batch()
                    if not self.strict and batch.rows_done >= last:
                        return 0, 0  # already committed by another delivery of this task
                    self.locked_batch = batch  # the stream of the chunk's audit events (``audit.record_chunk``)
                    created, unchanged, warnings = self.insert(rows)
                    self.write_issues([*issues, *warnings])
                    batch.rows_done = last
                    batch.created_count = F("created_count") + created
                    batch.unchanged_count = F("unchanged_count") + unchanged
                    batch.error_count = F("error_count") + len({i.row for i in issues})
                    batch.heartbeat_at = timezone.now()
                    batch.save(update_fields=["rows_done", "created_count", "unchanged_count", "error_count", "heartbeat_at"])
                    self.after_chunk()
                    return created, unchanged
            except IntegrityError:
                # Another writer registered one of these subjects or decisions meanwhile: the
                # chunk rolled back; look again (what it wrote is now "existing").
                if attempt:
                    raise
        raise AssertionError("unreachable")

    # -- the run -----------------------------------------------------------------------------

    def set_state(self, **fields) -> None:
        self.batch_model.objects.filter(pk=self.batch_id).update(heartbeat_at=timezone.now(), **fields)

    def run_chunks(self, batch, fileobj, info) -> None:
        skip = batch.rows_done if batch.state == ImportState.RUNNING else 0
        self.set_state(state=ImportState.RUNNING, message="")
        seen = skip
        for rows, issues, first, last in self.chunks(fileobj, info, skip=skip):
            self.import_chunk(rows, issues, first, last)
            seen = last
        self.finish(seen)

    def run_strict(self, batch, fileobj, info, *, on_commit=None) -> None:
        # A strict run starts over after a crash: its second pass commits all or nothing.
        with transaction.atomic():
            self.error_model.objects.filter(batch_id=self.batch_id).delete()
            self.set_state(state=ImportState.RUNNING, rows_done=0, created_count=0, unchanged_count=0, error_count=0,
                           message=_("Checking every row before importing."))
        seen = 0
        for _rows, issues, _first, last in self.chunks(fileobj, info):
            self.validate_chunk(issues, last)
            seen = last
        refused = self.batch_model.objects.values_list("error_count", flat=True).get(pk=self.batch_id)
        if refused:
            self.finish(seen, message=_("Strict import: %(n)d rows refused, nothing imported.") % {"n": refused})
            return
        self.set_state(message=_("Every row is valid; importing."))
        # Validation is deterministic, so the second pass refuses nothing; one transaction makes it
        # all or nothing even if the process dies half-way (the progress shows once it commits).
        with transaction.atomic():
            self.set_state(rows_done=0)
            for rows, issues, first, last in self.chunks(fileobj, info):
                self.import_chunk(rows, issues, first, last)
            if on_commit is not None:
                transaction.on_commit(on_commit, robust=True)
        self.finish(seen)

    def finish(self, rows: int, message: str = "") -> None:
        batch = self.batch_model.objects.get(pk=self.batch_id)
        if not message:
            message = _("%(created)d created, %(unchanged)d unchanged, %(refused)d refused.") % {
                "created": batch.created_count, "unchanged": batch.unchanged_count, "refused": batch.error_count,
            }
        self.set_state(state=ImportState.DONE, rows_total=rows, rows_done=rows, finished_at=timezone.now(), message=message)


def run_batch(make_run, model, batch_id: int, *, source=None, strict_on_commit=None):
    """Run, or resume, the import of a batch with ``make_run(batch)`` (a ``BatchRun``); answers the
    batch with its final counts. ``source``: the file to read (default: the batch's stored copy).
    Idempotent: a finished batch is left alone; a non-strict batch interrupted by a crash resumes
    after its last committed chunk. ``strict_on_commit``: what a strict import schedules on commit."""
    batch = model.objects.select_related("department", "uploaded_by__department").get(pk=batch_id)
    if batch.state in (ImportState.DONE, ImportState.FAILED):
        return batch
    fileobj = source if source is not None else batch.file.open("rb")
    failed = model.objects.filter(pk=batch_id)
    try:
        runner = make_run(batch)
        info = inspect_file(fileobj, batch.file_name, runner.columns)
        if batch.strict:
            runner.run_strict(batch, fileobj, info, on_commit=strict_on_commit)
        else:
            runner.run_chunks(batch, fileobj, info)
    except (OperationalError, InterfaceError):
        raise  # the database went away: the task retries and resumes
    except ValidationError as exc:
        failed.update(state=ImportState.FAILED, message=" ".join(exc.messages), finished_at=timezone.now(), heartbeat_at=timezone.now())
    except Exception as exc:
        logger.exception("Import batch %s failed", batch_id)
        failed.update(state=ImportState.FAILED, message=_("The import stopped: %(error)s") % {"error": exc},
                      finished_at=timezone.now(), heartbeat_at=timezone.now())
        raise
    finally:
        if source is None:
            fileobj.close()
    return model.objects.select_related("department", "uploaded_by").get(pk=batch_id)


__all__ = ["CHUNK_SIZE", "ERROR", "BatchRun", "Issue", "batch_create", "enqueue", "resume_stale", "run_batch", "send_task", "sha256_of"]
