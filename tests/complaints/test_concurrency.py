"""Real PostgreSQL transactions in threads: two clerks deciding one complaint at the same moment
(substantiate with remove_red against reject) — exactly one wins, the other meets the decided state
(409), and the red entry is removed only when the substantiation won."""
import pytest

from complaints import services
from complaints.models import Complaint
from credit_platform import demo
from credit_platform.exceptions import IllegalTransition
from lists.models import ListEntry
from tests.complaints.helpers import RED_DECISION, red_entry
from tests.lists.conftest import ListWorld
from tests.threads import race

ROUNDS = 4


@pytest.fixture
def world(seeded_rule_sets):
    demo.seed()
    return ListWorld()


def test_a_substantiation_racing_a_rejection_decides_once(world):
    civilization, credit = world.user("civilization"), world.user("credit_office")
    for n in range(ROUNDS):
        entry = red_entry(world) if n == 0 else world.published(
            actor="civilization", list_type="red", domain="civilization", decision_number=f"{RED_DECISION}-{n}")
        complaint = services.complaint_file(identifier=world.company.identifier, name=world.company.name, grounds="属实。", contact="x")
        services.complaint_assign(complaint=complaint, actor=credit, department=world.department("civilization"))

        errors = race(
            lambda: services.complaint_substantiate(complaint=complaint, actor=civilization, action="remove_red", note="属实。",
                                                    list_entry=entry.pk),
            lambda: services.complaint_reject(complaint=complaint, actor=credit, reason="不属实。"),
        )

        assert len(errors) == 1 and isinstance(errors[0], IllegalTransition), errors
        complaint = Complaint.objects.get(pk=complaint.pk)
        entry = ListEntry.objects.get(pk=entry.pk)
        assert (complaint.state, entry.state) in {("substantiated", "removed"), ("rejected", "published")}
