"""``Idempotency-Key`` on the public objection filing: scoped by key and client address."""
import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from credit_platform.models import IdempotencyRecord
from objections.models import Objection
from tests.objections.test_objection_services import pushed_entry
from tests.objections.test_public import PUBLIC, body_for


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


def post(body, key, address="203.0.113.7"):
    return APIClient().post(PUBLIC, body, format="json", HTTP_IDEMPOTENCY_KEY=key, REMOTE_ADDR=address)


def test_the_same_key_twice_files_once_and_answers_the_same_receipt(world):
    entry, _case = pushed_entry(world)

    first = post(body_for(entry), "filing-1")
    again = post(body_for(entry), "filing-1")

    assert first.status_code == again.status_code == 201, first.content
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Objection.objects.count() == 1
    record = IdempotencyRecord.objects.get()
    assert record.user is None and record.client_address == "203.0.113.7"


def test_the_same_key_with_another_body_is_a_422_and_files_nothing(world):
    entry, _case = pushed_entry(world)
    post(body_for(entry), "filing-1")

    response = post(body_for(entry, grounds="另一条理由"), "filing-1")

    assert response.status_code == 422
    assert "different request" in response.json()["detail"]
    assert Objection.objects.count() == 1


def test_another_address_with_the_same_key_is_a_separate_filing(world):
    entry, _case = pushed_entry(world)

    first = post(body_for(entry), "filing-1", address="203.0.113.7")
    other = post(body_for(entry), "filing-1", address="198.51.100.9")

    assert first.status_code == other.status_code == 201
    assert first.json()["receipt_number"] != other.json()["receipt_number"]
    assert "Idempotent-Replayed" not in other
    assert Objection.objects.count() == 2


def test_without_a_key_every_filing_counts(world):
    entry, _case = pushed_entry(world)

    APIClient().post(PUBLIC, body_for(entry), format="json")
    APIClient().post(PUBLIC, body_for(entry), format="json")

    assert Objection.objects.count() == 2
    assert not IdempotencyRecord.objects.exists()
