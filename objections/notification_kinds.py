"""The notifications objections sends: their kinds and the words users see (declared in its AppConfig.ready())."""
from django.utils.translation import gettext_lazy as _

NOTIFICATION_KINDS = {
    "objection_filed": _("objection filed"),
    "objection_overdue": _("objection overdue"),
    "objections_overdue": _("objections overdue"),
    "reputation_restored": _("record revoked: restore the reputation"),
}
