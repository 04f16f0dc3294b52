import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from credit_platform.exceptions import IllegalTransition
from credit_platform.models import AuditEvent, Notification
from sanctions import access, services
from sanctions.models import Assignment, AssignmentState, CaseState, MeasureFeedback, Outcome
from sanctions.services import FeedbackItem


def feed_back_all(assignment, actor):
    items = [FeedbackItem(measure=m, outcome=Outcome.APPLIED, business_reference=f"REF-{m.code}") for m in assignment.measures.all()]
    return services.assignment_feedback(assignment=assignment, actor=actor, items=items)


def test_case_number_and_default_measures(world):
    case = world.defaulter_case()
    assert case.number.startswith(f"LJ-{datetime.date.today().year}-")
    assert len(case.number.split("-")[2]) == 6
    # A company: every measure fitting a legal person, plus P-MKT-01 that reaches its representative.
    codes = set(case.measures.values_list("code", flat=True))
    assert codes == {"P-FIN-01", "P-CRD-01", "P-CRD-02", "P-TRD-01", "P-MKT-01", "P-HOU-01", "P-NRS-01", "P-GOV-01", "P-FNO-01", "P-CIV-01"}
    assert case.state == CaseState.DRAFT
    second = world.defaulter_case()
    assert int(second.number[-6:]) == int(case.number[-6:]) + 1


def test_measures_outside_the_memorandum_or_not_fitting_are_refused(world):
    from sanctions.models import Measure

    person = world.subject("620702197804128519")
    with pytest.raises(ValidationError) as exc:
        world.defaulter_case(subject=person, measures=[Measure.objects.get(code="P-HOU-01")])  # construction firms only
    assert "measures" in exc.value.message_dict
    with pytest.raises(ValidationError):
        world.defaulter_case(measures=[Measure.objects.get(code="P-TAX-01")])  # not in this memorandum


def test_only_named_initiators_open_cases_under_a_memorandum(world):
    with pytest.raises(PermissionDenied):
        world.defaulter_case(actor="finance")
    with pytest.raises(PermissionDenied):
        world.defaulter_case(actor="tax")


def test_push_fans_out_one_assignment_per_department_and_target(world, django_capture_on_commit_callbacks):
    case = world.defaulter_case()
    court = world.user("court")
    services.case_initiate(case=case, actor=court)
    with django_capture_on_commit_callbacks(execute=True):
        services.case_push(case=case, actor=court)
    case.refresh_from_db()
    assert case.state == CaseState.PUSHED
    rows = {(a.department.code, a.target.identifier): set(a.measures.values_list("code", flat=True)) for a in case.assignments.all()}
    # 落实到人: the market bureau's ban on serving as a manager reaches the legal representative only.
    assert rows[("market", "620702197804128519")] == {"P-MKT-01"}
    assert ("market", case.subject.identifier) not in rows
    assert rows[("credit_office", case.subject.identifier)] == {"P-CRD-01", "P-CRD-02"}
    assert rows[("civilization", case.subject.identifier)] == {"P-CIV-01"}
    # P-CIV-01 applies to responsible persons too.
    assert rows[("civilization", "620702197804128519")] == {"P-CIV-01"}
    for assignment in case.assignments.all():
        assert assignment.state == AssignmentState.PENDING
        assert assignment.sign_for_due > assignment.pushed_on
        assert assignment.feedback_due > assignment.sign_for_due
    departments = set(case.assignments.values_list("department_id", flat=True))
    assert set(Notification.objects.filter(verb="assignment_pushed").values_list("department_id", flat=True)) == departments
    assert AuditEvent.objects.filter(stream=f"sanctions.jointcase:{case.pk}", action="case_pushed").count() == 1


def test_second_push_is_an_illegal_transition_and_changes_nothing(world):
    case = world.pushed_case()
    count = Assignment.objects.count()
    with pytest.raises(IllegalTransition) as exc:
        services.case_push(case=case, actor=world.user("court"))
    assert exc.value.state == CaseState.PUSHED
    assert Assignment.objects.count() == count


def test_whole_lifecycle_to_feedback_complete(world):
    case = world.pushed_case()
    assignments = list(case.assignments.select_related("department"))
    first = assignments[0]
    services.assignment_acknowledge(assignment=first, actor=world.user(first.department.code))
    case.refresh_from_db()
    assert case.state == CaseState.EXECUTING
    for assignment in assignments:
        actor = world.user(assignment.department.code)
        assignment.refresh_from_db()
        if assignment.state == AssignmentState.PENDING:
            services.assignment_acknowledge(assignment=assignment, actor=actor)
        assignment.refresh_from_db()
        feed_back_all(assignment, actor)
        case.refresh_from_db()
    assert case.state == CaseState.FEEDBACK_COMPLETE
    assert AuditEvent.objects.filter(stream=f"sanctions.jointcase:{case.pk}", action="case_feedback_complete").count() == 1
    assert MeasureFeedback.objects.filter(assignment__case=case).count() == sum(a.measures.count() for a in assignments)
    # Later feedback keeps coming while the case lives (a bid refused).
    measure = first.measures.first()
    services.assignment_record_feedback(
        assignment=first, actor=world.user(first.department.code),
        items=[FeedbackItem(measure=measure, outcome=Outcome.APPLIED, note="投标被拒", business_reference="ZB-2026-77")],
    )
    assert MeasureFeedback.objects.filter(assignment=first, source="later").count() == 1


def test_feedback_must_answer_every_measure_with_reasons(world):
    case = world.pushed_case()
    assignment = case.assignments.get(department__code="credit_office", target=case.subject)
    actor = world.user("credit_office")
    services.assignment_acknowledge(assignment=assignment, actor=actor)
    one = assignment.measures.order_by("code").first()
    with pytest.raises(ValidationError) as exc:
        services.assignment_feedback(assignment=assignment, actor=actor, items=[FeedbackItem(measure=one, outcome="applied")])
    assert "missing" in " ".join(exc.value.message_dict["items"])
    items = [FeedbackItem(measure=m, outcome=Outcome.FAILED) for m in assignment.measures.all()]
    with pytest.raises(ValidationError):
        services.assignment_feedback(assignment=assignment, actor=actor, items=items)
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.ACKNOWLEDGED
    assert not MeasureFeedback.objects.filter(assignment=assignment).exists()


def test_another_department_cannot_work_an_assignment(world):
    case = world.pushed_case()
    assignment = case.assignments.get(department__code="finance")
    with pytest.raises(PermissionDenied):
        services.assignment_acknowledge(assignment=assignment, actor=world.user("tax"))
    assert not access.assignments_for_user(world.user("tax")).filter(pk=assignment.pk).exists()
    assert not access.cases_for_user(world.user("tax")).filter(pk=case.pk).exists()
    assert access.cases_for_user(world.user("finance")).filter(pk=case.pk).exists()
    assert set(access.assignments_for_user(world.user("finance")).values_list("department__code", flat=True)) == {"finance"}
    assert access.assignments_for_user(world.user("court")).filter(case=case).count() == case.assignments.count()
    assert access.cases_for_user(world.user("leader")).filter(pk=case.pk).exists()


def test_return_and_reassign(world):
    case = world.pushed_case()
    assignment = case.assignments.get(department__code="natural_resources")
    with pytest.raises(ValidationError):
        services.assignment_return(assignment=assignment, actor=world.user("natural_resources"), reason=" ")
    services.assignment_return(assignment=assignment, actor=world.user("natural_resources"), reason="本局不负责该事项")
    with pytest.raises(PermissionDenied):
        services.assignment_reassign(assignment=assignment, actor=world.user("finance"), department=world.department("housing"))
    with pytest.raises(ValidationError):  # housing already works this case for this subject
        services.assignment_reassign(assignment=assignment, actor=world.user("court"), department=world.department("housing"))
    new = services.assignment_reassign(assignment=assignment, actor=world.user("court"), department=world.department("ecology"))
    assert new.department.code == "ecology" and new.reassigned_from_id == assignment.pk
    assert set(new.measures.values_list("code", flat=True)) == {"P-NRS-01"}
    assert access.cases_for_user(world.user("ecology")).filter(pk=case.pk).exists()


def test_revoke_lifts_every_assignment_and_confirm_closes(world):
    case = world.pushed_case()
    with pytest.raises(ValidationError):
        services.case_revoke(case=case, actor=world.user("court"), reason="")
    services.case_revoke(case=case, actor=world.user("court"), reason="判决已履行，撤销")
    case.refresh_from_db()
    assert case.state == CaseState.REVOKED
    assert set(case.assignments.values_list("state", flat=True)) == {AssignmentState.LIFTING}
    assignment = case.assignments.filter(department__code="finance").first()
    assert assignment.lift_due > assignment.lift_opened_on
    services.assignment_confirm_lift(assignment=assignment, actor=world.user("finance"))
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.LIFTED


def test_suspend_and_resume_restore_states_and_move_due_dates(world):
    case = world.pushed_case()
    finance = case.assignments.get(department__code="finance")
    services.assignment_acknowledge(assignment=finance, actor=world.user("finance"))
    case.refresh_from_db()
    before = {a.pk: (a.state, a.feedback_due) for a in case.assignments.all()}
    services.case_suspend(case=case, actor=world.user("court"), reason="objection")
    case.refresh_from_db()
    assert case.state == CaseState.SUSPENDED
    assert set(case.assignments.values_list("state", flat=True)) == {AssignmentState.SUSPENDED}
    with pytest.raises(IllegalTransition):
        feed_back_all(case.assignments.get(pk=finance.pk), world.user("finance"))
    services.case_resume(case=case, actor=world.user("court"))
    case.refresh_from_db()
    assert case.state == CaseState.EXECUTING
    assert {a.pk: a.state for a in case.assignments.all()} == {pk: state for pk, (state, _due) in before.items()}


def test_expiry_scan_ends_cases_whose_period_ended(world):
    case = world.pushed_case()
    assert services.cases_expire_due(today=datetime.date(2029, 11, 1)) == 1
    case.refresh_from_db()
    assert case.state == CaseState.EXPIRED
    assert set(case.assignments.values_list("state", flat=True)) == {AssignmentState.LIFTING}
    assert services.cases_expire_due(today=datetime.date(2029, 11, 1)) == 0


def test_bulk_push_twice_creates_no_duplicates(world, django_capture_on_commit_callbacks):
    from sanctions.models import BulkPushJob

    court = world.user("court")
    cases = [world.defaulter_case(subject=world.subject(i)) for i in ["91620702MA55TH2835", "91620702MAUCCP508N", "91620702MAL23DL45K"]]
    for case in cases:
        services.case_initiate(case=case, actor=court)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.bulk_push_request(actor=court, case_ids=[c.pk for c in cases])
    job.refresh_from_db()
    assert job.state == BulkPushJob.State.DONE and job.pushed == 3
    count = Assignment.objects.filter(case__in=cases).count()
    assert count > 0
    # The broker redelivers the batch (acks_late): nothing new, and it is counted once.
    services.bulk_push_batch(job_id=job.pk, case_ids=[c.pk for c in cases])
    assert Assignment.objects.filter(case__in=cases).count() == count
    job.refresh_from_db()
    assert (job.pushed, job.skipped, job.progress_percent) == (3, 0, 100)


def test_bulk_push_refuses_cases_the_user_cannot_see(world):
    tax_case = services.case_create(
        actor=world.user("tax"), subject=world.company, kind="punishment", memorandum=world.memorandum("major-tax-violations"),
        basis="重大税收违法", period_start=datetime.date(2026, 11, 1), period_end=datetime.date(2027, 10, 31),
    )
    with pytest.raises(ValidationError):
        services.bulk_push_request(actor=world.user("court"), case_ids=[tax_case.pk])


def test_due_dates_from_a_provisional_year_are_marked_and_recomputed(world, django_capture_on_commit_callbacks):
    from credit_platform import calendar

    case = world.pushed_case()
    assignment = case.assignments.order_by("pk").first()
    # Pushed just before a year no calendar knows yet (2027): the due dates are provisional.
    Assignment.objects.filter(pk=assignment.pk).update(pushed_on=datetime.date(2027, 2, 5), due_dates_provisional=True)
    services.assignments_recompute_provisional(2027)
    assignment.refresh_from_db()
    assert assignment.due_dates_provisional
    # The office enters the 2027 Spring Festival: 2027-02-06..2027-02-12 off (illustrative).
    days = [(datetime.date(2027, 2, 6) + datetime.timedelta(days=i), False, "春节") for i in range(7)]
    with django_capture_on_commit_callbacks(execute=True):
        calendar.calendar_publish_year(year=2027, source="test", days=days, actor=world.user("admin"))
    assignment.refresh_from_db()
    assert not assignment.due_dates_provisional
    # Feb 5 is a Friday; the 8th..12th are holidays: the first working day after is Monday 15th.
    assert assignment.sign_for_due == datetime.date(2027, 2, 15)
    assert assignment.feedback_due == datetime.date(2027, 2, 19)
