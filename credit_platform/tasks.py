"""Celery tasks of the platform core."""
import datetime

from celery import shared_task
from django.db import OperationalError

from credit_platform import audit


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def audit_checkpoint_task(day_iso: str | None = None) -> list[str]:
    """Seal a day of the audit trail: ``day_iso``, or by default every unsealed day up to yesterday.

    Idempotent: a sealed day is returned as it is, so a redelivered task changes nothing.
    Returns the hashes of the checkpoints concerned.
    """
    if day_iso:
        checkpoints = [audit.checkpoint_day(datetime.date.fromisoformat(day_iso))]
    else:
        checkpoints = audit.checkpoint_pending()
    return [checkpoint.hash for checkpoint in checkpoints]
