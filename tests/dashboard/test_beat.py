"""The periodic tasks the beat schedule names exist (the supervision tasks moved module)."""
from django.conf import settings

from credit_platform.celery import app


def test_every_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()

    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert {name for name in scheduled if name.startswith("supervision.")} == {
        "supervision.tasks.overdue_escalate_task", "supervision.tasks.scorecard_snapshot_task", "supervision.tasks.tallies_compact_task",
        "supervision.tasks.tallies_check_task", "supervision.tasks.monthly_report_task",
    }
    assert scheduled <= set(app.tasks.keys())
