"""The identification procedure of list entries: propose → notify → statement → publish → remove."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from credit_platform.calendar import add_working_days
from credit_platform.exceptions import IllegalTransition
from credit_platform.models import AuditEvent, Notification, RuleSet
from credit_platform.rules import add_months, entry_periods
from lists import access, services
from lists.models import EntryState, ListEntry, ListEntryGroupObjectPermission
from sanctions.models import AssignmentState, CaseState, JointCase
from tests.lists.conftest import DECISION, days_ago


def events(entry, action=None):
    queryset = AuditEvent.objects.filter(stream=f"lists.listentry:{entry.pk}")
    return queryset.filter(action=action) if action else queryset


# --- proposing ------------------------------------------------------------------------------------


def test_propose_stores_the_rule_set_and_periods_and_grants_the_identifying_department(world):
    decided = days_ago(40)
    entry = world.propose(decided_on=decided)
    assert entry.state == EntryState.PROPOSED
    assert entry.identifying_department.code == "court"
    assert entry.created_by == world.user("court")
    order_36 = RuleSet.objects.get(code="order-36")
    assert entry.rule_set == order_36
    assert (entry.repair_possible_from, entry.publication_ends_on) == entry_periods(order_36, "severe", decided)
    # Severe under order-36: repair from the day after one year, published for three years.
    assert entry.repair_possible_from == add_months(decided, 12) + datetime.timedelta(days=1)
    assert entry.publication_ends_on == add_months(decided, 36)
    rows = ListEntryGroupObjectPermission.objects.filter(content_object=entry)
    assert [(r.group_id, r.permission.codename) for r in rows] == [(world.department("court").group_id, "manage_listentry")]
    assert events(entry, "entry_proposed").count() == 1


def test_an_entry_decided_before_april_2026_keeps_order_58(world):
    entry = world.propose(decided_on=datetime.date(2026, 3, 20))
    assert entry.rule_set.code == "order-58"
    assert entry.publication_ends_on == datetime.date(2029, 3, 20)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"basis": "  "}, "basis"),
        ({"decided_on": timezone.localdate() + datetime.timedelta(days=1)}, "decided_on"),
        ({"domain": "astrology"}, "domain"),
        ({"list_type": "grey"}, "list_type"),
        ({"severity": "serious"}, "severity"),
        ({"decision_number": ""}, "decision_number"),
        ({"decided_on": datetime.date(2020, 1, 10), "severity": "general"}, "decided_on"),  # its period ended long ago
    ],
)
def test_propose_refuses_invalid_input_by_field(world, changes, field):
    with pytest.raises(ValidationError) as exc:
        world.propose(**changes)
    assert field in exc.value.message_dict
    assert not ListEntry.objects.exists()


def test_the_same_decision_cannot_be_entered_twice(world):
    world.propose()
    with pytest.raises(ValidationError) as exc:
        world.propose()
    assert "already has an entry on the black list" in exc.value.message_dict["decision_number"][0]
    assert ListEntry.objects.count() == 1
    # The same decision on another list is another entry.
    world.propose(list_type="watch")
    assert ListEntry.objects.count() == 2


@pytest.mark.parametrize("actor", ["finance", "leader"])
def test_only_initiating_departments_and_the_credit_office_propose(world, actor):
    with pytest.raises(PermissionDenied):
        world.propose(actor=actor)
    assert not ListEntry.objects.exists()
    entry = world.propose(actor="credit_office")
    assert entry.identifying_department.code == "credit_office"


# --- notice and statement ---------------------------------------------------------------------------


def test_notify_opens_the_statement_window_in_working_days(world):
    entry = world.propose()
    told = days_ago(3)
    entry = services.entry_notify(entry=entry, actor=world.user("court"), method="served in person", notified_on=told)
    assert entry.state == EntryState.NOTIFIED
    assert entry.statement_due == add_working_days(told, entry.rule_set.statement_window_days).date
    assert entry.notify_method == "served in person"
    assert events(entry, "entry_notified").get().extra["statement_due"] == entry.statement_due.isoformat()


def test_notify_refuses_a_future_date_and_another_department(world):
    entry = world.propose()
    with pytest.raises(ValidationError) as exc:
        services.entry_notify(entry=entry, actor=world.user("court"), method="post", notified_on=timezone.localdate() + datetime.timedelta(days=2))
    assert "notified_on" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.entry_notify(entry=entry, actor=world.user("tax"), method="post", notified_on=days_ago(1))
    entry.refresh_from_db()
    assert entry.state == EntryState.PROPOSED


def test_statement_is_recorded_only_while_the_subject_is_heard(world):
    entry = world.propose()
    with pytest.raises(IllegalTransition):
        services.entry_record_statement(entry=entry, actor=world.user("court"), text="我方已履行")
    entry = world.notified(decision_number="（2026）甘0702执124号")
    with pytest.raises(ValidationError):
        services.entry_record_statement(entry=entry, actor=world.user("court"), text=" ")
    entry = services.entry_record_statement(entry=entry, actor=world.user("court"), text="我方已部分履行")
    assert entry.statement_text == "我方已部分履行" and entry.statement_at is not None and not entry.statement_waived


def test_withdraw_when_the_statement_is_upheld(world):
    entry = world.notified()
    services.entry_record_statement(entry=entry, actor=world.user("court"), text="判决已履行完毕，附执行款收据")
    with pytest.raises(ValidationError):
        services.entry_withdraw(entry=entry, actor=world.user("court"), reason="")
    entry = services.entry_withdraw(entry=entry, actor=world.user("court"), reason="申辩成立")
    assert entry.state == EntryState.WITHDRAWN
    assert entry.withdraw_reason == "申辩成立"
    assert not JointCase.objects.exists()
    with pytest.raises(IllegalTransition):
        services.entry_publish(entry=entry, actor=world.user("court"))


# --- publication --------------------------------------------------------------------------------


def test_publishing_inside_the_statement_window_is_refused_with_the_date(world, django_capture_on_commit_callbacks):
    entry = world.notified(notified_on=timezone.localdate())
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(IllegalTransition) as exc:
            services.entry_publish(entry=entry, actor=world.user("court"))
    publishable_from = entry.statement_due + datetime.timedelta(days=1)
    assert publishable_from.isoformat() in str(exc.value.detail)
    assert exc.value.state == EntryState.NOTIFIED
    assert exc.value.allowed == ["statement", "withdraw"]
    entry.refresh_from_db()
    assert entry.state == EntryState.NOTIFIED and entry.published_at is None
    assert not JointCase.objects.exists()
    assert not events(entry, "entry_published").exists()
    assert callbacks == []


def test_a_waived_statement_allows_publication_at_once(world):
    entry = world.notified(notified_on=timezone.localdate())
    services.entry_record_statement(entry=entry, actor=world.user("court"), text="", waived=True)
    entry = services.entry_publish(entry=entry, actor=world.user("court"))
    assert entry.state == EntryState.PUBLISHED


def test_publishing_a_black_entry_opens_the_case_from_its_memorandum(world, django_capture_on_commit_callbacks):
    entry = world.notified()
    with django_capture_on_commit_callbacks(execute=True):
        entry = services.entry_publish(entry=entry, actor=world.user("court"))
    assert entry.state == EntryState.PUBLISHED and entry.published_at is not None
    case = JointCase.objects.get(list_entry_id=entry.pk)
    assert case.memorandum.code == "judgement-defaulters"
    assert case.kind == "punishment"
    assert case.state == CaseState.INITIATED  # ready to push: the memorandum does not push on publication
    assert case.initiating_department.code == "court"
    assert (case.period_start, case.period_end) == (entry.decided_on, entry.publication_ends_on)
    assert DECISION in case.basis and entry.basis in case.basis and case.basis_document == DECISION
    assert events(entry, "entry_published").count() == 1
    assert events(entry, "entry_case_opened").get().extra["case"] == case.number
    assert Notification.objects.filter(verb="entry_case_initiated", department__code="court").count() == 1


def test_the_credit_office_publishing_opens_the_case_for_the_identifying_department(world):
    entry = world.notified()
    services.entry_publish(entry=entry, actor=world.user("credit_office"))
    case = JointCase.objects.get(list_entry_id=entry.pk)
    assert case.initiating_department.code == "court"
    from sanctions import access as case_access

    assert case_access.can_manage_case(world.user("court"), case)


def test_a_memorandum_that_pushes_on_publication_pushes_at_once(world):
    memorandum = world.memorandum("judgement-defaulters")
    memorandum.push_on_publish = True
    memorandum.save(update_fields=["push_on_publish"])
    entry = world.published()
    case = JointCase.objects.get(list_entry_id=entry.pk)
    assert case.state == CaseState.PUSHED
    assert case.assignments.filter(state=AssignmentState.PENDING).exists()


def test_without_a_memorandum_the_entry_is_published_and_the_credit_office_told(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        entry = world.published(actor="emergency", domain="fire_safety", decision_number="（2026）消罚字第9号")
    assert entry.state == EntryState.PUBLISHED
    assert not JointCase.objects.exists()
    assert Notification.objects.filter(verb="entry_without_memorandum", department__code="credit_office").count() == 1


def test_entry_open_case_is_idempotent(world):
    entry = world.published()
    case = JointCase.objects.get(list_entry_id=entry.pk)
    assert services.entry_open_case(entry=entry, actor=world.user("court")) == case
    assert JointCase.objects.filter(list_entry_id=entry.pk).count() == 1
    proposed = world.propose(decision_number="（2026）甘0702执200号")
    with pytest.raises(IllegalTransition):
        services.entry_open_case(entry=proposed, actor=world.user("court"))


def test_minor_dishonesty_is_not_published_under_order_36(world):
    entry = world.notified(actor="market", list_type="watch", severity="minor", domain="market", decision_number="甘市监罚〔2026〕7号")
    assert entry.rule_set.code == "order-36"
    with pytest.raises(IllegalTransition) as exc:
        services.entry_publish(entry=entry, actor=world.user("market"))
    assert "Minor dishonesty is not published" in str(exc.value.detail)
    entry.refresh_from_db()
    assert entry.state == EntryState.NOTIFIED


def test_minor_dishonesty_published_where_the_rule_set_allows_it_is_capped(world):
    order_36 = RuleSet.objects.get(code="order-36")
    order_36.minor_published, order_36.minor_max_months = True, 3
    order_36.save(update_fields=["minor_published", "minor_max_months"])
    entry = world.notified(actor="market", list_type="watch", severity="minor", domain="market", decision_number="甘市监罚〔2026〕8号")
    # The credit office shortens the maximum after the entry was proposed: publication follows the rule set.
    order_36.minor_max_months = 2
    order_36.save(update_fields=["minor_max_months"])
    entry = services.entry_publish(entry=entry, actor=world.user("market"))
    assert entry.state == EntryState.PUBLISHED
    from credit_platform.rules import add_months

    assert entry.publication_ends_on == add_months(entry.decided_on, 2)


# --- removal and expiry -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "case_state"), [("revoked", CaseState.REVOKED), ("corrected", CaseState.REVOKED), ("repaired", CaseState.REPAIRED)]
)
def test_remove_ends_the_live_cases(world, reason, case_state):
    entry = world.published()
    case = JointCase.objects.get(list_entry_id=entry.pk)
    from sanctions import services as case_services

    case_services.case_push(case=case, actor=world.user("court"))
    with pytest.raises(PermissionDenied):
        services.entry_remove(entry=entry, actor=world.user("tax"), reason=reason)
    entry = services.entry_remove(entry=entry, actor=world.user("court"), reason=reason)
    case.refresh_from_db()
    assert entry.state == EntryState.REMOVED and entry.removal_reason == reason
    assert case.state == case_state
    assert set(case.assignments.values_list("state", flat=True)) == {AssignmentState.LIFTING}


def test_remove_refuses_an_unknown_reason_and_an_unpublished_entry(world):
    entry = world.notified()
    with pytest.raises(ValidationError):
        services.entry_remove(entry=entry, actor=world.user("court"), reason="bored")
    with pytest.raises(IllegalTransition):
        services.entry_remove(entry=entry, actor=world.user("court"), reason="revoked")


# --- objection hooks ------------------------------------------------------------------------------


def test_suspend_and_resume_hold_and_release_the_cases(world):
    entry = world.published()
    case = JointCase.objects.get(list_entry_id=entry.pk)
    from sanctions import services as case_services

    case_services.case_push(case=case, actor=world.user("court"))
    entry = services.entry_suspend(entry=entry, actor=world.user("court"), reason="异议核查中")
    case.refresh_from_db()
    assert entry.state == EntryState.SUSPENDED and case.state == CaseState.SUSPENDED
    assert set(case.assignments.values_list("state", flat=True)) == {AssignmentState.SUSPENDED}
    # Suspended entries stay visible to every department, marked.
    assert access.entries_for_user(world.user("finance")).filter(pk=entry.pk).exists()
    entry = services.entry_resume(entry=entry, actor=world.user("court"), reason="异议不成立")
    case.refresh_from_db()
    assert entry.state == EntryState.PUBLISHED and case.state == CaseState.PUSHED
    assert set(case.assignments.values_list("state", flat=True)) == {AssignmentState.PENDING}


def test_correct_recomputes_the_periods_and_keeps_the_old_values(world):
    entry = world.published()
    new_date = entry.decided_on - datetime.timedelta(days=10)
    corrections = {"decided_on": new_date.isoformat(), "severity": "general"}
    entry = services.entry_correct(entry=entry, actor=world.user("court"), corrections=corrections, reason="更正")
    assert entry.decided_on == new_date and entry.severity == "general"
    assert (entry.repair_possible_from, entry.publication_ends_on) == entry_periods(entry.rule_set, "general", new_date)
    assert entry.state == EntryState.PUBLISHED
    event = events(entry, "entry_corrected").get()
    assert event.extra["old"]["severity"] == "severe"
    with pytest.raises(ValidationError):
        services.entry_correct(entry=entry, actor=world.user("court"), corrections={"state": "removed"})


def test_a_corrected_severity_reaches_the_entrys_cases_audited(world, api):
    entry = world.published()
    case = JointCase.objects.get(list_entry_id=entry.pk)
    from sanctions import services as case_services

    case_services.case_push(case=case, actor=world.user("court"))
    assert api("court").get(f"/api/v1/cases/{case.pk}/").json()["severity"] == "severe"
    services.entry_correct(entry=entry, actor=world.user("court"), corrections={"severity": "general"}, reason="更正严重程度")
    assert api("court").get(f"/api/v1/cases/{case.pk}/").json()["severity"] == "general"
    event = AuditEvent.objects.get(stream=f"sanctions.jointcase:{case.pk}", action="case_severity_corrected")
    assert (event.extra["old"], event.extra["new"], event.reason) == ("severe", "general", "更正严重程度")
    # Another correction leaving the severity alone touches no case.
    services.entry_correct(entry=entry, actor=world.user("court"), corrections={"basis": "更正后的依据"})
    assert AuditEvent.objects.filter(stream=f"sanctions.jointcase:{case.pk}", action="case_severity_corrected").count() == 1


def test_publishing_a_red_entry_opens_a_reward_case(world):
    entry = world.published(actor="tax", list_type="red", domain="tax", decision_number="A级纳税人〔2026〕1号")
    case = JointCase.objects.get(list_entry_id=entry.pk)
    assert (case.kind, case.memorandum.code, case.initiating_department.code) == ("reward", "a-grade-taxpayers", "tax")


def test_watch_entries_open_no_case(world):
    entry = world.published(actor="tax", list_type="watch", severity="general", domain="tax", decision_number="税罚〔2026〕1号")
    assert entry.state == EntryState.PUBLISHED
    assert not JointCase.objects.exists()
