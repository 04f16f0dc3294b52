"""The audit events of complaints: each named once, its code (stored in the audit chain: never
change it) and its label side by side. The reporter's contact is never written into an event."""
from django.utils.translation import gettext_lazy as _

from complaints.models import ComplaintState
from credit_platform.audit import Event
from credit_platform.audit_labels import register_state_labels

register_state_labels(ComplaintState)

complaint_received = Event("complaint_received", _("complaint received"))
complaint_assigned = Event("complaint_assigned", _("complaint assigned"))
complaint_substantiated = Event("complaint_substantiated", _("complaint substantiated"))
complaint_rejected = Event("complaint_rejected", _("complaint rejected"))
complaint_urged = Event("complaint_urged", _("complaint urged"))
complaint_due_dates_recomputed = Event("complaint_due_dates_recomputed", _("deadlines recomputed with the official calendar"))
