"""Celery tasks of credit records: they take ids (or nothing), and call one service."""
from celery import shared_task

from records import services


@shared_task(acks_late=True)
def records_publication_overdue_task() -> int:
    """Daily: tell each providing department of its records past, or about to pass, their 双公示 date."""
    return services.records_publication_overdue_notify()


@shared_task(acks_late=True)
def records_expire_task() -> int:
    """Daily: remove (reason expired) the published records whose publication has ended."""
    return services.records_expire_due()
