"""The supervision dashboard of the leadership office (跟踪问效).

- ``selectors``: every figure, as aggregate queries over permission-scoped querysets, and the
  drill-down lists behind them (the same predicates, so a figure equals the length of its list);
- ``services``: urges (督办), escalation of long-overdue work, daily snapshots, monthly reports;
- ``views`` (admin-integrated pages), ``api`` (``/api/v1/dashboard/...``), ``export`` (xlsx),
  ``tasks`` (celery beat).
"""
