"""Absurd dates in the dashboard filters (``?from=9999-12-31``, ``0001-01-01``): a 400 naming the
field from the API, a form error on the pages; never a 500 (a day added past 9999-12-31, a local
midnight before year 1)."""
import pytest

from tests.dashboard.test_api import ENDPOINTS

PAGES = ["", "scorecard/", "initiators/", "objections-repairs/", "list/?kind=assignments&figure=received", "escalations/", "reports/"]
ABSURD = [
    {"from": "9999-12-31"},
    {"to": "9999-12-31"},
    {"from": "0001-01-01"},
    {"from": "0001-01-01", "to": "9999-12-31"},
    {"from": "1989-12-31"},
]


@pytest.mark.parametrize("query", ABSURD)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_api_answers_400_naming_the_date(world, client, endpoint, query):
    client.force_login(world.user("leader"))

    response = client.get(f"/api/v1/dashboard/{endpoint}/", query)

    assert response.status_code == 400, response.content
    assert set(response.json()) == set(query)
    assert "1990-01-01" in str(response.json())


@pytest.mark.parametrize("query", ABSURD)
@pytest.mark.parametrize("page", PAGES)
def test_pages_show_the_date_as_a_form_error(world, client, page, query):
    client.force_login(world.user("leader"))

    path, _, fixed = page.partition("?")
    extra = dict(pair.split("=") for pair in fixed.split("&")) if fixed else {}
    response = client.get(f"/dashboard/{path}", {**extra, **query})

    assert response.status_code == 200
    form = response.context.get("form")
    if form is not None:
        assert set(query) <= set(form.errors)
        assert response.context["scope"].filters.date_from is None


def test_the_bounds_themselves_are_accepted(world, client):
    client.force_login(world.user("leader"))

    assert client.get("/api/v1/dashboard/summary/", {"from": "1990-01-01", "to": "2099-12-31"}).status_code == 200
    assert client.get("/dashboard/", {"from": "1990-01-01", "to": "2099-12-31"}).status_code == 200
