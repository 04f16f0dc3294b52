"""The OpenAPI schema says what the API answers (issue 12, item 10): nullable and blank fields as
they come, integer ids, the error codes that can happen, JSON bodies where the body nests, the same
identifiers and titles in every language, and a JSON 404 for any address under /api/."""
import pytest

from tests.credit_platform.conftest import dept_user  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    return client.get("/api/schema/", {"format": "json"}).json()


def _walk(node, path=""):
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{path}/{index}")


def _operations(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def test_fields_answered_null_or_blank_are_documented_so(schema):
    components = schema["components"]["schemas"]

    for name in ("Assignment", "AssignmentDetail"):
        assert components[name]["properties"]["reassigned_from"].get("nullable") is True
    for name in ("Case", "CaseDetail", "Objection", "ObjectionDetail"):
        assert components[name]["properties"]["list_entry"].get("nullable") is True, name
    blank = {"$ref": "#/components/schemas/BlankEnum"}
    assert blank in components["ListEntry"]["properties"]["removal_reason"]["oneOf"]
    for name in ("Objection", "ObjectionDetail"):
        assert blank in components[name]["properties"]["decision"]["oneOf"]


def test_ids_are_integers_never_numbers(schema):
    parameters = [(p, parameter) for p, _m, op in _operations(schema) for parameter in op.get("parameters", [])]
    numbers = [(p, parameter["name"]) for p, parameter in parameters if parameter.get("schema", {}).get("type") == "number"]
    assert numbers == []
    ids = [parameter for _p, parameter in parameters if parameter["name"] in ("id", "case", "list_entry", "assignment_id")]
    assert ids and all(parameter["schema"]["type"] == "integer" for parameter in ids)
    id_properties = [node for path, node in _walk(schema["components"]) if path.endswith("/properties/id")]
    assert id_properties and all(node.get("type") == "integer" for node in id_properties)


def test_error_codes_that_can_happen_are_documented(schema):
    for path, method, operation in _operations(schema):
        responses = set(operation["responses"])
        assert "414" in responses, (method, path)
        if "{" in path:
            assert "404" in responses, (method, path)
    for path in ("/api/v1/public/list-entries/", "/api/v1/public/objections/", "/api/v1/public/repairs/"):
        operation = next(iter(schema["paths"][path].values()))
        assert "429" in operation["responses"], path


def test_bodies_without_files_are_json_only(schema):
    bodies = {(method, path): list(op["requestBody"]["content"]) for path, method, op in _operations(schema) if "requestBody" in op}

    for key in [("post", "/api/v1/assignments/{id}/feedback/"), ("post", "/api/v1/cases/"), ("patch", "/api/v1/cases/{id}/"),
                ("post", "/api/v1/cases/bulk-push/"), ("post", "/api/v1/credit-check/{assignment_id}/feedback/")]:
        assert bodies[key] == ["application/json"], key
    # Filings with evidence files: JSON, or multipart with the files; never a form body.
    assert set(bodies[("post", "/api/v1/objections/")]) == {"application/json", "multipart/form-data"}
    assert all("application/x-www-form-urlencoded" not in media for media in bodies.values())


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_schema_is_the_same_in_every_language(client, language):
    english = client.get("/api/schema/", {"format": "json"}, HTTP_ACCEPT_LANGUAGE="en").json()
    chosen = client.get("/api/schema/", {"format": "json"}, HTTP_ACCEPT_LANGUAGE=language).json()

    assert chosen == english
    titles = [node["title"] for _path, node in _walk(chosen) if isinstance(node.get("title"), str)]
    assert "Reason for removal" in titles and "状态" not in titles
    assert all(op["operationId"].isascii() for _p, _m, op in _operations(chosen))


@pytest.mark.parametrize("url", [
    "/api/v1/cases/abc/", "/api/v1/cases/1.5/", "/api/v1/imports/abc/", "/api/v1/credit-check/abc/feedback/",
    "/api/v1/repairs/-1/", "/api/v1/no-such-thing/", "/api/v1/cases/99999999999999999999/", "/api/v1/imports/99999999999999999999/",
])
def test_unknown_addresses_under_the_api_are_json_404(client, dept_user, url):
    client.force_login(dept_user())
    response = client.get(url)

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


def test_unknown_pages_elsewhere_stay_html(client):
    response = client.get("/credit/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
