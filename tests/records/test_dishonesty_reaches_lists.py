"""A published dishonesty record (or a general or severe penalty) reaches the lists (RULES.md): the
subject's red entry is proposed for removal, and a severe one during a watch period leads to a
black-list proposal by the providing department. A licence, a minor penalty or a draft does nothing."""
import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

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


# --- the same through an import ------------------------------------------------------------------

IMPORT_HEADER = ["identifier", "name", "kind", "record_type", "decision_number", "decided_on", "severity", "domain", "basis",
                 "violation_type", "facts", "penalty_content", "fine_amount"]


def _import(world, rows):
    content = io.StringIO()
    writer = csv.writer(content)
    writer.writerow(IMPORT_HEADER)
    writer.writerows(rows)
    client = APIClient()
    client.force_authenticate(world.user("market"))
    upload = SimpleUploadedFile("penalties.csv", content.getvalue().encode("utf-8"))
    response = client.post("/api/v1/records/import/", {"file": upload, "publish": "true"}, format="multipart")
    assert response.status_code == 200, response.content
    return response.json()


def _penalty_row(world, number, severity, decided_on):
    company = world.food_company
    return [company.identifier, company.name, "legal_person", "administrative-penalty", number, decided_on.isoformat(), severity,
            "food_drug", "《中华人民共和国食品安全法》第一百二十四条", "超范围使用食品添加剂", "抽检不合格", "罚款", "5"]


def test_an_imported_general_penalty_proposes_the_removal_of_the_red_entry_once(world, django_capture_on_commit_callbacks):
    red = red_entry(world)

    with django_capture_on_commit_callbacks(execute=True):
        body = _import(world, [_penalty_row(world, "市监罚〔2026〕201号", "general", days_ago(3))])

    assert (body["created"], body["errors"]) == (1, [])
    red.refresh_from_db()
    assert red.removal_proposed_at is not None and "市监罚〔2026〕201号" in red.removal_proposal_reason
    assert Notification.objects.filter(verb="entry_red_removal_proposed", department__code="tax").count() == 1
    # the same file again changes nothing, and tells nobody twice
    assert _import(world, [_penalty_row(world, "市监罚〔2026〕201号", "general", days_ago(3))])["unchanged"] == 1
    assert Notification.objects.filter(verb="entry_red_removal_proposed").count() == 1


def test_an_imported_minor_penalty_leaves_the_red_entry(world):
    red = red_entry(world)

    _import(world, [_penalty_row(world, "市监罚〔2026〕202号", "minor", days_ago(3))])

    red.refresh_from_db()
    assert red.removal_proposed_at is None


def test_an_imported_severe_penalty_during_a_watch_period_proposes_a_black_entry(world):
    world.published(actor="tax", list_type="watch", severity="general", domain="tax", subject=world.food_company,
                    decision_number="甘示税罚〔2026〕1号", decided_on=days_ago(60))

    _import(world, [_penalty_row(world, "市监罚〔2026〕203号", "severe", days_ago(10))])

    proposal = ListEntry.objects.get(list_type="black", subject=world.food_company)
    assert (proposal.state, proposal.identifying_department.code, proposal.decision_number) == (
        EntryState.PROPOSED, "market", "市监罚〔2026〕203号",
    )
