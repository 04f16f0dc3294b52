"""Celery tasks of the exchange (celery beat: upload every minute, download every five)."""
from celery import shared_task

from exchange import services


@shared_task(acks_late=True)
def exchange_upload_task() -> dict:
    """Upload the pending outbox in order; a failed link leaves it pending for the next run."""
    report = services.upload_round()
    return {"sent": report.sent, "accepted": report.accepted, "refused": len(report.refused), "error": report.error}


@shared_task(acks_late=True)
def exchange_download_task() -> dict:
    """Put this instance's own items in its feed (as an upper platform), then pull and apply its upper platform's feed."""
    fed = services.own_items_to_feed()
    report = services.download_round()
    return {"fed": fed, "applied": report.applied, "stored": report.stored, "failed": len(report.failed), "error": report.error}
