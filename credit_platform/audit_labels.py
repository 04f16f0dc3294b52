"""Readable, translated labels of audit actions and states (the trail stores the English codes).

A registry: every ``audit.Event`` registers its label when it is defined, the core's in
``credit_platform/events.py`` and each app's in its ``events.py`` (each imported by its app's
``AppConfig.ready``); an app registers its states' labels there too, so the core imports no app.
"""
ACTION_LABELS: dict[str, str] = {}
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
