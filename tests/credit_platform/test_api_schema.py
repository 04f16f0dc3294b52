"""The OpenAPI contract and its docs pages, served without any CDN."""
import re

import pytest
import yaml

pytestmark = pytest.mark.django_db


def test_schema_is_openapi_yaml_by_default(client):
    response = client.get("/api/schema/")

    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/subjects/" in schema["paths"]


def test_schema_as_json_documents_errors_and_idempotency(client):
    response = client.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    paths = response.json()["paths"]
    create = paths["/api/v1/subjects/"]["post"]
    assert {"201", "400", "401", "403", "409", "422"} <= set(create["responses"])
    assert "Idempotency-Key" in [p["name"] for p in create["parameters"]]
    assert {"200", "401", "403", "404"} <= set(paths["/api/v1/subjects/{id}/"]["get"]["responses"])
    assert {"200", "401", "404"} <= set(paths["/api/v1/departments/{code}/"]["get"]["responses"])


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_docs_pages_use_only_local_assets(client, url):
    response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert sources, html
    assert all(not src.startswith(("http:", "https:", "//")) for src in sources), sources
    assert "cdn" not in html.lower()


def test_schema_documents_the_reason_required_for_natural_persons(client):
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]

    for operation in (paths["/api/v1/subjects/"]["get"], paths["/api/v1/subjects/{id}/"]["get"]):
        reason = next(p for p in operation["parameters"] if p["name"] == "reason")
        assert reason["in"] == "query"
        assert "Required to read natural persons" in reason["description"]
        assert "400" in operation["responses"]
