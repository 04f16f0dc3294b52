"""The publication period ends: the entry leaves the list by itself and its joint case is lifted."""
import datetime

import pytest
from django.utils import timezone

from credit_platform.exceptions import IllegalTransition
from credit_platform.models import AuditEvent, Notification
from lists import services
from lists.models import EntryState
from sanctions import services as case_services
from sanctions.models import AssignmentState, CaseState, JointCase


def events(entry, action):
    return AuditEvent.objects.filter(stream=f"lists.listentry:{entry.pk}", action=action)


def test_the_black_entry_journey_from_proposal_to_expiry(world, monkeypatch, django_capture_on_commit_callbacks):
    court = world.user("court")
    # given: the court identifies the demo company as a judgement defaulter and tells it today
    entry = world.propose()
    entry = services.entry_notify(entry=entry, actor=court, method="direct service", notified_on=timezone.localdate())

    # when: it publishes inside the statement window, it is told from when it can
    with pytest.raises(IllegalTransition) as refused:
        services.entry_publish(entry=entry, actor=court)
    assert (entry.statement_due + datetime.timedelta(days=1)).isoformat() in str(refused.value.detail)
    entry.refresh_from_db()
    assert entry.state == EntryState.NOTIFIED and not JointCase.objects.exists()

    # then: the day after the window it publishes, and the case opens from the court's memorandum
    after_window = entry.statement_due + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda value=None, timezone=None: after_window)
    entry = services.entry_publish(entry=entry, actor=court)
    assert entry.state == EntryState.PUBLISHED
    case = JointCase.objects.get(list_entry_id=entry.pk)
    assert case.memorandum.code == "judgement-defaulters"
    assert case.initiating_department.code == "court"
    assert case.state == CaseState.INITIATED
    case = case_services.case_push(case=case, actor=court)
    assert case.assignments.count() > 1

    # and: once the maximum period has passed, the scan removes the entry and lifts the case everywhere
    with django_capture_on_commit_callbacks(execute=True):
        assert services.entries_expire_due(today=entry.publication_ends_on + datetime.timedelta(days=1)) == 1
    entry.refresh_from_db()
    case.refresh_from_db()
    assert (entry.state, entry.removal_reason) == (EntryState.REMOVED, "expired")
    assert case.state == CaseState.EXPIRED
    assert set(case.assignments.values_list("state", flat=True)) == {AssignmentState.LIFTING}
    assert Notification.objects.filter(verb="entry_expired", department__code="court").count() == 1


def test_expiry_removes_the_entry_and_its_case_is_lifted_everywhere(world, django_capture_on_commit_callbacks):
    entry = world.published()
    case = JointCase.objects.get(list_entry_id=entry.pk)
    case_services.case_push(case=case, actor=world.user("court"))
    departments = set(case.assignments.values_list("department_id", flat=True))
    # The last day of the period: still on the list.
    assert services.entries_expire_due(today=entry.publication_ends_on) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.entries_expire_due(today=entry.publication_ends_on + datetime.timedelta(days=1)) == 1
    entry.refresh_from_db()
    case.refresh_from_db()
    assert entry.state == EntryState.REMOVED and entry.removal_reason == "expired" and entry.removed_at is not None
    assert case.state == CaseState.EXPIRED
    assert set(case.assignments.values_list("state", flat=True)) == {AssignmentState.LIFTING}
    lifting = Notification.objects.filter(verb="assignment_lifting")
    assert set(lifting.values_list("department_id", flat=True)) == departments
    assert events(entry, "entry_removed").get().actor is None
    # A second scan finds nothing to do.
    assert services.entries_expire_due(today=entry.publication_ends_on + datetime.timedelta(days=2)) == 0


def test_expire_task_runs_the_scan(world):
    from lists.tasks import entries_expire_task

    assert entries_expire_task.delay().get() == 0


def test_an_initiated_case_is_revoked_when_its_entry_expires(world):
    entry = world.published()
    services.entries_expire_due(today=entry.publication_ends_on + datetime.timedelta(days=1))
    case = JointCase.objects.get(list_entry_id=entry.pk)
    assert case.state == CaseState.REVOKED




def test_a_suspended_entry_does_not_expire_while_its_objection_is_verified(world):
    entry = world.published()
    services.entry_suspend(entry=entry, actor=world.user("court"), reason="异议核查中")
    assert services.entries_expire_due(today=entry.publication_ends_on + datetime.timedelta(days=1)) == 0
    entry.refresh_from_db()
    assert entry.state == EntryState.SUSPENDED


def test_an_expired_watch_entry_lowers_the_watch_flag(world):
    rows = [("tax", "tax", "税罚〔2026〕1号"), ("ecology", "environment", "环罚〔2026〕2号"), ("hrss", "labour", "人社罚〔2026〕3号")]
    entries = [world.published(actor=a, list_type="watch", severity="general", domain=d, decision_number=n) for a, d, n in rows]
    company = world.company
    company.refresh_from_db()
    assert company.is_watch_flagged
    assert services.entries_expire_due(today=entries[0].publication_ends_on + datetime.timedelta(days=1)) == 3
    company.refresh_from_db()
    assert not company.is_watch_flagged
