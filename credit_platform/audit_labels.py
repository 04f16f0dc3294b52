"""Readable, translated labels of audit actions and states (the trail stores the English codes)."""
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "api_token_issued": _("API token issued"),
    "api_token_revoked": _("API token revoked"),
    "person_record_viewed": _("person's record viewed"),
    "department_created": _("department created"),
    "department_changed": _("department changed"),
    "subject_created": _("subject registered"),
    "subject_changed": _("subject changed"),
    "subject_watch_flagged": _("flagged for watch lists in several domains"),
    "subject_watch_unflagged": _("no longer flagged for watch lists"),
    "responsible_person_linked": _("responsible person linked"),
    "rule_set_created": _("rule set created"),
    "rule_set_changed": _("rule set changed"),
    "calendar_override_set": _("calendar day set"),
    "calendar_override_deleted": _("calendar day removed"),
    "calendar_year_published": _("official calendar of the year entered"),
    "measure_created": _("measure created"),
    "measure_changed": _("measure changed"),
    "memorandum_created": _("memorandum created"),
    "memorandum_changed": _("memorandum changed"),
    "memorandum_links_changed": _("memorandum's measures or initiators changed"),
    "case_created": _("case opened"),
    "case_initiated": _("case initiated"),
    "case_discarded": _("case discarded"),
    "case_draft_edited": _("draft corrected"),
    "case_pushed": _("case pushed"),
    "case_executing": _("first sign-for: case executing"),
    "case_feedback_complete": _("every department fed back"),
    "case_reopened": _("case reopened (push reassigned)"),
    "case_suspended": _("case held: objection being verified"),
    "case_resumed": _("case resumed"),
    "case_repaired": _("case ended: credit repaired"),
    "case_expired": _("case ended: period over"),
    "case_revoked": _("case revoked"),
    "bulk_push_requested": _("bulk push requested"),
    "assignment_created": _("push created"),
    "assignment_acknowledged": _("signed for"),
    "assignment_fed_back": _("fed back"),
    "assignment_feedback_recorded": _("further feedback recorded"),
    "assignment_returned": _("returned: not competent"),
    "assignment_reassigned": _("reassigned to another department"),
    "assignment_suspended": _("measures held"),
    "assignment_resumed": _("measures resumed"),
    "assignment_lifting": _("lifting notified"),
    "assignment_lifted": _("lifting confirmed"),
    "assignment_due_dates_recomputed": _("due dates recomputed with the official calendar"),
    "assignment_urged": _("urged by the leadership office"),
    "objection_urged": _("urged by the leadership office"),
    "repair_urged": _("urged by the leadership office"),
    "overdue_escalated": _("escalated: overdue beyond the allowed working days"),
    "entry_proposed": _("entry proposed"),
    "entry_imported": _("entry imported from a decided list"),
    "import_batch_resumed": _("import sent again after its run was lost"),
    "import_batch_abandoned": _("import given up after repeated attempts"),
    "entry_notified": _("subject notified"),
    "entry_statement_recorded": _("statement recorded"),
    "entry_withdrawn": _("entry withdrawn"),
    "entry_published": _("entry published"),
    "entry_publication_due_recomputed": _("publication date recomputed with the official calendar"),
    "entry_case_opened": _("joint case opened from the entry"),
    "entry_suspended": _("entry under verification"),
    "entry_resumed": _("entry back on the list"),
    "entry_corrected": _("entry corrected"),
    "entry_removed": _("entry removed from the list"),
    "objection_filed": _("objection filed"),
    "objection_accepted": _("objection accepted"),
    "objection_refused": _("objection refused"),
    "objection_extended": _("verification extended"),
    "objection_due_dates_recomputed": _("deadlines recomputed with the official calendar"),
    "objection_upheld": _("objection upheld"),
    "objection_dismissed": _("objection dismissed"),
    "repair_filed": _("repair application filed"),
    "repair_accepted": _("repair taken for review"),
    "repair_refused": _("repair application refused"),
    "repair_extended": _("repair deadline extended"),
    "repair_due_dates_recomputed": _("deadlines recomputed with the official calendar"),
    "repair_approved": _("credit repair approved"),
    "repair_rejected": _("credit repair rejected"),
    "monthly_report_generated": _("monthly report generated"),
}


def _state_labels() -> dict:
    from lists.models import EntryState
    from objections.models import ObjectionState
    from repair.models import RepairState
    from sanctions.models import AssignmentState, CaseState

    labels = {}
    for choices in (CaseState, AssignmentState, EntryState, ObjectionState, RepairState):
        labels.update({value: label for value, label in choices.choices})
    return labels


def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, code.replace("_", " ")))


def state_label(code: str) -> str:
    if not code:
        return ""
    return str(_state_labels().get(code, code))
