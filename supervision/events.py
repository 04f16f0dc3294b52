"""The audit events of supervision (督办, escalation, reports): each named once, its code (stored in
the audit chain: never change it) and its label side by side."""
from django.utils.translation import gettext_lazy as _

from credit_platform.audit import Event
from supervision.models import SupervisedKind

assignment_urged = Event("assignment_urged", _("urged by the leadership office"))
objection_urged = Event("objection_urged", _("urged by the leadership office"))
repair_urged = Event("repair_urged", _("urged by the leadership office"))
overdue_escalated = Event("overdue_escalated", _("escalated: overdue beyond the allowed working days"))
monthly_report_generated = Event("monthly_report_generated", _("monthly report generated"))

URGED = {SupervisedKind.ASSIGNMENT: assignment_urged, SupervisedKind.OBJECTION: objection_urged, SupervisedKind.REPAIR: repair_urged}
