"""Celery tasks of imports: run a batch, then follow up its published entries (joint cases, watch list).

Tasks take ids, re-fetch, and are idempotent: a batch resumes after its last committed chunk, and
opening a case answers the entry's existing case. The worker must import this module: ``lists/tasks.py``
re-exports it (Celery's autodiscovery only looks at ``tasks.py``).
"""
import logging

from celery import shared_task
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import InterfaceError, OperationalError, transaction

from credit_platform.domains import ListType
from credit_platform.exceptions import IllegalTransition
from lists import importing
from lists.locks import lock_entry
from lists.models import EntryState, ImportBatch, ListEntry
from lists.services import after_publication, entry_open_case

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
    entries, each entry in its own transaction; a refusal is logged and the others go on."""
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
        except (ValidationError, PermissionDenied, IllegalTransition) as exc:
            logger.warning("Import batch %s: entry %s not followed up: %s", batch_id, entry.pk, exc)
            continue
        done += 1
    return done


@shared_task(acks_late=True, autoretry_for=RETRYABLE, retry_backoff=True, max_retries=5)
def open_cases_for_entries_task(batch_id: int, entry_ids: list[int]) -> int:
    return open_cases_for_entries(batch_id=batch_id, entry_ids=entry_ids)


@shared_task(acks_late=True, autoretry_for=RETRYABLE, retry_backoff=True, max_retries=5)
def open_cases_for_batch_task(batch_id: int, open_cases: bool = True) -> int:
    """After a strict import commits: one ``open_cases_for_entries_task`` per ``CASE_BATCH`` entries."""
    lists = [ListType.WATCH, *(importing.CASE_LISTS if open_cases else ())]
    entries = ListEntry.objects.filter(import_batch_id=batch_id, list_type__in=lists, state=EntryState.PUBLISHED).order_by("pk")
    sent, last = 0, 0
    while True:
        # Keyset pages: no cursor stays open while (eager) tasks write.
        ids = list(entries.filter(pk__gt=last).values_list("pk", flat=True)[: importing.CASE_BATCH])
        if not ids:
            return sent
        open_cases_for_entries_task.delay(batch_id, ids)
        sent, last = sent + 1, ids[-1]
