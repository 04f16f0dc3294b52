"""Real PostgreSQL transactions in threads: two repair applications for one entry filed at the same
moment give one application (the entry is locked before its live applications are counted); two
approvals of one application at the same moment approve it once, the loser finding it approved (409)."""
import pytest
from django.core.exceptions import ValidationError

from credit_platform import demo
from credit_platform.exceptions import IllegalTransition
from repair import services
from repair.models import RepairApplication, RepairState
from tests.lists.conftest import ListWorld
from tests.repair.documents import documents
from tests.repair.test_repair_services import months_ago
from tests.threads import race

ROUNDS = 8


@pytest.fixture
def world(seeded_rule_sets):
    demo.seed()
    return ListWorld()


def test_two_applications_at_the_same_moment_file_one(world):
    court = world.user("court")
    for n in range(ROUNDS):
        entry = world.published(severity="severe", decided_on=months_ago(13), decision_number=f"（2025）甘0702执{300 + n}号")

        def apply():
            services.repair_apply(entry=entry, actor=court, evidence="已全部履行判决义务", commitment_signed=True,
                                  contact="13900000000", documents=documents())

        errors = race(apply, apply)

        assert RepairApplication.objects.filter(list_entry=entry).count() == 1, f"round {n}"
        assert len(errors) == 1 and isinstance(errors[0], ValidationError), errors
        assert "list_entry" in errors[0].message_dict


def test_two_approvals_at_the_same_moment_approve_once_and_the_loser_gets_a_409(world):
    court = world.user("court")
    for n in range(ROUNDS // 2):
        entry = world.published(severity="severe", decided_on=months_ago(13), decision_number=f"（2025）甘0702执{400 + n}号")
        application = services.repair_apply(entry=entry, actor=court, evidence="已全部履行判决义务", commitment_signed=True,
                                            contact="13900000000", documents=documents())
        services.repair_accept(application=application, actor=court)

        def approve():
            services.repair_approve(application=application, actor=court)

        errors = race(approve, approve)

        application.refresh_from_db()
        assert application.state == RepairState.APPROVED, f"round {n}"
        assert len(errors) == 1 and isinstance(errors[0], IllegalTransition), errors
        assert errors[0].state == RepairState.APPROVED
