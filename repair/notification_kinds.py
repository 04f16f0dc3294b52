"""The notifications repair sends: their kinds and the words users see (declared in its AppConfig.ready())."""
from django.utils.translation import gettext_lazy as _

NOTIFICATION_KINDS = {
    "repair_filed": _("credit repair filed"),
    "repair_overdue": _("credit repair overdue"),
    "repairs_overdue": _("credit repairs overdue"),
}
