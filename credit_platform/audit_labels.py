"""Readable, translated labels of audit actions and states (the trail stores the English codes).

A registry: the core's own actions are below; each app registers the labels of its events (its
``events.py``, imported by its ``AppConfig.ready``) and of its states, so the core imports no app.
"""
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "api_token_issued": _("API token issued"),
    "api_token_revoked": _("API token revoked"),
    "person_record_viewed": _("person's record viewed"),
    "department_created": _("department created"),
    "department_changed": _("department changed"),
    "subject_created": _("subject registered"),
    "subject_changed": _("subject changed"),
    "responsible_person_linked": _("responsible person linked"),
    "rule_set_created": _("rule set created"),
    "rule_set_changed": _("rule set changed"),
    "calendar_override_set": _("calendar day set"),
    "calendar_override_deleted": _("calendar day removed"),
    "calendar_year_published": _("official calendar of the year entered"),
}
STATE_LABELS: dict[str, str] = {}


def register_action_label(code: str, label) -> None:
    """Give the audit action ``code`` its label; one label per code (a second, different one is an error)."""
    if ACTION_LABELS.get(code, label) != label:
        raise ValueError(f"Audit action {code!r} already has another label.")
    ACTION_LABELS[code] = label


def register_state_labels(*choices) -> None:
    """Label the states of the given ``TextChoices`` (a workflow's states) in the audit trail."""
    for states in choices:
        STATE_LABELS.update({value: label for value, label in states.choices})


def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, code.replace("_", " ")))


def state_label(code: str) -> str:
    if not code:
        return ""
    return str(STATE_LABELS.get(code, code))
