"""The core's audit events are named once (credit_platform.events), with the codes and labels the
chain and the trail have always used."""
import re
from pathlib import Path

from credit_platform import events
from credit_platform.audit_labels import ACTION_LABELS, action_label
from credit_platform.models import AuditEvent, Subject, SubjectKind
from credit_platform.services import object_save, subject_create

ROOT = Path(__file__).resolve().parents[2]
APPS = ("credit_platform", "sanctions", "lists", "objections", "repair", "checks", "supervision")

# The codes are stored in the audit chain: they never change, nor do their labels.
CORE_EVENTS = {
    "api_token_issued": "API token issued",
    "api_token_revoked": "API token revoked",
    "person_record_viewed": "person's record viewed",
    "department_created": "department created",
    "department_changed": "department changed",
    "subject_created": "subject registered",
    "subject_changed": "subject changed",
    "responsible_person_linked": "responsible person linked",
    "rule_set_created": "rule set created",
    "rule_set_changed": "rule set changed",
    "calendar_override_set": "calendar day set",
    "calendar_override_deleted": "calendar day removed",
    "calendar_year_published": "official calendar of the year entered",
}


def test_the_core_events_keep_their_codes_and_labels():
    for code, label in CORE_EVENTS.items():
        event = getattr(events, code)
        assert event.code == code
        assert ACTION_LABELS[code] is event.label
        assert action_label(code) == label


def test_only_the_events_spell_an_audit_code():
    """No module of the core or of an app writes ``audit.record(action=...)``: it calls a named event."""
    offenders = [
        str(path.relative_to(ROOT))
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
        and path.relative_to(ROOT).as_posix() not in ("credit_platform/audit.py", "credit_platform/events.py")
        and re.search(r"\baudit\.(record|record_created_bulk)\(", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_a_hand_edit_is_audited_under_the_models_own_code(db):
    subject = subject_create(kind=SubjectKind.LEGAL_PERSON, identifier="91620702MAQJWYL7XF", name="天水某某有限公司")
    subject.name = "天水某某科技有限公司"
    object_save(obj=subject, actor=None, changed=["name"])
    actions = list(AuditEvent.objects.filter(object_id=str(subject.pk)).order_by("seq").values_list("action", flat=True))
    assert actions == ["subject_created", "subject_changed"]
    assert Subject.objects.get(pk=subject.pk).name == "天水某某科技有限公司"
