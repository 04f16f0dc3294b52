"""Celery tasks of record imports: run a batch; the sweep of lost runs. Registered by ``RecordsConfig.ready``."""
from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from records import importing

RETRYABLE = (OperationalError, InterfaceError, ConnectionError)


@shared_task(
    acks_late=True, autoretry_for=RETRYABLE, retry_backoff=True, max_retries=5,
    soft_time_limit=settings.LIST_IMPORT_TIME_LIMIT_SECONDS, time_limit=settings.LIST_IMPORT_TIME_LIMIT_SECONDS + 60,
)
def record_import_run_task(batch_id: int) -> dict:
    batch = importing.record_import_run(batch_id=batch_id)
    return {"state": batch.state, "created": batch.created_count, "unchanged": batch.unchanged_count, "refused": batch.error_count}


@shared_task(acks_late=True)
def record_imports_sweep_task() -> dict:
    """Every 5 minutes: send again the record imports whose run was lost (broker down, worker killed)."""
    return importing.record_imports_resume_stale()
