"""A published dishonesty record (or a general or severe penalty) reaches the lists (RULES.md): the
subject's red entry is proposed for removal, and a severe one during a watch period leads to a
black-list proposal by the providing department. A licence, a minor penalty or a draft does nothing."""
import pytest

from credit_platform import demo
from credit_platform.models import Notification
from lists.models import EntryState, ListEntry
from records import services
from tests.lists.conftest import ListWorld
from tests.records.conftest import RecordWorld, days_ago


class World(RecordWorld, ListWorld):
    pass


@pytest.fixture
def world(db):
    demo.seed()
    return World()


def red_entry(world):
    return world.published(actor="tax", list_type="red", domain="tax", subject=world.food_company,
                           decision_number="甘示税务红〔2026〕3号", decided_on=days_ago(40))


def test_a_general_penalty_proposes_the_removal_of_the_red_entry(world, django_capture_on_commit_callbacks):
    red = red_entry(world)
    draft = world.penalty(severity="general")
    red.refresh_from_db()
    assert red.removal_proposed_at is None  # a draft is nobody's business yet

    with django_capture_on_commit_callbacks(execute=True):
        services.record_publish(record=draft, actor=world.user("market"))

    red.refresh_from_db()
    assert red.removal_proposed_at is not None and red.state == EntryState.PUBLISHED
    assert draft.decision_number in red.removal_proposal_reason
    assert Notification.objects.filter(verb="entry_red_removal_proposed", department__code="tax").count() == 1


@pytest.mark.parametrize("kind", ["minor penalty", "licence"])
def test_a_minor_penalty_or_a_licence_leaves_the_red_entry(world, kind):
    red = red_entry(world)

    if kind == "licence":
        world.licence(publish=True)
    else:
        world.penalty(severity="minor", publish=True)

    red.refresh_from_db()
    assert red.removal_proposed_at is None


def test_a_severe_penalty_during_a_watch_period_proposes_a_black_entry(world, django_capture_on_commit_callbacks):
    world.published(actor="tax", list_type="watch", severity="general", domain="tax", subject=world.food_company,
                    decision_number="甘示税罚〔2026〕1号", decided_on=days_ago(60))

    with django_capture_on_commit_callbacks(execute=True):
        record = world.penalty(severity="severe", decided_on=days_ago(10), publish=True)

    proposal = ListEntry.objects.get(list_type="black", subject=world.food_company)
    assert (proposal.state, proposal.identifying_department.code, proposal.decision_number) == (
        EntryState.PROPOSED, "market", record.decision_number,
    )
    assert proposal.domain == record.domain


def test_a_general_penalty_during_a_watch_period_proposes_nothing(world):
    world.published(actor="tax", list_type="watch", severity="general", domain="tax", subject=world.food_company,
                    decision_number="甘示税罚〔2026〕1号", decided_on=days_ago(60))

    world.penalty(severity="general", decided_on=days_ago(10), publish=True)

    assert not ListEntry.objects.filter(list_type="black").exists()
