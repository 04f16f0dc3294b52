"""The workflow toolkit every app's services share (credit_platform.workflow) and the audit events' label registry."""
import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.transaction import TransactionManagementError

from credit_platform import audit, workflow
from credit_platform.audit_labels import ACTION_LABELS, action_label
from credit_platform.exceptions import IllegalTransition
from credit_platform.models import RuleSet
from sanctions import events as sanctions_events
from sanctions import services as sanctions_services
from sanctions.models import JointCase


def test_require_refuses_with_the_message():
    workflow.require(True, "never shown")
    with pytest.raises(PermissionDenied, match="Only the initiating department"):
        workflow.require(False, "Only the initiating department")


@pytest.mark.django_db
def test_run_transition_turns_an_illegal_move_into_a_409_naming_what_is_allowed():
    case = JointCase(state="draft")
    with pytest.raises(IllegalTransition) as exc:
        workflow.run_transition(case, "push", at=None)
    assert exc.value.state == "draft"
    assert "initiate" in exc.value.allowed


def test_lock_in_order_locks_each_queryset_by_primary_key_inside_a_transaction(seeded_rule_sets):
    with pytest.raises(TransactionManagementError):
        workflow.lock_rows(RuleSet.objects.all())
    with transaction.atomic():
        rule_sets, again = workflow.lock_in_order(RuleSet.objects.order_by("-pk"), RuleSet.objects.filter(pk__lt=0))
    assert len(rule_sets) > 1 and [r.pk for r in rule_sets] == sorted(r.pk for r in rule_sets)
    assert again == []


def test_an_entry_point_runs_its_inner_service_in_its_own_durable_transaction():
    assert sanctions_services.case_push.__name__ == "case_push"
    assert sanctions_services.case_push.__wrapped__ is sanctions_services.case_push_in_transaction
    with pytest.raises(ValueError):
        workflow.entry_point(lambda: None)


@pytest.mark.django_db
def test_an_entry_point_called_inside_another_transaction_fails_at_once():
    with transaction.atomic(), pytest.raises(RuntimeError, match="durable"):
        sanctions_services.case_push(case=None, actor=None)


def test_each_event_is_named_once_with_its_label():
    assert sanctions_events.case_pushed.code == "case_pushed"
    assert action_label("case_pushed") == "case pushed"
    assert ACTION_LABELS["case_pushed"] is sanctions_events.case_pushed.label
    with pytest.raises(ValueError):
        audit.Event("case_pushed", "pushed again")


def test_services_record_audit_events_through_their_apps_events():
    """An audit action is named once, in its app's events.py: no service spells a code to audit.record."""
    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for app in ("sanctions", "lists", "objections", "repair")
        for path in (root / app).rglob("*.py")
        if "migrations" not in path.parts and re.search(r"audit\.record\(\s*obj=[^)]*action=\"", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
