"""Two amendments of one case at the same moment (real PostgreSQL transactions in threads): the case
row lock serialises them, so a measure is added once and a push is lifted once."""
import pytest
from django.core.exceptions import ValidationError

from credit_platform import demo
from credit_platform.models import AuditEvent
from sanctions import services
from sanctions.models import Assignment, AssignmentState, JointCase, Measure, MeasureLifting
from supervision import tallies

from tests.threads import race

from .conftest import DemoWorld


def _amend(case_id, *, add=(), withdraw=()):
    def call():
        case = JointCase.objects.get(pk=case_id)
        services.case_amend(
            case=case, actor=DemoWorld().user("court"), reason="并发变更",
            add_measures=list(Measure.objects.filter(code__in=add)), withdraw_measures=list(Measure.objects.filter(code__in=withdraw)),
        )

    return call


@pytest.mark.django_db(transaction=True)
def test_the_same_measure_added_twice_at_once_is_pushed_once(seeded_rule_sets):
    demo.seed()
    world = DemoWorld()
    for _round in range(3):
        case = world.pushed_case(measures=list(Measure.objects.filter(code__in=["P-FIN-01", "P-CRD-01"])))

        errors = race(_amend(case.pk, add=["P-TRD-01"]), _amend(case.pk, add=["P-TRD-01"]))

        assert len(errors) == 1 and isinstance(errors[0], ValidationError)
        assert "add_measures" in errors[0].message_dict
        assert Assignment.objects.filter(case=case, department__code="trading").count() == 1
        assert case.amendments.count() == 1
        assert AuditEvent.objects.filter(stream=f"sanctions.jointcase:{case.pk}", action="case_amended").count() == 1
    assert set(tallies.verify().values()) == {0}


@pytest.mark.django_db(transaction=True)
def test_a_departments_two_measures_withdrawn_at_once_lift_one_measure_then_the_push(seeded_rule_sets):
    demo.seed()
    world = DemoWorld()
    for _round in range(3):
        case = world.pushed_case(measures=list(Measure.objects.filter(code__in=["P-FIN-01", "P-CRD-01", "P-CRD-02"])))

        errors = race(_amend(case.pk, withdraw=["P-CRD-01"]), _amend(case.pk, withdraw=["P-CRD-02"]))

        assert errors == []
        push = Assignment.objects.get(case=case, department__code="credit_office")
        # The first withdrawal leaves one measure on the push (lifted per measure); the second takes the last: the push lifts.
        assert push.state == AssignmentState.LIFTING
        assert MeasureLifting.objects.filter(assignment=push).count() == 1
        assert sorted(case.measures.values_list("code", flat=True)) == ["P-FIN-01"]
        assert case.amendments.count() == 2
    assert set(tallies.verify().values()) == {0}
