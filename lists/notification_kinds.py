"""The notifications lists sends: their kinds and the words users see (declared in its AppConfig.ready())."""
from django.utils.translation import gettext_lazy as _

NOTIFICATION_KINDS = {
    "entry_without_memorandum": _("entry without a memorandum"),
    "entry_case_initiated": _("case opened from an entry"),
    "entry_case_failed": _("case from an entry could not be opened"),
    "entry_black_proposed": _("black list proposed"),
    "entry_expired": _("entry expired"),
    "entry_red_removal_proposed": _("removal from the red list proposed"),
    "entries_publication_overdue": _("entries past their publication date (双公示)"),
    "subject_watch_flagged": _("subject on the watch list"),
}
