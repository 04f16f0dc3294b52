import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from credit_platform import calendar
from credit_platform.exceptions import IllegalTransition
from credit_platform.models import Notification
from lists.models import EntryState, RemovalReason
from objections import selectors, services
from objections.models import Objection, ObjectionState
from sanctions import services as case_services
from sanctions.models import Assignment, AssignmentState, CaseState, JointCase, Outcome
from sanctions.services import FeedbackItem


def pushed_entry(world):
    """A published black entry whose case is pushed, one push signed for and one fed back."""
    entry = world.published()
    case = JointCase.objects.get(list_entry_id=entry.pk)
    case_services.case_push(case=case, actor=world.user("court"))
    finance = case.assignments.get(department__code="finance")
    case_services.assignment_acknowledge(assignment=finance, actor=world.user("finance"))
    trading = case.assignments.get(department__code="trading")
    case_services.assignment_acknowledge(assignment=trading, actor=world.user("trading"))
    trading.refresh_from_db()
    case_services.assignment_feedback(
        assignment=trading, actor=world.user("trading"),
        items=[FeedbackItem(measure=m, outcome=Outcome.APPLIED) for m in trading.measures.all()],
    )
    entry.refresh_from_db()
    return entry, case


def file(world, entry, **kwargs):
    return services.objection_file(
        subject=entry.subject, list_entry=entry, grounds="判决已于2026年10月履行完毕", contact="0936-1234567",
        channel=Objection.Channel.PUBLIC, **kwargs,
    )


def snapshot(case):
    return {a.pk: (a.state, a.sign_for_due, a.feedback_due) for a in case.assignments.all()}


def test_accept_holds_entry_case_and_every_assignment(world, django_capture_on_commit_callbacks):
    entry, case = pushed_entry(world)
    objection = file(world, entry)
    assert objection.state == ObjectionState.SUBMITTED
    assert objection.receipt_number.startswith("YY")
    with django_capture_on_commit_callbacks(execute=True):
        services.objection_accept(objection=objection, actor=world.user("court"))
    entry.refresh_from_db()
    case.refresh_from_db()
    assert entry.state == EntryState.SUSPENDED
    assert case.state == CaseState.SUSPENDED
    assert set(case.assignments.values_list("state", flat=True)) == {AssignmentState.SUSPENDED}
    held = set(Notification.objects.filter(verb="assignment_suspended").values_list("department_id", flat=True))
    assert held == set(case.assignments.values_list("department_id", flat=True))
    # No department can feed back a held measure.
    finance = case.assignments.get(department__code="finance")
    with pytest.raises(IllegalTransition):
        case_services.assignment_feedback(
            assignment=finance, actor=world.user("finance"),
            items=[FeedbackItem(measure=m, outcome=Outcome.APPLIED) for m in finance.measures.all()],
        )


def test_only_the_provider_or_credit_office_decides(world):
    entry, _case = pushed_entry(world)
    objection = file(world, entry)
    with pytest.raises(PermissionDenied):
        services.objection_accept(objection=objection, actor=world.user("finance"))
    services.objection_accept(objection=objection, actor=world.user("credit_office"))


def test_dismiss_restores_every_state_and_moves_due_dates_by_held_working_days(world, monkeypatch):
    entry, case = pushed_entry(world)
    before = snapshot(case)
    objection = file(world, entry)
    services.objection_accept(objection=objection, actor=world.user("court"))
    # Verified over the next 7 calendar days.
    later = datetime.date.today() + datetime.timedelta(days=7)
    held = calendar.working_days_between(datetime.date.today(), later)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: later)
    services.objection_dismiss(objection=objection, actor=world.user("court"), reason="记录准确")
    entry.refresh_from_db()
    case.refresh_from_db()
    assert entry.state == EntryState.PUBLISHED
    assert case.state == CaseState.EXECUTING
    after = snapshot(case)
    for pk, (state, sign_for, feedback) in before.items():
        assert after[pk][0] == state
        assert after[pk][1] == calendar.add_working_days(sign_for, held).date
        assert after[pk][2] == calendar.add_working_days(feedback, held).date
    assert set(Assignment.objects.filter(case=case).values_list("suspended_working_days", flat=True)) == {held}


def test_uphold_revoke_lifts_everything_with_confirmations_due(world, django_capture_on_commit_callbacks):
    entry, case = pushed_entry(world)
    objection = file(world, entry)
    services.objection_accept(objection=objection, actor=world.user("court"))
    with django_capture_on_commit_callbacks(execute=True):
        services.objection_uphold(objection=objection, actor=world.user("court"), outcome="revoke", reason="被执行人已履行")
    entry.refresh_from_db()
    case.refresh_from_db()
    assert entry.state == EntryState.REMOVED and entry.removal_reason == RemovalReason.REVOKED
    assert case.state == CaseState.REVOKED
    assert set(case.assignments.values_list("state", flat=True)) == {AssignmentState.LIFTING}
    assert all(a.lift_due for a in case.assignments.all())
    restored = set(Notification.objects.filter(verb="reputation_restored").values_list("department__code", flat=True))
    assert restored == {"trading"}  # the one department that applied a measure


def test_uphold_correct_keeps_old_values_in_audit_and_resumes(world):
    from credit_platform.models import AuditEvent

    entry, case = pushed_entry(world)
    objection = file(world, entry)
    services.objection_accept(objection=objection, actor=world.user("court"))
    services.objection_uphold(objection=objection, actor=world.user("court"), outcome="correct", corrections={"basis": "更正后的依据"})
    entry.refresh_from_db()
    case.refresh_from_db()
    assert entry.basis == "更正后的依据" and entry.state == EntryState.PUBLISHED
    assert case.state == CaseState.EXECUTING
    event = AuditEvent.objects.get(stream=f"lists.listentry:{entry.pk}", action="entry_corrected")
    assert event.extra["old"]["basis"] != "更正后的依据"


def test_two_objections_suspend_once_and_resume_when_both_decided(world):
    entry, case = pushed_entry(world)
    first, second = file(world, entry), file(world, entry)
    services.objection_accept(objection=first, actor=world.user("court"))
    services.objection_accept(objection=second, actor=world.user("court"))
    entry.refresh_from_db()
    assert entry.state == EntryState.SUSPENDED
    services.objection_dismiss(objection=first, actor=world.user("court"), reason="记录准确")
    entry.refresh_from_db()
    case.refresh_from_db()
    assert entry.state == EntryState.SUSPENDED and case.state == CaseState.SUSPENDED
    services.objection_dismiss(objection=second, actor=world.user("court"), reason="记录准确")
    entry.refresh_from_db()
    case.refresh_from_db()
    assert entry.state == EntryState.PUBLISHED and case.state == CaseState.EXECUTING


def test_public_target_unknown_identifier_or_decision_is_one_error_that_names_no_field(world):
    entry, _case = pushed_entry(world)
    with pytest.raises(ValidationError) as unknown_identifier:
        services.public_objection_target(identifier="91350100M000100Y43", name="x", decision_number=entry.decision_number)
    with pytest.raises(ValidationError) as unknown_decision:
        services.public_objection_target(identifier=entry.subject.identifier, name=entry.subject.name, decision_number="nope")
    for exc in (unknown_identifier.value, unknown_decision.value):
        assert not hasattr(exc, "error_dict") and exc.code == "no_public_match"
    assert unknown_identifier.value.messages == unknown_decision.value.messages
    subject, found, case = services.public_objection_target(
        identifier=entry.subject.identifier.lower(), name=entry.subject.name, decision_number=entry.decision_number
    )
    assert found == entry and case is None


def test_refuse_needs_a_reason_and_extension_only_once(world):
    entry, _case = pushed_entry(world)
    objection = file(world, entry)
    with pytest.raises(ValidationError):
        services.objection_refuse(objection=objection, actor=world.user("court"), reason="")
    services.objection_accept(objection=objection, actor=world.user("court"))
    objection.refresh_from_db()
    due = objection.verify_due
    services.objection_extend(objection=objection, actor=world.user("court"), reason="需调取执行卷宗")
    objection.refresh_from_db()
    assert objection.verify_due == calendar.add_working_days(due, 5).date
    with pytest.raises(IllegalTransition):
        services.objection_extend(objection=objection, actor=world.user("court"), reason="again")


def test_overdue_objections_are_urged_and_reported(world):
    entry, _case = pushed_entry(world)
    objection = file(world, entry)
    Objection.objects.filter(pk=objection.pk).update(accept_due=datetime.date(2020, 1, 1))
    assert list(selectors.objections_overdue()) == [Objection.objects.get(pk=objection.pk)]
    assert services.objections_urge_overdue() == 1


def test_provisional_deadlines_are_recomputed_when_the_calendar_changes(world):
    """As the pushes' due dates: a deadline computed through a year the official calendar did not
    know is recomputed (and audited) when that year's calendar changes; a firm one stays."""
    from credit_platform.models import AuditEvent

    entry, _case = pushed_entry(world)
    submitted = file(world, entry)
    verifying = file(world, world.published(decision_number="（2026）甘0702执555号"))
    services.objection_accept(objection=verifying, actor=world.user("court"))
    services.objection_extend(objection=verifying, actor=world.user("court"), reason="需调取执行卷宗")
    verifying.refresh_from_db()
    firm_due = verifying.verify_due
    expected_accept = calendar.add_working_days(submitted.created_at, submitted.rule_set.objection_accept_days).date
    # As if computed before the year was known: a guessed date, flagged provisional.
    Objection.objects.filter(pk=submitted.pk).update(accept_due=datetime.date(2020, 1, 1), due_dates_provisional=True)

    changed = services.objections_recompute_provisional(submitted.created_at.year)
    again = services.objections_recompute_provisional(submitted.created_at.year)

    submitted.refresh_from_db()
    assert (changed, again) == (1, 0)
    assert (submitted.accept_due, submitted.due_dates_provisional) == (expected_accept, False)
    assert Objection.objects.get(pk=verifying.pk).verify_due == firm_due
    assert AuditEvent.objects.filter(object_id=str(submitted.pk), action="objection_due_dates_recomputed").count() == 1

    # An extended verification is recomputed from the acceptance day, extension included.
    Objection.objects.filter(pk=verifying.pk).update(verify_due=datetime.date(2020, 1, 1), due_dates_provisional=True)
    services.objections_recompute_provisional(verifying.created_at.year)
    assert Objection.objects.get(pk=verifying.pk).verify_due == firm_due


def test_a_recomputed_deadline_and_its_audit_event_commit_together(world, monkeypatch):
    """Each objection's new deadline is written with its audit event in one transaction: when the
    event cannot be written, the deadline stays as it was."""
    entry, _case = pushed_entry(world)
    submitted = file(world, entry)
    Objection.objects.filter(pk=submitted.pk).update(accept_due=datetime.date(2020, 1, 1), due_dates_provisional=True)

    def refuse(*args, **kwargs):
        raise RuntimeError("audit trail unavailable")

    monkeypatch.setattr("credit_platform.audit.record", refuse)
    with pytest.raises(RuntimeError):
        services.objections_recompute_provisional(submitted.created_at.year)

    submitted.refresh_from_db()
    assert (submitted.accept_due, submitted.due_dates_provisional) == (datetime.date(2020, 1, 1), True)
