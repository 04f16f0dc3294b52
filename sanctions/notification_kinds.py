"""The notifications sanctions sends: their kinds and the words users see (declared in its AppConfig.ready())."""
from django.utils.translation import gettext_lazy as _

NOTIFICATION_KINDS = {
    "assignment_pushed": _("measures pushed to the department"),
    "assignments_overdue": _("pushes overdue"),
    "assignment_returned": _("push returned: not competent"),
    "assignment_suspended": _("measures held: objection being verified"),
    "assignment_resumed": _("measures resumed"),
    "assignment_lifting": _("lift the measures"),
    "measure_withdrawn": _("a measure withdrawn: lift it"),
    "case_feedback_complete": _("every department fed back"),
}
