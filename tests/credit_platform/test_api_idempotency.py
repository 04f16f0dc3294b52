"""Idempotency-Key: the same key from the same user returns the first answer and does nothing twice."""
import threading
from unittest import mock

import pytest
from django.db import connection
from rest_framework.test import APIClient

from credit_platform import services as core_services
from credit_platform.models import AuditEvent, IdempotencyRecord, Subject
from tests.factories import UserFactory, make_uscc

URL = "/api/v1/subjects/"
BODY = {"kind": "legal_person", "identifier": make_uscc(77), "name": "某某有限公司"}
OTHER_BODY = {"kind": "legal_person", "identifier": make_uscc(78), "name": "另一家公司"}


@pytest.fixture
def client(client_as, dept_user):
    return client_as(dept_user())


def post(client, body, key, url=URL):
    return client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


@pytest.mark.django_db
def test_replay_returns_the_first_answer_and_creates_nothing(client):
    first = post(client, BODY, "key-1")
    events = AuditEvent.objects.count()

    again = post(client, BODY, "key-1")

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Subject.objects.count() == 1
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_key_order_in_the_body_does_not_matter(client):
    post(client, BODY, "key-1")

    again = post(client, dict(reversed(list(BODY.items()))), "key-1")

    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"


@pytest.mark.django_db
def test_same_key_with_a_different_body_is_refused(client):
    post(client, BODY, "key-1")

    response = post(client, OTHER_BODY, "key-1")

    assert response.status_code == 422
    assert "different request" in response.json()["detail"]
    assert not Subject.objects.filter(identifier=OTHER_BODY["identifier"]).exists()


@pytest.mark.django_db
def test_same_key_on_a_different_path_is_refused(client):
    post(client, BODY, "key-1")

    response = post(client, BODY, "key-1", url=URL + "?reason=x")

    assert response.status_code == 422


@pytest.mark.django_db
def test_a_refusal_is_replayed_too(client):
    bad = {**BODY, "identifier": "123"}
    first = post(client, bad, "key-1")

    again = post(client, bad, "key-1")

    assert first.status_code == again.status_code == 400
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"


@pytest.mark.django_db
def test_keys_belong_to_their_user(client, dept_user):
    post(client, BODY, "shared-key")
    someone_else = APIClient()
    someone_else.force_authenticate(dept_user())

    response = post(someone_else, OTHER_BODY, "shared-key")

    assert response.status_code == 201
    assert IdempotencyRecord.objects.filter(key="shared-key").count() == 2


@pytest.mark.django_db
def test_without_a_key_nothing_is_recorded(client):
    client.post(URL, BODY, format="json")

    assert not IdempotencyRecord.objects.exists()


@pytest.mark.django_db
def test_request_while_the_first_is_in_progress_is_409(client):
    post(client, BODY, "key-1")
    # As if the first request had not answered yet.
    IdempotencyRecord.objects.update(status_code=None, response_body=None)

    response = post(client, BODY, "key-1")

    assert response.status_code == 409
    assert "in progress" in response.json()["detail"]
    assert Subject.objects.count() == 1


@pytest.mark.django_db
def test_too_long_key_is_400(client):
    response = post(client, BODY, "k" * 201)

    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()
    assert not Subject.objects.exists()


@pytest.mark.django_db
def test_anonymous_request_with_a_key_is_401_and_records_nothing(api_client):
    response = post(api_client, BODY, "key-1")

    assert response.status_code == 401
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.django_db
def test_server_error_gives_the_key_back(client):
    client.raise_request_exception = False
    with mock.patch("credit_platform.api.views.subject_register", side_effect=RuntimeError("boom")):
        failed = post(client, BODY, "key-1")
    assert failed.status_code == 500
    assert not IdempotencyRecord.objects.exists()

    retried = post(client, BODY, "key-1")

    assert retried.status_code == 201
    assert Subject.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_duplicates_run_once():
    user = UserFactory()
    entered, release = threading.Event(), threading.Event()
    real_register = core_services.subject_register

    def slow_register(**kwargs):
        entered.set()
        assert release.wait(10)
        return real_register(**kwargs)

    answers = {}

    def first_request():
        try:
            c = APIClient()
            c.force_authenticate(user)
            answers["first"] = post(c, BODY, "key-1")
        finally:
            connection.close()

    with mock.patch("credit_platform.api.views.subject_register", side_effect=slow_register):
        thread = threading.Thread(target=first_request)
        thread.start()
        assert entered.wait(10)
        try:
            c = APIClient()
            c.force_authenticate(user)
            # given the first request is inside the view, holding the key
            # when the same request arrives again
            answers["second"] = post(c, BODY, "key-1")
        finally:
            release.set()
            thread.join(10)

    # then it is told to wait, and only the first one registered the subject
    assert answers["second"].status_code == 409
    assert "in progress" in answers["second"].json()["detail"]
    assert answers["first"].status_code == 201
    assert Subject.objects.count() == 1
    c = APIClient()
    c.force_authenticate(user)
    assert post(c, BODY, "key-1").json() == answers["first"].json()
