"""Admin of the supervision app.

The supervision tables have no admin pages of their own: urges, escalations and monthly reports
are shown by the dashboard (``/dashboard/…``), the tallies are internal. They moved here from
``credit_platform``; the root URLconf redirects their old admin addresses
(``/admin/credit_platform/<model>/…``, ``MOVED_FROM_CORE``) to ``/admin/supervision/<model>/…``
for any of them the admin shows (``credit_platform.admin.moved``).
"""
MOVED_FROM_CORE = ["urge", "escalation", "scorecardsnapshot", "monthlyreport", "assignmenttally", "casetally", "openworktally"]
