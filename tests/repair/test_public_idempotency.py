"""``Idempotency-Key`` on the public credit repair application: scoped by key and client address."""
import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from repair.models import RepairApplication
from sanctions import services as case_services
from sanctions.models import JointCase
from tests.repair.test_public import PUBLIC, body_for, months_ago


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


@pytest.fixture
def entry(world):
    entry = world.published(severity="severe", decided_on=months_ago(13))
    case_services.case_push(case=JointCase.objects.get(list_entry_id=entry.pk), actor=world.user("court"))
    return entry


def post(body, key, address="203.0.113.7"):
    return APIClient().post(PUBLIC, body, format="multipart", HTTP_IDEMPOTENCY_KEY=key, REMOTE_ADDR=address)


def test_the_same_key_twice_applies_once_and_answers_the_same_receipt(entry):
    first = post(body_for(entry), "apply-1")
    again = post(body_for(entry), "apply-1")

    assert first.status_code == again.status_code == 201, first.content
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert RepairApplication.objects.count() == 1


def test_the_same_key_with_another_body_is_a_422(entry):
    post(body_for(entry), "apply-1")

    response = post(body_for(entry, contact="李四 13800000000"), "apply-1")

    assert response.status_code == 422
    assert "different request" in response.json()["detail"]
    assert RepairApplication.objects.count() == 1


def test_another_address_with_the_same_key_is_not_a_replay(entry):
    post(body_for(entry), "apply-1", address="203.0.113.7")

    other = post(body_for(entry), "apply-1", address="198.51.100.9")

    # Not the first address's answer: its own (a second application on the same entry, refused as filed).
    assert "Idempotent-Replayed" not in other
    assert other.status_code == 201 and other.json()["receipt_number"] != post(body_for(entry), "apply-1").json()["receipt_number"]
    assert other.json()["state"] == "refused"
