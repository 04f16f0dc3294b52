"""A department's developer generates a client from ``/api/schema/`` as served (here in Chinese:
the schema must not change with the language) with openapi-python-client, and drives a whole case
with it (issue 12, item 10): the court creates, initiates and pushes; finance lists its pushes,
signs for one and feeds back on every measure — nested JSON, which the client must send as JSON."""
import datetime
import importlib
import subprocess
import sys
import uuid

import httpx
import pytest
from django.core.wsgi import get_wsgi_application
from django.test import Client

from credit_platform.tokens import api_token_issue
from sanctions.models import AssignmentState, CaseState, JointCase
from tests.sanctions.conftest import world  # noqa: F401 - the demo district

PACKAGE = "credit_client_generated"


@pytest.fixture
def generated(tmp_path, db):
    schema_file = tmp_path / "schema.json"
    response = Client().get("/api/schema/", {"format": "json"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    schema_file.write_bytes(response.content)
    config = tmp_path / "config.yaml"
    config.write_text("post_hooks: []\n")
    package_dir = tmp_path / PACKAGE
    subprocess.run(
        [sys.executable, "-m", "openapi_python_client", "generate", "--path", str(schema_file), "--output-path", str(package_dir),
         "--meta", "none", "--config", str(config)],
        check=True, capture_output=True, timeout=300,
    )
    sys.path.insert(0, str(tmp_path))
    try:
        modules = {name: importlib.import_module(f"{PACKAGE}.{name}") for name in (
            "client", "models", "api.cases.v1_cases_create", "api.cases.v1_cases_initiate_create", "api.cases.v1_cases_push_create",
            "api.assignments.v1_assignments_list", "api.assignments.v1_assignments_acknowledge_create",
            "api.assignments.v1_assignments_feedback_create",
        )}
        yield modules
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def _client(generated, world, username):
    admin = world.user("admin")
    _token, key = api_token_issue(user=world.user(username), actor=admin, name=f"generated-{username}")
    transport = httpx.WSGITransport(app=get_wsgi_application())
    httpx_client = httpx.Client(transport=transport, base_url="http://testserver", headers={"Authorization": f"Token {key}"})
    return generated["client"].AuthenticatedClient(base_url="http://testserver", token=key, prefix="Token").set_httpx_client(httpx_client)


def test_a_generated_client_drives_a_whole_case(generated, wsgi_in_test_transaction, world):
    models = generated["models"]
    court, finance = _client(generated, world, "court"), _client(generated, world, "finance")

    created = generated["api.cases.v1_cases_create"].sync_detailed(client=court, idempotency_key=uuid.uuid4().hex, body=models.CaseCreateRequest(
        subject=world.company.pk, kind=models.MeasureKindEnum.PUNISHMENT, memorandum_code="judgement-defaulters",
        basis="（2026）甘0702执123号 失信被执行人", period_start=datetime.date(2026, 11, 1), period_end=datetime.date(2029, 10, 31),
    ))
    assert created.status_code == 201, created.content
    case_id = created.parsed.id
    assert isinstance(case_id, int) and created.parsed.state == models.CaseStateEnum.DRAFT

    initiated = generated["api.cases.v1_cases_initiate_create"].sync_detailed(case_id, client=court)
    assert initiated.status_code == 200, initiated.content
    pushed = generated["api.cases.v1_cases_push_create"].sync_detailed(case_id, client=court)
    assert pushed.status_code == 200, pushed.content
    assert pushed.parsed.state == models.CaseStateEnum.PUSHED

    listed = generated["api.assignments.v1_assignments_list"].sync_detailed(client=finance, case=case_id)
    assert listed.status_code == 200, listed.content
    (push,) = [a for a in listed.parsed.results if a.department == "finance"]

    signed = generated["api.assignments.v1_assignments_acknowledge_create"].sync_detailed(push.id, client=finance)
    assert signed.status_code == 200, signed.content
    assert signed.parsed.state == models.AssignmentStateEnum.ACKNOWLEDGED

    fed_back = generated["api.assignments.v1_assignments_feedback_create"].sync_detailed(push.id, client=finance, body=models.FeedbackRequest(
        items=[models.FeedbackItemRequest(measure=m.id, outcome=models.OutcomeEnum.APPLIED) for m in signed.parsed.measures],
    ))
    assert fed_back.status_code in (200, 201), fed_back.content
    assert fed_back.parsed.state == models.AssignmentStateEnum.FED_BACK
    case = JointCase.objects.get(pk=case_id)
    assert case.state in (CaseState.EXECUTING, CaseState.FEEDBACK_COMPLETE)
    assert case.assignments.get(department__code="finance").state == AssignmentState.FED_BACK
