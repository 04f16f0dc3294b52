"""Celery queues by kind of work (issue 18), so that one kind cannot starve another: a million-row
import does not hold up the webhooks, nor a bulk push the monthly PDF report. Read by settings
(``CELERY_TASK_ROUTES``), which route by these only with ``CELERY_SPLIT_QUEUES`` on: a deployment
with one plain worker (``celery worker``, the default queue ``celery`` only) keeps working without it.
The worker commands per queue: README.md ("Workers by kind of work")."""

QUEUES = {
    # Pushes to many departments and the cases an import opens.
    "fanout": [
        "sanctions.tasks.bulk_push_batch_task", "sanctions.tasks.bulk_push_sweep_task",
        "lists.import_tasks.open_cases_for_entries_task", "lists.import_tasks.open_cases_for_batch_task",
        "lists.import_tasks.import_cases_sweep_task",
    ],
    # Outgoing deliveries to other systems: webhooks and the data exchange app's tasks.
    "exchange": ["credit_platform.tasks.deliver_webhook_task", "credit_platform.tasks.webhooks_sweep_task", "exchange.*"],
    # Imports of decided lists and credit records (long, memory-bound: their own worker processes).
    "imports": [
        "lists.import_tasks.import_batch_run_task", "lists.import_tasks.imports_sweep_task",
        "records.import_tasks.record_import_run_task", "records.import_tasks.record_imports_sweep_task",
    ],
    # Reports rendered to PDF.
    "reports": ["supervision.tasks.monthly_report_task"],
}
DEFAULT_QUEUE = "celery"  # the scans, escalations, tallies and everything not named above


def task_routes(split: bool) -> dict:
    """``CELERY_TASK_ROUTES``: each named task (or glob) to its kind's queue; nothing when not split."""
    if not split:
        return {}
    return {name: {"queue": queue} for queue, names in QUEUES.items() for name in names}
