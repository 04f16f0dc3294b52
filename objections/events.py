"""The audit events of objections: each named once, its code (stored in the audit chain: never
change it) and its label side by side."""
from django.utils.translation import gettext_lazy as _

from credit_platform.audit import Event
from credit_platform.audit_labels import register_state_labels
from objections.models import ObjectionState

register_state_labels(ObjectionState)

objection_filed = Event("objection_filed", _("objection filed"))
objection_accepted = Event("objection_accepted", _("objection accepted"))
objection_refused = Event("objection_refused", _("objection refused"))
objection_extended = Event("objection_extended", _("verification extended"))
objection_due_dates_recomputed = Event("objection_due_dates_recomputed", _("deadlines recomputed with the official calendar"))
objection_upheld = Event("objection_upheld", _("objection upheld"))
objection_dismissed = Event("objection_dismissed", _("objection dismissed"))
