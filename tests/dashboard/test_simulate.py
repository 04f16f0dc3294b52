"""simulate_activity replays days through the real services with a simulated clock, deterministically."""
import datetime
import io
import re

from django.core.management import call_command
from django.utils import timezone

from credit_platform import demo
from credit_platform.models import AuditEvent
from sanctions.models import Assignment, JointCase
from tests.rollback import rolled_back

END = datetime.date(2026, 11, 20)


def _run(**options) -> str:
    out = io.StringIO()
    call_command("simulate_activity", days=20, cases=8, subjects=6, seed=11, end=END, stdout=out, **options)
    return re.sub(r" in [0-9.]+s", "", out.getvalue())


def test_same_seed_same_activity(db):
    demo.seed()
    outputs = []
    for _ in range(2):
        with rolled_back():
            outputs.append(_run())

    assert outputs[0] == outputs[1]
    assert "cases_opened 8" in outputs[0]


def test_the_clock_moves_through_the_simulated_days_and_is_restored(db):
    real_now = timezone.now

    _run()

    assert timezone.now is real_now
    start = END - datetime.timedelta(days=19)
    opened = [timezone.localdate(c) for c in JointCase.objects.values_list("created_at", flat=True)]
    assert opened and min(opened) >= start and max(opened) <= END
    assert all(start <= d <= END for d in Assignment.objects.values_list("pushed_on", flat=True))
    assert AuditEvent.objects.filter(action="case_pushed").exists()
    # Working days only: nobody pushes on a weekend.
    assert all(d.weekday() < 5 for d in Assignment.objects.values_list("pushed_on", flat=True))
