"""Celery tasks of list entries: they take ids (or nothing), and call one service."""
from celery import shared_task

from lists import services


@shared_task(acks_late=True)
def entries_expire_task() -> int:
    """Periodic: remove (reason expired) the published entries whose maximum period has ended; their cases end."""
    return services.entries_expire_due()
