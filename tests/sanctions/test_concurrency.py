"""Real PostgreSQL transactions in threads: the case row lock makes completion happen once."""
import threading

import pytest
from django.db import connection

from credit_platform import demo
from credit_platform.models import AuditEvent, User
from sanctions import services
from sanctions.models import AssignmentState, BulkPushJob, CaseState, JointCase, Outcome
from sanctions.services import FeedbackItem

from tests.threads import race

from .conftest import DemoWorld


@pytest.mark.django_db(transaction=True)
def test_last_two_feedbacks_at_the_same_moment_complete_the_case_once(seeded_rule_sets):
    demo.seed()
    world = DemoWorld()
    case = world.pushed_case()
    assignments = list(case.assignments.select_related("department").order_by("pk"))
    for assignment in assignments:
        services.assignment_acknowledge(assignment=assignment, actor=world.user(assignment.department.code))
    # Everything but the last two is fed back in order.
    last_two = assignments[-2:]
    for assignment in assignments[:-2]:
        assignment.refresh_from_db()
        items = [FeedbackItem(measure=m, outcome=Outcome.APPLIED) for m in assignment.measures.all()]
        services.assignment_feedback(assignment=assignment, actor=world.user(assignment.department.code), items=items)

    barrier = threading.Barrier(2)
    errors = []

    def work(assignment_id):
        try:
            from sanctions.models import Assignment

            assignment = Assignment.objects.select_related("department").get(pk=assignment_id)
            actor = User.objects.get(username=assignment.department.code)
            items = [FeedbackItem(measure=m, outcome=Outcome.APPLIED) for m in assignment.measures.all()]
            barrier.wait(timeout=10)
            services.assignment_feedback(assignment=assignment, actor=actor, items=items)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(a.pk,)) for a in last_two]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert errors == []
    case = JointCase.objects.get(pk=case.pk)
    assert case.state == CaseState.FEEDBACK_COMPLETE
    assert set(case.assignments.values_list("state", flat=True)) == {AssignmentState.FED_BACK}
    assert AuditEvent.objects.filter(stream=f"sanctions.jointcase:{case.pk}", action="case_feedback_complete").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_bulk_batch_delivered_twice_at_the_same_moment_pushes_each_case_once(seeded_rule_sets):
    demo.seed()
    world = DemoWorld()
    court = world.user("court")
    for _round in range(5):
        cases = [world.defaulter_case() for _ in range(3)]
        for case in cases:
            services.case_initiate(case=case, actor=court)
        ids = [c.pk for c in cases]
        job = BulkPushJob.objects.create(requested_by=court, case_ids=ids, total=len(ids))

        errors = race(*[lambda: services.bulk_push_batch(job_id=job.pk, case_ids=ids)] * 2)

        assert errors == []
        job.refresh_from_db()
        assert job.errors == {}
        assert job.pushed == len(ids)
        assert set(JointCase.objects.filter(pk__in=ids).values_list("state", flat=True)) == {CaseState.PUSHED}
        assert AuditEvent.objects.filter(action="case_pushed", stream__in=[f"sanctions.jointcase:{i}" for i in ids]).count() == len(ids)
