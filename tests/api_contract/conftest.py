"""The API as the three kinds of caller see it: the public (no credentials), a department (the
court: initiates and executes) and the credit office, over a demo district with a case pushed,
signed for and fed back, an objection and a repair application on file."""
import json

import pytest
from django.core import signals
from django.db import close_old_connections
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator

from credit_platform.tokens import api_token_issue
from objections import services as objection_services
from objections.models import Objection
from repair import services as repair_services
from tests.lists.conftest import world  # noqa: F401 - the demo district with list entry short-hands
from tests.objections.test_objection_services import pushed_entry
from tests.repair.documents import documents
from tests.repair.test_repair_services import months_ago

ROLES = ["public", "department", "credit_office"]
ROLE_USERS = {"department": "court", "credit_office": "admin"}


@pytest.fixture
def populated(world):  # noqa: F811 - the fixture imported above
    """The demo district with something behind most ids: a pushed case, an objection, a repair."""
    entry, case = pushed_entry(world)
    objection_services.objection_file(
        subject=entry.subject, list_entry=entry, grounds="判决已于2026年10月履行完毕", contact="0936-1234567",
        channel=Objection.Channel.PUBLIC,
    )
    old = world.published(severity="severe", decided_on=months_ago(13), decision_number="（2025）甘0702执900号")
    repair_services.repair_apply(entry=old, actor=world.user("court"), evidence="已全部履行判决义务", commitment_signed=True,
                                 contact="13900000000", documents=documents())
    return world


@pytest.fixture
def role_headers(populated):
    """Headers of each role: ``Authorization: Token <key>`` for the department and the credit office."""
    admin = populated.user("admin")
    headers = {"public": {}}
    for role, username in ROLE_USERS.items():
        _token, key = api_token_issue(user=populated.user(username), actor=admin, name=f"contract-{role}")
        headers[role] = {"Authorization": f"Token {key}"}
    return headers


@pytest.fixture
def wsgi_in_test_transaction(db):
    """Requests through the WSGI handler run inside the test's transaction: the handler must not
    close the connection at the start and end of each request (Django's test client does the same)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def openapi_schema() -> dict:
    """The schema as ``/api/schema/`` serves it (English), as plain JSON."""
    with translation.override("en"):
        schema = SchemaGenerator().get_schema(request=None, public=True)
        return json.loads(json.dumps(schema, default=str))
