"""Real PostgreSQL transactions in threads: a check's hit fed back twice at the same moment (a retry
racing the first click) is recorded once, with one audit event; the other meets the fed-back state."""
import pytest

from checks import credit_check
from checks.models import CreditCheckLog
from credit_platform import demo
from credit_platform.exceptions import IllegalTransition
from credit_platform.models import AuditEvent
from tests.lists.conftest import ListWorld
from tests.threads import race


@pytest.fixture
def world(seeded_rule_sets):
    demo.seed()
    return ListWorld()


def test_a_hit_fed_back_twice_at_once_is_recorded_once(world):
    world.published()  # the court's black entry on the demo company: every check of it hits
    finance = world.user("finance")
    result = credit_check.credit_check_run(actor=finance, identifier=world.company.identifier)
    check = CreditCheckLog.objects.get(pk=result.check_id)
    assert check.hit

    errors = race(
        lambda: credit_check.credit_check_hit_fed_back(check=check, actor=finance, measure_applied=True, note="投标被否决"),
        lambda: credit_check.credit_check_hit_fed_back(check=check, actor=finance, measure_applied=False, note="重试"),
    )

    assert len(errors) == 1 and isinstance(errors[0], IllegalTransition), errors
    assert AuditEvent.objects.filter(action="credit_check_fed_back", object_id=str(check.pk)).count() == 1
    check.refresh_from_db()
    assert (check.measure_applied, check.feedback_note) in {(True, "投标被否决"), (False, "重试")}
