"""The simulated clock: ``timezone.now`` and ``timezone.localdate`` patched for the duration of a run."""
import datetime
from contextlib import contextmanager
from unittest import mock

from django.db import connection
from django.utils import timezone


class SimulatedClock:
    """The clock the patched ``timezone.now`` / ``timezone.localdate`` read."""

    STEP = datetime.timedelta(milliseconds=200)

    def __init__(self):
        self.current = None
        self._real_localdate = timezone.localdate

    def start_day(self, day: datetime.date, hour: int = 8, minute: int = 30) -> None:
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
        self.current = max(moment, self.current) if self.current else moment

    def now(self):
        self.current += self.STEP
        return self.current

    def localdate(self, value=None, timezone=None):
        return self._real_localdate(value if value is not None else self.now(), timezone)

    @contextmanager
    def patched(self):
        with mock.patch.object(timezone, "now", self.now), mock.patch.object(timezone, "localdate", self.localdate):
            yield


@contextmanager
def fast_commits():
    """Thousands of small transactions: on PostgreSQL, do not wait for each commit to reach the disk
    (this session only; a crash can lose the last simulated seconds, never corrupt anything)."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO OFF")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit TO DEFAULT")
    else:
        yield
