"""Celery tasks of objections: they call one service."""
from celery import shared_task

from objections import services


@shared_task(acks_late=True)
def objections_urge_task() -> int:
    """Periodic: urge the providers of overdue objections and tell the leadership office."""
    return services.objections_urge_overdue()
