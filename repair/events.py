"""The audit events of credit repair: each named once, its code (stored in the audit chain: never
change it) and its label side by side."""
from django.utils.translation import gettext_lazy as _

from credit_platform.audit import Event
from credit_platform.audit_labels import register_state_labels
from repair.models import RepairState

register_state_labels(RepairState)

repair_filed = Event("repair_filed", _("repair application filed"))
repair_accepted = Event("repair_accepted", _("repair taken for review"))
repair_refused = Event("repair_refused", _("repair application refused"))
repair_extended = Event("repair_extended", _("repair deadline extended"))
repair_due_dates_recomputed = Event("repair_due_dates_recomputed", _("deadlines recomputed with the official calendar"))
repair_approved = Event("repair_approved", _("credit repair approved"))
repair_rejected = Event("repair_rejected", _("credit repair rejected"))
