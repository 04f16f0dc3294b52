"""GET /api/v1/dashboard/...: the DESIGN.md summary contract and the per-view endpoints."""
import pytest

from credit_platform.tokens import api_token_issue
from supervision import selectors

SUMMARY_FIELDS = {"cases_by_state", "cases_by_domain", "departments", "objections_open", "repairs_open", "generated_at"}
DEPARTMENT_FIELDS = {
    "code", "received", "signed_for_on_time", "signed_for_late", "fed_back_on_time", "fed_back_late", "overdue_now",
    "avg_working_days_to_sign_for", "avg_working_days_to_feed_back", "lifts_unconfirmed",
}
ENDPOINTS = ["summary", "scorecard", "initiators", "cases", "cases-by-month", "objections-repairs"]


def test_summary_has_exactly_the_documented_fields(simulated, client):
    client.force_login(simulated.user("leader"))

    body = client.get("/api/v1/dashboard/summary/").json()

    assert set(body) == SUMMARY_FIELDS
    assert {"draft", "pushed", "executing", "feedback_complete", "suspended", "repaired", "expired", "revoked"} <= set(body["cases_by_state"])
    assert "judicial" in body["cases_by_domain"]
    assert body["departments"] and all(set(row) == DEPARTMENT_FIELDS for row in body["departments"])
    assert isinstance(body["objections_open"], int) and isinstance(body["repairs_open"], int)


def test_summary_figures_are_the_pages_figures(simulated, client):
    leader = simulated.user("leader")
    client.force_login(leader)

    body = client.get("/api/v1/dashboard/summary/", {"from": "2026-01-01"}).json()

    scope = selectors.scope_for(user=leader, filters=selectors.Filters(date_from=__import__("datetime").date(2026, 1, 1)))
    rows = {r["code"]: r for r in selectors.scorecard(scope)["rows"]}
    for row in body["departments"]:
        assert all(row[f] == rows[row["code"]][f] for f in DEPARTMENT_FIELDS), row["code"]
    assert body["cases_by_state"] == selectors.case_breakdown(scope)["by_state"]
    assert sum(body["cases_by_state"].values()) == sum(body["cases_by_domain"].values())


def test_department_sees_only_its_own_row_and_cases(simulated, client):
    client.force_login(simulated.user("finance"))

    body = client.get("/api/v1/dashboard/summary/").json()

    assert [row["code"] for row in body["departments"]] == ["finance"]
    assert sum(body["cases_by_state"].values()) == 0  # finance initiates no case
    assert client.get("/api/v1/dashboard/summary/", {"department": "trading"}).json()["departments"] == []


def test_initiating_department_sees_its_cases(simulated, client):
    from sanctions.models import JointCase

    client.force_login(simulated.user("court"))

    body = client.get("/api/v1/dashboard/summary/").json()

    assert sum(body["cases_by_state"].values()) == JointCase.objects.filter(initiating_department__code="court").count()
    assert body["departments"] == []


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_anonymous_is_401(db, client, endpoint):
    assert client.get(f"/api/v1/dashboard/{endpoint}/").status_code == 401


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_every_endpoint_answers_the_leader(simulated, client, endpoint):
    client.force_login(simulated.user("leader"))

    assert client.get(f"/api/v1/dashboard/{endpoint}/", {"from": "2026-01-01", "to": "2026-12-31"}).status_code == 200


def test_invalid_filters_are_400(simulated, client):
    client.force_login(simulated.user("leader"))

    response = client.get("/api/v1/dashboard/summary/", {"from": "yesterday", "region": "x"})

    assert response.status_code == 400
    assert set(response.json()) == {"from", "region"}


def test_scorecard_endpoint_is_the_page(simulated, client):
    client.force_login(simulated.user("leader"))

    api = client.get("/api/v1/dashboard/scorecard/", {"o": "-received"}).json()
    page = client.get("/dashboard/scorecard/", {"o": "-received"})

    assert [r["code"] for r in api["rows"]] == [r["code"] for r in page.context["rows"]]
    assert [r["received"] for r in api["rows"]] == [r["cells"][0]["value"] for r in page.context["rows"]]
    assert api["order"] == "-received"


def test_cases_by_month_endpoint_is_the_page(simulated, client):
    client.force_login(simulated.user("leader"))

    api = client.get("/api/v1/dashboard/cases-by-month/").json()["months"]
    page = client.get("/dashboard/").context["months"]

    assert [m["month"] for m in api] == [m["month"] for m in page]
    assert [m["opened"] for m in api] == [m["cells"][0]["value"] for m in page]
    assert sum(m["opened"] for m in api) == sum(client.get("/api/v1/dashboard/cases/").json()["by_state"].values())


def test_token_authentication(simulated, client):
    _token, key = api_token_issue(user=simulated.user("trading"), actor=None, name="dashboard")

    body = client.get("/api/v1/dashboard/summary/", HTTP_AUTHORIZATION=f"Token {key}").json()

    assert [row["code"] for row in body["departments"]] == ["trading"]


def test_schema_documents_the_dashboard(db, client):
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]

    assert {"/api/v1/dashboard/summary/", "/api/v1/dashboard/scorecard/", "/api/v1/dashboard/urges/"} <= set(paths)
