"""The notifications supervision sends: their kinds and the words users see (declared in its AppConfig.ready())."""
from django.utils.translation import gettext_lazy as _

URGED = "urged"
OVERDUE_ESCALATED = "overdue_escalated"
DASHBOARD_TALLIES_CORRECTED = "dashboard_tallies_corrected"

NOTIFICATION_KINDS = {
    URGED: _("urged by the leadership office"),
    OVERDUE_ESCALATED: _("overdue work escalated"),
    DASHBOARD_TALLIES_CORRECTED: _("dashboard figures corrected"),
}
