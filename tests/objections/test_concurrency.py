"""Real PostgreSQL transactions in threads: decisions on two objections of one entry at the same
moment hold and release the entry exactly as the objections still verifying say (issue 12, item 1).

Each interleaving runs many times: the entry (then its cases, then their assignments) is locked
before the other verifying objections are counted, so the second decision always counts what the
first committed."""
import pytest

from credit_platform import demo
from lists.models import EntryState
from objections import services
from objections.models import Objection, ObjectionState
from sanctions import services as case_services
from sanctions.models import AssignmentState, CaseState, JointCase
from tests.lists.conftest import ListWorld
from tests.threads import race

ROUNDS = 12


@pytest.fixture
def world(seeded_rule_sets):
    demo.seed()
    return ListWorld()


def pushed_entry(world, n):
    entry = world.published(decision_number=f"（2026）甘0702执{200 + n}号")
    case = JointCase.objects.get(list_entry_id=entry.pk)
    case_services.case_push(case=case, actor=world.user("court"))
    return entry, case


def file(entry) -> Objection:
    return services.objection_file(
        subject=entry.subject, list_entry=entry, grounds="判决已履行完毕", contact="0936-1234567", channel=Objection.Channel.PUBLIC,
    )


def held(entry, case) -> tuple[str, str, set[str]]:
    entry.refresh_from_db()
    case.refresh_from_db()
    return entry.state, case.state, set(case.assignments.values_list("state", flat=True))


def test_two_dismissals_at_the_same_moment_release_the_entry(world):
    court = world.user("court")
    for n in range(ROUNDS):
        entry, case = pushed_entry(world, n)
        first, second = file(entry), file(entry)
        services.objection_accept(objection=first, actor=court)
        services.objection_accept(objection=second, actor=court)
        assert held(entry, case)[0] == EntryState.SUSPENDED

        errors = race(
            lambda: services.objection_dismiss(objection=first, actor=court, reason="记录无误"),
            lambda: services.objection_dismiss(objection=second, actor=court, reason="记录无误"),
        )

        assert errors == []
        assert not Objection.objects.filter(list_entry=entry, state=ObjectionState.VERIFYING).exists()
        assert held(entry, case) == (EntryState.PUBLISHED, CaseState.PUSHED, {AssignmentState.PENDING}), f"round {n}"


def test_an_accept_racing_a_dismissal_keeps_the_entry_held(world):
    court = world.user("court")
    for n in range(ROUNDS):
        entry, case = pushed_entry(world, n)
        first, second = file(entry), file(entry)
        services.objection_accept(objection=first, actor=court)

        errors = race(
            lambda: services.objection_dismiss(objection=first, actor=court, reason="记录无误"),
            lambda: services.objection_accept(objection=second, actor=court),
        )

        assert errors == []
        second.refresh_from_db()
        assert second.state == ObjectionState.VERIFYING
        assert held(entry, case) == (EntryState.SUSPENDED, CaseState.SUSPENDED, {AssignmentState.SUSPENDED}), f"round {n}"


def test_two_accepts_at_the_same_moment_hold_the_entry_once(world):
    court = world.user("court")
    for n in range(ROUNDS):
        entry, case = pushed_entry(world, n)
        first, second = file(entry), file(entry)

        errors = race(
            lambda: services.objection_accept(objection=first, actor=court),
            lambda: services.objection_accept(objection=second, actor=court),
        )

        assert errors == []
        assert Objection.objects.filter(list_entry=entry, state=ObjectionState.VERIFYING).count() == 2
        assert held(entry, case) == (EntryState.SUSPENDED, CaseState.SUSPENDED, {AssignmentState.SUSPENDED}), f"round {n}"
