"""Celery tasks of joint cases: they take ids, re-fetch, and call one service."""
from celery import shared_task

from sanctions import services


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def bulk_push_batch_task(job_id: int, case_ids: list[int]) -> None:
    services.bulk_push_batch(job_id=job_id, case_ids=case_ids)


@shared_task(acks_late=True)
def bulk_push_sweep_task() -> dict:
    """Every 5 minutes: send again the batches of bulk pushes that were lost (broker down, worker killed)."""
    return services.bulk_push_jobs_resume_stale()


@shared_task(acks_late=True)
def cases_expire_task() -> int:
    """Periodic: end the cases whose period has ended (their measures go to lifting)."""
    return services.cases_expire_due()


@shared_task(acks_late=True)
def deadlines_scan_task() -> int:
    """Periodic: tell departments about overdue sign-for, feedback and lift confirmation."""
    return services.deadlines_notify_overdue()
