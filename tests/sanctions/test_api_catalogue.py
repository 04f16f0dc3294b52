"""The catalogue over the API (measures and memoranda, read by every department), and the contract."""
import pytest

from sanctions.models import Measure, Memorandum
from tests.sanctions.test_api_support import API, api, count_queries  # noqa: F401 (fixture)


@pytest.mark.parametrize("username", ["finance", "leader", "court", "admin"])
def test_every_department_reads_the_catalogue(world, api, username):
    client = api(username)

    measures = client.get(f"{API}/measures/", {"page_size": 500})
    memoranda = client.get(f"{API}/memoranda/", {"page_size": 500})

    assert measures.status_code == memoranda.status_code == 200
    assert measures.json()["count"] == Measure.objects.count()
    assert memoranda.json()["count"] == Memorandum.objects.count()


def test_anonymous_gets_401(world, api):
    assert api(None).get(f"{API}/measures/").status_code == 401
    assert api(None).get(f"{API}/memoranda/").status_code == 401


def test_measure_by_code_and_by_id(world, api):
    client = api("finance")

    found = client.get(f"{API}/measures/", {"code": "P-MKT-01"}).json()["results"]
    by_id = client.get(f"{API}/measures/{found[0]['id']}/").json()

    assert len(found) == 1
    assert by_id == found[0]
    assert by_id["department"] == "market"
    assert by_id["kind"] == "punishment" and by_id["category"] == "A"
    assert by_id["name"] == "限制担任企业法定代表人、董事、监事、高级管理人员"
    assert by_id["name_en"].startswith("Barred from serving")
    assert by_id["applies_to"] == ["natural_person", "responsible_person"]


def test_measure_filters(world, api):
    client = api("finance")

    def codes(**params):
        response = client.get(f"{API}/measures/", {"page_size": 500, **params})
        assert response.status_code == 200
        return {m["code"] for m in response.json()["results"]}

    assert codes(department="market") == {"P-MKT-01", "P-MKT-02", "R-MKT-01"}
    assert codes(department="market", kind="reward") == {"R-MKT-01"}
    assert codes(kind="reward") == set(Measure.objects.filter(kind="reward").values_list("code", flat=True))
    assert codes(category="C") == {"P-FNO-01", "R-FNO-01"}
    assert codes(code="NOPE") == set()
    assert client.get(f"{API}/measures/", {"kind": "fine"}).status_code == 400


def test_memorandum_shows_its_measures_and_initiators(world, api):
    client = api("finance")

    found = client.get(f"{API}/memoranda/", {"code": "judgement-defaulters"}).json()["results"]
    by_id = client.get(f"{API}/memoranda/{found[0]['id']}/").json()

    assert by_id == found[0]
    assert by_id["initiators"] == ["court"]
    assert by_id["kind"] == "punishment"
    measure = next(m for m in by_id["measures"] if m["code"] == "P-FIN-01")
    assert measure["department"] == "finance"
    assert {"id", "code", "department", "kind", "category", "name", "name_en", "applies_to"} <= set(measure)
    assert {m["code"] for m in by_id["measures"]} == set(
        Memorandum.objects.get(code="judgement-defaulters").measures.values_list("code", flat=True)
    )


def test_memorandum_filters(world, api):
    client = api("finance")

    def codes(**params):
        response = client.get(f"{API}/memoranda/", params)
        assert response.status_code == 200
        return {m["code"] for m in response.json()["results"]}

    assert codes(kind="reward") == {"a-grade-taxpayers", "honest-models"}
    assert codes(initiator="credit_office") == {"honest-models"}
    # Every memorandum with a measure the department executes, once each.
    expected = set(Memorandum.objects.filter(measures__department__code="finance").values_list("code", flat=True))
    response = client.get(f"{API}/memoranda/", {"department": "finance"}).json()
    assert {m["code"] for m in response["results"]} == expected
    assert response["count"] == len(expected)


def test_memoranda_list_queries_are_bounded(world, api, django_assert_max_num_queries):
    client = api("finance")
    few, body = count_queries(client, f"{API}/memoranda/?code=judgement-defaulters")
    assert len(body["results"]) == 1

    with django_assert_max_num_queries(few):
        response = client.get(f"{API}/memoranda/", {"page_size": 500})

    assert len(response.json()["results"]) == Memorandum.objects.count() > 1


def test_schema_documents_the_sanctions_endpoints(db, client):
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]

    push = paths["/api/v1/cases/{id}/push/"]["post"]
    assert {"200", "401", "403", "404", "409"} <= set(push["responses"])
    assert "Idempotency-Key" in [p["name"] for p in push["parameters"]]
    assert "202" in paths["/api/v1/cases/bulk-push/"]["post"]["responses"]
    feedback = paths["/api/v1/assignments/{id}/feedback/"]
    assert {"get", "post"} <= set(feedback)
    assert {"overdue", "state", "case", "department", "subject_identifier"} <= {
        p["name"] for p in paths["/api/v1/assignments/"]["get"]["parameters"]
    }
    for path in ["/api/v1/measures/", "/api/v1/memoranda/", "/api/v1/bulk-push-jobs/{id}/", "/api/v1/assignments/{id}/return/"]:
        assert path in paths
