"""The audit events of the catalogue and of credit records: each named once, its code (stored in
the audit chain: never change it) and its label side by side."""
from django.utils.translation import gettext_lazy as _

from credit_platform.audit import Event
from credit_platform.audit_labels import register_state_labels
from records.models import CommitmentState, RecordState

register_state_labels(RecordState)

record_type_created = Event("record_type_created", _("record type added to the catalogue"))
record_type_changed = Event("record_type_changed", _("record type changed"))
record_created = Event("record_created", _("credit record entered"))
record_published = Event("record_published", _("credit record published"))
record_removed = Event("record_removed", _("credit record removed"))
record_suspended = Event("record_suspended", _("credit record under verification"))
record_resumed = Event("record_resumed", _("credit record published again"))
record_received = Event("record_received", _("credit record received from another region"))
record_received_changed = Event("record_received_changed", _("credit record changed in its region"))
record_publication_due_recomputed = Event("record_publication_due_recomputed", _("publication date recomputed with the official calendar"))

# Credit commitments.
register_state_labels(CommitmentState)
commitment_created = Event("commitment_created", _("credit commitment recorded"))
commitment_fulfilled = Event("commitment_fulfilled", _("credit commitment fulfilled"))
commitment_breached = Event("commitment_breached", _("credit commitment breached"))
