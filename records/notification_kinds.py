"""The notifications records sends: their kinds and the words users see (declared in its AppConfig.ready())."""
from django.utils.translation import gettext_lazy as _

NOTIFICATION_KINDS = {
    "records_publication_overdue": _("records past their publication date (双公示)"),
    "records_publication_due_soon": _("records due for publication soon (双公示)"),
    "record_expired": _("record's publication ended"),
    "commitment_breached": _("credit commitment breached: revoke the approval granted on it"),
}
