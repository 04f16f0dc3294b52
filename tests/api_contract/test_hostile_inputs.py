"""Every API operation, as the public, a department and the credit office, with hostile values in
every path parameter, query parameter and body field (issue 12, item 4): a NUL byte, absurd dates,
huge and negative integers, non-integer ids. Each answer is a 4xx (or a 2xx that ignores the value),
never a 5xx."""
import pytest
from django.test import Client

from lists.models import ListEntry
from objections.models import Objection
from repair.models import RepairApplication
from sanctions.models import Assignment, JointCase, Measure, Memorandum
from tests.api_contract.conftest import ROLE_USERS, ROLES, openapi_schema

HOSTILE = ["a\x00b", "9999-12-31", "0001-01-01", 2**63, 10**30, -1, "abc", 1.5, "x" * 5000]
SCHEMA = openapi_schema()
OPERATIONS = sorted((path, method) for path, operations in SCHEMA["paths"].items() for method in operations)


def _real_ids(world) -> dict:
    """An existing object behind each kind of path, so query and body values reach the services."""
    def first(model):
        return model.objects.order_by("pk").values_list("pk", flat=True).first()

    return {
        "/api/v1/cases/": first(JointCase), "/api/v1/assignments/": first(Assignment), "/api/v1/list-entries/": first(ListEntry),
        "/api/v1/objections/": first(Objection), "/api/v1/repairs/": first(RepairApplication), "/api/v1/measures/": first(Measure),
        "/api/v1/memoranda/": first(Memorandum), "/api/v1/credit-check/": first(Assignment),
        "/api/v1/subjects/": world.company.pk, "/api/v1/departments/": "court",
        "/api/v1/public/objections/": Objection.objects.values_list("receipt_number", flat=True).first(),
        "/api/v1/public/repairs/": RepairApplication.objects.values_list("receipt_number", flat=True).first(),
    }


def _fill(path: str, value, real: dict) -> str:
    prefix = next((p for p in real if path.startswith(p)), None)
    segments = []
    for segment in path.split("/"):
        if segment.startswith("{"):
            segment = str(value if value is not None else real.get(prefix, 1)).replace("\x00", "%00")
        segments.append(segment)
    return "/".join(segments)


def _body_fields(operation) -> list[str]:
    content = operation.get("requestBody", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema", {})
    ref = schema.get("$ref", "")
    if ref:
        schema = SCHEMA["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    return list(schema.get("properties", {}))


def _requests(path, method, operation, real):
    query_names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
    fields = _body_fields(operation)
    for value in HOSTILE:
        # The value everywhere at once, and the value in the query and body of a real object.
        yield _fill(path, value, real), {name: value for name in query_names}, {name: value for name in fields}
        if "{" in path:
            yield _fill(path, None, real), {name: value for name in query_names}, {name: value for name in fields}


@pytest.mark.parametrize("role", ROLES)
def test_no_operation_answers_5xx_to_hostile_values(populated, role):
    client = Client(raise_request_exception=False)
    if role != "public":
        client.force_login(populated.user(ROLE_USERS[role]))
    real = _real_ids(populated)
    server_errors = []
    calls = 0

    for path, method in OPERATIONS:
        operation = SCHEMA["paths"][path][method]
        for url, query, body in _requests(path, method, operation, real):
            calls += 1
            if method == "get":
                response = client.get(url, {k: str(v) for k, v in query.items()})
            else:
                if query:
                    url += "?" + "&".join(f"{k}={str(v).replace(chr(0), '%00')}" for k, v in query.items())
                response = getattr(client, method)(url, body, content_type="application/json")
                if "multipart/form-data" in operation.get("requestBody", {}).get("content", {}) and response.status_code < 500:
                    calls += 1
                    response = client.post(url, {k: str(v) for k, v in body.items()})  # multipart
            if response.status_code >= 500:
                server_errors.append((method.upper(), url[:120], repr(body)[:120], response.status_code))

    assert calls > 900
    assert server_errors == [], "\n".join(map(str, server_errors))
