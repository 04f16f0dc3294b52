"""Periodic work of the supervision dashboard (celery beat, see CELERY_BEAT_SCHEDULE).

Each task calls one idempotent service: a task run twice (acks_late redelivery) changes nothing.
"""
import datetime

from celery import shared_task
from django.db import OperationalError

from supervision import services, tallies


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def overdue_escalate_task() -> int:
    """Daily: escalate work overdue by more than DASHBOARD_ESCALATE_AFTER_WORKING_DAYS working days."""
    return services.overdue_escalate()


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def scorecard_snapshot_task() -> int:
    """Nightly: keep each department's overdue count of the day for the trend chart."""
    return services.scorecard_snapshot_take()


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def monthly_report_task(month_iso: str | None = None) -> int:
    """First day of the month: the previous month's supervision report (or ``month_iso``'s)."""
    if month_iso:
        report = services.monthly_report_generate(month=datetime.date.fromisoformat(month_iso))
    else:
        report = services.monthly_report_for_previous_month()
    return report.pk


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def tallies_check_task() -> dict:
    """Weekly: check the dashboard tallies against the tables; rebuild and report if they differ."""
    return services.tallies_check()


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def tallies_compact_task() -> dict:
    """Hourly: fold the dashboard tallies' delta rows into one row per key (PostgreSQL only)."""
    return tallies.compact() if tallies.enabled() else {}
