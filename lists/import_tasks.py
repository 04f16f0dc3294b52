"""Celery tasks of imports: run a batch, then follow up its published entries (joint cases, watch list).

Tasks take ids, re-fetch, and are idempotent: a batch resumes after its last committed chunk, and
opening a case answers the entry's existing case. The worker must import this module: ``lists/tasks.py``
re-exports it (Celery's autodiscovery only looks at ``tasks.py``).
"""
import datetime
import logging

from celery import current_app, shared_task
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import CharField, Exists, OuterRef
from django.db.models.functions import Cast
from django.utils import timezone

from credit_platform.domains import ListType
from credit_platform.exceptions import IllegalTransition
from credit_platform.models import AuditEvent
from lists import events, importing
from lists.locks import lock_entry
from lists.models import EntryState, ImportBatch, ListEntry
from lists.services import after_dishonesty_published, after_publication, entry_open_case
from sanctions.models import JointCase

logger = logging.getLogger(__name__)

RETRYABLE = (OperationalError, InterfaceError, ConnectionError)


# A runaway import (a huge file, a stuck database) is stopped: at the soft limit the batch is marked
# failed with the reason; the hard limit kills the process if even that hangs.
@shared_task(
    acks_late=True, autoretry_for=RETRYABLE, retry_backoff=True, max_retries=5,
    soft_time_limit=settings.LIST_IMPORT_TIME_LIMIT_SECONDS, time_limit=settings.LIST_IMPORT_TIME_LIMIT_SECONDS + 60,
)
def import_batch_run_task(batch_id: int, open_cases: bool = True) -> dict:
    batch = importing.import_run(batch_id=batch_id, open_cases=open_cases)
    return {"state": batch.state, "created": batch.created_count, "unchanged": batch.unchanged_count, "refused": batch.error_count}


@shared_task(acks_late=True)
def imports_sweep_task() -> dict:
    """Every 5 minutes: send again the imports whose run was lost (broker down, worker killed)."""
    return importing.imports_resume_stale()


def open_cases_for_entries(*, batch_id: int, entry_ids: list[int]) -> int:
    """Open the joint case of each published black or red entry, and keep the watch list for watch
    entries, each entry in its own transaction; a refusal is logged and the others go on. A black
    entry then proposes the removal of its subject's red entries (``after_dishonesty_published``)."""
    batch = ImportBatch.objects.select_related("uploaded_by__department").get(pk=batch_id)
    actor = batch.uploaded_by
    done = 0
    entries = ListEntry.objects.filter(pk__in=entry_ids, import_batch_id=batch_id, state=EntryState.PUBLISHED).order_by("pk")
    for entry in entries.only("pk", "list_type", "state"):
        try:
            if entry.list_type == ListType.WATCH:
                with transaction.atomic():
                    # Lock the entry as the procedure does before what follows a publication.
                    locked = lock_entry(entry.pk)
                    after_publication(entry=locked, actor=actor)
            else:
                entry_open_case(entry=entry, actor=actor)
                if entry.list_type == ListType.BLACK:
                    with transaction.atomic():
                        # A dishonesty: the subject's red entries are put to their departments (idempotent).
                        after_dishonesty_published(entry=lock_entry(entry.pk), actor=actor)
        except (ValidationError, PermissionDenied, IllegalTransition) as exc:
            logger.warning("Import batch %s: entry %s not followed up: %s", batch_id, entry.pk, exc)
            continue
        done += 1
    # Progress: the sweep of unopened cases leaves a batch alone while its follow-up goes on.
    ImportBatch.objects.filter(pk=batch_id, state__in=[ImportBatch.State.DONE, ImportBatch.State.FAILED]).update(heartbeat_at=timezone.now())
    return done


@shared_task(acks_late=True, autoretry_for=RETRYABLE, retry_backoff=True, max_retries=5)
def open_cases_for_entries_task(batch_id: int, entry_ids: list[int]) -> int:
    return open_cases_for_entries(batch_id=batch_id, entry_ids=entry_ids)


@shared_task(acks_late=True, autoretry_for=RETRYABLE, retry_backoff=True, max_retries=5)
def open_cases_for_batch_task(batch_id: int, open_cases: bool = True) -> int:
    """After a strict import commits: one ``open_cases_for_entries_task`` per ``CASE_BATCH`` entries."""
    lists = [ListType.WATCH, *(importing.CASE_LISTS if open_cases else ())]
    entries = ListEntry.objects.filter(import_batch_id=batch_id, list_type__in=lists, state=EntryState.PUBLISHED).order_by("pk")
    opening = ImportBatch.objects.filter(pk=batch_id, cases_opening=True)
    sent, last = 0, 0
    while True:
        # Keyset pages: no cursor stays open while (eager) tasks write.
        ids = list(entries.filter(pk__gt=last).values_list("pk", flat=True)[: importing.CASE_BATCH])
        if not ids:
            # Followed up after the response (no broker): say the cases are open.
            opening.update(cases_opening=False, heartbeat_at=timezone.now())
            return sent
        if current_app.conf.task_always_eager:
            # No broker: here, without Celery's producer (this may be a background thread).
            open_cases_for_entries(batch_id=batch_id, entry_ids=ids)
        else:
            open_cases_for_entries_task.delay(batch_id, ids)
        sent, last = sent + 1, ids[-1]
        opening.update(heartbeat_at=timezone.now())  # alive: the sweep leaves this batch to it


# --- the sweep of lost case openings -------------------------------------------------------------

# Entries of a batch without progress for this long whose case is still missing are opened by the
# sweep; at most CASES_SWEEP_LIMIT entries per run (the next run goes on).
CASES_STALE = datetime.timedelta(minutes=10)
CASES_SWEEP_LIMIT = 200


def import_cases_missing(*, now=None):
    """Published black and red entries of imports that open cases, with no case, whose batch has
    made no progress for ``CASES_STALE``, and that the sweep has not tried yet."""
    now = now or timezone.now()
    tried = AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(ListEntry), object_id=Cast(OuterRef("pk"), CharField()),
        action=events.entry_case_resumed.code,
    )
    return (
        ListEntry.objects.filter(
            import_batch__open_cases=True, import_batch__state__in=[ImportBatch.State.DONE, ImportBatch.State.FAILED],
            import_batch__heartbeat_at__lt=now - CASES_STALE, list_type__in=importing.CASE_LISTS, state=EntryState.PUBLISHED,
        )
        .filter(~Exists(JointCase.objects.filter(list_entry_id=OuterRef("pk"))), ~Exists(tried))
        .order_by("pk")
    )


def import_cases_resume_stale(*, now=None, limit: int = CASES_SWEEP_LIMIT) -> dict:
    """The sweep: open the cases an import left unopened (a task lost with the broker, a worker or
    a background thread stopped). Each entry in its own transaction, tried once: the attempt is
    audited (``entry_case_resumed``) whatever its outcome, so an entry without a memorandum is not
    tried (nor the credit office told) again at every run. Batches still marked ``cases_opening``
    with nothing left to open are marked done. Returns the counts."""
    now = now or timezone.now()
    missing = import_cases_missing(now=now)
    opened = tried = 0
    for entry in missing.select_related("identifying_department", "import_batch__uploaded_by__department")[:limit]:
        outcome = "not_opened"
        try:
            case = entry_open_case(entry=entry, actor=entry.import_batch.uploaded_by)
        except (ValidationError, PermissionDenied, IllegalTransition) as exc:
            logger.warning("Import batch %s: entry %s still without a case: %s", entry.import_batch_id, entry.pk, exc)
            case = None
            outcome = "refused"
        if case is not None:
            outcome, opened = "opened", opened + 1
        with transaction.atomic():
            events.entry_case_resumed(
                entry, None, department=entry.identifying_department,
                from_state=entry.state, to_state=entry.state,
                extra={"import_batch": entry.import_batch_id, "outcome": outcome, **({"case": case.number} if case else {})},
            )
        tried += 1
    stale = ImportBatch.objects.filter(cases_opening=True, heartbeat_at__lt=now - CASES_STALE)
    finished = 0
    for batch_id in stale.values_list("pk", flat=True):
        if not missing.filter(import_batch_id=batch_id).exists():
            finished += stale.filter(pk=batch_id).update(cases_opening=False)
    return {"tried": tried, "opened": opened, "batches_finished": finished}


@shared_task(acks_late=True)
def import_cases_sweep_task() -> dict:
    """Every 5 minutes: open the cases imports left unopened."""
    return import_cases_resume_stale()
