"""The replica router (credit_platform/db_router.py) against a second database alias.

The test settings give the alias ``replica`` as a TEST MIRROR of the default database: a second
connection to the same test database, so what a test committed is there to read, and the queries
each connection ran show where a read went. The router is installed for these tests only.
A real streaming replica: docs/scaling.md (not run here)."""
import pytest
from django.contrib.sessions.models import Session
from django.db import connections, transaction
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext

from credit_platform import db_router
from credit_platform.models import ApiToken, Subject

pytestmark = [
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
    pytest.mark.usefixtures("routed"),
]


@pytest.fixture
def routed():
    with override_settings(DATABASE_ROUTERS=["credit_platform.db_router.ReplicaRouter"]):
        yield


@pytest.fixture
def subject():
    return Subject.objects.create(kind="legal_person", name="示范区读写分离测试有限公司", identifier="91620702MA55TH2835")


def _read(pk):
    """Read the subject; answer it and how many queries each connection ran."""
    with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(connections["replica"]) as replica:
        found = Subject.objects.get(pk=pk)
    return found, len(primary), len(replica)


def test_without_the_read_only_flag_every_read_is_on_the_primary(subject):
    found, primary, replica = _read(subject.pk)
    assert found == subject
    assert (primary, replica) == (1, 0)


def test_a_read_only_block_reads_on_the_replica(subject):
    with db_router.replica_reads():
        found, primary, replica = _read(subject.pk)
    assert found.name == subject.name
    assert (primary, replica) == (0, 1)


def test_a_write_goes_to_the_primary_and_the_reads_after_it_follow(subject):
    with db_router.replica_reads():
        with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(connections["replica"]) as replica:
            Subject.objects.filter(pk=subject.pk).update(name="改名后的公司")
        assert (len(primary), len(replica)) == (1, 0)
        found, primary, replica = _read(subject.pk)
    assert found.name == "改名后的公司"
    assert (primary, replica) == (1, 0)


def test_inside_a_transaction_on_the_primary_reads_stay_there(subject):
    with db_router.replica_reads(), transaction.atomic():
        found, primary, replica = _read(subject.pk)
    assert (primary, replica) == (1, 0)


def test_who_is_logged_in_is_always_read_on_the_primary():
    with db_router.replica_reads():
        assert db_router.read_alias(Session) == "default"
        assert db_router.read_alias(ApiToken) == "default"
        assert db_router.read_alias(Subject) == "replica"
    assert db_router.read_alias(Subject) == "default"


def test_the_middleware_flags_reads_of_the_read_only_pages_only():
    middleware = db_router.ReplicaReadsMiddleware(lambda request: db_router.read_alias())
    factory = RequestFactory()
    assert middleware(factory.get("/credit/")) == "replica"
    assert middleware(factory.get("/api/v1/credit-check/", {"identifier": "x"})) == "replica"
    assert middleware(factory.get("/dashboard/")) == "replica"
    assert middleware(factory.post("/api/v1/credit-check/1/feedback/")) == "default"
    assert middleware(factory.get("/api/v1/cases/")) == "default"
    assert middleware(factory.post("/api/v1/public/objections/")) == "default"


def test_the_public_credit_site_is_served_from_the_replica(client, subject):
    with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(connections["replica"]) as replica:
        response = client.get("/credit/", {"q": "读写分离"})
    assert response.status_code == 200
    assert len(replica) >= 1
    assert not [q["sql"] for q in primary.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
