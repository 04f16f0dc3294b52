"""Real PostgreSQL transactions in threads: a correction racing a proposal of the same decision
number answers a field error (400) to the loser, never a database error (500)."""
import pytest
from django.core.exceptions import ValidationError

from credit_platform import demo
from lists import services
from lists.models import ListEntry
from tests.lists.conftest import ListWorld
from tests.threads import race

ROUNDS = 8


@pytest.fixture
def world(seeded_rule_sets):
    demo.seed()
    return ListWorld()


def test_a_correction_racing_a_proposal_of_the_same_decision_answers_a_field_error(world):
    for n in range(ROUNDS):
        entry = world.published(decision_number=f"（2026）甘0702执{400 + n}号")
        number = f"（2026）甘0702执{500 + n}号"

        errors = race(
            lambda: services.entry_correct(entry=entry, actor=world.user("court"), corrections={"decision_number": number}),
            lambda: world.propose(decision_number=number),
        )

        assert ListEntry.objects.filter(decision_number=number).count() == 1, f"round {n}"
        assert len(errors) == 1 and isinstance(errors[0], ValidationError), errors
        assert "decision_number" in errors[0].message_dict
