"""The notifications complaints sends: their kinds and the words users see (declared in its AppConfig.ready())."""
from django.utils.translation import gettext_lazy as _

NOTIFICATION_KINDS = {
    "complaint_received": _("complaint received"),
    "complaint_assigned": _("complaint to verify"),
    "complaint_decided": _("complaint decided"),
    "complaint_urged": _("complaint urged"),
}
