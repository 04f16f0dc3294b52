"""Celery tasks of the platform core."""
import datetime

from celery import shared_task
from django.db import OperationalError

from credit_platform import audit, webhooks


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


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def deliver_webhook_task(delivery_id: int) -> str | None:
    """Attempt one outgoing webhook delivery (see ``credit_platform.webhooks.deliver``).

    Idempotent: the row is locked with SKIP LOCKED, and a delivered (or failed, or not yet due)
    row is left alone, so a redelivered task sends nothing twice. Retries of a failed POST are
    new tasks at the row's ``next_attempt_at`` (and the sweep), not Celery retries.
    """
    return webhooks.deliver(delivery_id)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def webhooks_sweep_task() -> int:
    """Deliver pending webhook rows that are due: their task never ran (broker down) or a retry is due."""
    return webhooks.sweep()
