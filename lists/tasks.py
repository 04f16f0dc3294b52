"""Celery tasks of list entries: they take ids (or nothing), and call one service."""
from celery import shared_task

# The import tasks live beside the importer (lists.import_tasks); importing the module here lets a
# worker register them, as Celery's autodiscovery only imports ``tasks.py``.
from lists import import_tasks  # noqa: F401
from lists import services


@shared_task(acks_late=True)
def entries_publication_overdue_task() -> int:
    """Daily: tell each identifying department of its entries not yet published past their 双公示 date."""
    return services.entries_publication_overdue_notify()


@shared_task(acks_late=True)
def entries_expire_task() -> int:
    """Periodic: remove (reason expired) the published entries whose maximum period has ended; their cases end."""
    return services.entries_expire_due()
