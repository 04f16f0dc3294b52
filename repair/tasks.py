"""Celery tasks of credit repair: they call one service."""
from celery import shared_task

from repair import services


@shared_task(acks_late=True)
def repairs_urge_task() -> int:
    """Periodic: urge the deciding departments of overdue repair applications and tell the leadership office."""
    return services.repairs_urge_overdue()
