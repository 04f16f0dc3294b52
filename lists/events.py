"""The audit events of list entries (and of the watch flag of a subject): each named once, its code
(stored in the audit chain: never change it) and its label side by side."""
from django.utils.translation import gettext_lazy as _

from credit_platform.audit import Event
from credit_platform.audit_labels import register_state_labels
from lists.models import EntryState

register_state_labels(EntryState)

subject_watch_flagged = Event("subject_watch_flagged", _("flagged for watch lists in several domains"))
subject_watch_unflagged = Event("subject_watch_unflagged", _("no longer flagged for watch lists"))
entry_proposed = Event("entry_proposed", _("entry proposed"))
entry_received = Event("entry_received", _("entry received from another region (exchange)"))
entry_imported = Event("entry_imported", _("entry imported from a decided list"))
import_batch_resumed = Event("import_batch_resumed", _("import sent again after its run was lost"))
import_batch_abandoned = Event("import_batch_abandoned", _("import given up after repeated attempts"))
entry_notified = Event("entry_notified", _("subject notified"))
entry_statement_recorded = Event("entry_statement_recorded", _("statement recorded"))
entry_withdrawn = Event("entry_withdrawn", _("entry withdrawn"))
entry_published = Event("entry_published", _("entry published"))
entry_publication_due_recomputed = Event("entry_publication_due_recomputed", _("publication date recomputed with the official calendar"))
entry_case_resumed = Event("entry_case_resumed", _("joint case of an imported entry looked after by the sweep"))
entry_case_opened = Event("entry_case_opened", _("joint case opened from the entry"))
entry_suspended = Event("entry_suspended", _("entry under verification"))
entry_resumed = Event("entry_resumed", _("entry back on the list"))
entry_corrected = Event("entry_corrected", _("entry corrected"))
entry_removed = Event("entry_removed", _("entry removed from the list"))
entry_removal_proposed = Event("entry_removal_proposed", _("removal from the red list proposed (a dishonesty of the subject)"))
