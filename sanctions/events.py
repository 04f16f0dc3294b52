"""The audit events of joint cases and assignments: each named once, its code (stored in the
audit chain: never change it) and its label side by side. Services call them inside their transaction:
``events.case_pushed(case, actor, from_state=..., to_state=..., extra=...)``."""
from django.utils.translation import gettext_lazy as _

from credit_platform.audit import Event
from credit_platform.audit_labels import register_action_label, register_state_labels
from sanctions.models import AssignmentState, CaseState

register_state_labels(AssignmentState, CaseState)  # a value both share reads as the case state

case_created = Event("case_created", _("case opened"))
case_initiated = Event("case_initiated", _("case initiated"))
case_discarded = Event("case_discarded", _("case discarded"))
case_draft_edited = Event("case_draft_edited", _("draft corrected"))
case_severity_corrected = Event("case_severity_corrected", _("severity corrected with its list entry"))
case_pushed = Event("case_pushed", _("case pushed"))
case_executing = Event("case_executing", _("first sign-for: case executing"))
case_feedback_complete = Event("case_feedback_complete", _("every department fed back"))
case_reopened = Event("case_reopened", _("case reopened (push reassigned)"))
case_suspended = Event("case_suspended", _("case held: objection being verified"))
case_resumed = Event("case_resumed", _("case resumed"))
case_repaired = Event("case_repaired", _("case ended: credit repaired"))
case_expired = Event("case_expired", _("case ended: period over"))
case_revoked = Event("case_revoked", _("case revoked"))
bulk_push_requested = Event("bulk_push_requested", _("bulk push requested"))
bulk_push_resumed = Event("bulk_push_resumed", _("bulk push: lost batches sent again"))
bulk_push_abandoned = Event("bulk_push_abandoned", _("bulk push given up after repeated attempts"))
bulk_lift_requested = Event("bulk_lift_requested", _("bulk lifting requested"))
assignment_created = Event("assignment_created", _("push created"))
assignment_acknowledged = Event("assignment_acknowledged", _("signed for"))
assignment_fed_back = Event("assignment_fed_back", _("fed back"))
assignment_feedback_recorded = Event("assignment_feedback_recorded", _("further feedback recorded"))
assignment_returned = Event("assignment_returned", _("returned: not competent"))
assignment_reassigned = Event("assignment_reassigned", _("reassigned to another department"))
assignment_suspended = Event("assignment_suspended", _("measures held"))
assignment_resumed = Event("assignment_resumed", _("measures resumed"))
assignment_lifting = Event("assignment_lifting", _("lifting notified"))
assignment_lifted = Event("assignment_lifted", _("lifting confirmed"))
case_amended = Event("case_amended", _("measures amended"))
measure_withdrawn = Event("measure_withdrawn", _("measure withdrawn: lift it and confirm"))
measure_lift_confirmed = Event("measure_lift_confirmed", _("lifting of a withdrawn measure confirmed"))
assignment_due_dates_recomputed = Event("assignment_due_dates_recomputed", _("due dates recomputed with the official calendar"))

# Recorded by the core admin's generic save of the catalogue (measures, memoranda): labels only.
register_action_label("measure_created", _("measure created"))
register_action_label("measure_changed", _("measure changed"))
register_action_label("memorandum_created", _("memorandum created"))
register_action_label("memorandum_changed", _("memorandum changed"))
register_action_label("memorandum_links_changed", _("memorandum's measures or initiators changed"))

# How a case ends (``case_end``'s ``how``) and its event.
CASE_ENDED = {"repaired": case_repaired, "expired": case_expired, "revoked": case_revoked}
