"""Supervision (跟踪问效): the leadership office's dashboard, the top layer of the project.

- ``models``: urges, escalations, daily snapshots, monthly reports and the trigger-kept tallies
  (moved from ``credit_platform``, tables and audit stream names kept);
- ``selectors`` (package): every figure, as aggregate queries over permission-scoped querysets, and
  the drill-down lists behind them (the same predicates, so a figure equals the length of its list);
- ``services``: urges (督办), escalation of long-overdue work, daily snapshots, monthly reports;
- ``tallies``: the running totals and their PostgreSQL triggers;
- ``views`` (admin-integrated pages), ``api`` (``/api/v1/dashboard/...``), ``export`` (xlsx),
  ``tasks`` (celery beat), ``simulation`` (``manage.py simulate_activity``).
"""
