"""``python manage.py simulate_activity --days 365 [--cases N] [--seed S]``: a year of realistic work.

On top of the demo world (``seed_demo``, run first if needed) it replays ``--days`` days ending
today, day by day, **through the real services** (cases, list entries, assignments, objections,
repairs, urges, the periodic scans), so every audit event, notification, due date and punctuality
column is what production would have written.

How "today" moves: ``django.utils.timezone.now`` and ``django.utils.timezone.localdate`` are
patched (``unittest.mock.patch.object``) for the duration of the command with a clock that starts
at 08:30 on each simulated day and advances 200 ms per call, so ``auto_now_add`` columns, service
timestamps and working-day due dates all follow the simulated calendar. Code that reads the clock
through ``timezone.now()`` (all of this project) follows it; nothing else is patched, and the clock
is restored when the command ends, even on error.

What happens (deterministic for a given ``--seed`` and database content):
- initiating departments open cases under their memoranda against demo and generated subjects:
  most directly (opened, initiated, pushed the same or a following working day; a few left
  initiated or discarded), about a quarter through the list procedure (proposed, notified, the
  subject waives its statement, published: the case opens and is pushed); some with short periods
  so that they expire within the year;
- executing departments sign for and feed back mostly on time, some late (each department has its
  own punctuality), a few never; a few return a push and the initiator reassigns it; later "hits"
  are recorded on some fed-back pushes;
- subjects object to some cases (accepted and dismissed, upheld, refused, a few left overdue) and
  apply for credit repair of some list entries (approved, rejected, a few left overdue); ended
  cases' pushes are lifted and confirmed, mostly on time;
- the leadership office urges some overdue pushes; each day the expiry scans, the overdue
  notifications, the escalation scan and the dashboard snapshot run, and each month's report is
  written on the first day of the next.

Package: ``clock`` (the simulated clock), ``core`` (``Simulation``: calendar, agenda, the daily
run, subjects), ``cases``, ``work`` and ``appeals`` (the steps it schedules).
"""
from supervision.simulation.clock import SimulatedClock, fast_commits
from supervision.simulation.core import Simulation

__all__ = ["SimulatedClock", "Simulation", "fast_commits"]
