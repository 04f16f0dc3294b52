"""Every number on the dashboard links to the list behind it, and the list is exactly that long."""
import pytest

from sanctions.models import Assignment
from supervision import selectors
from tests.dashboard.conftest import list_links, list_total

PAGES = ["/dashboard/", "/dashboard/scorecard/", "/dashboard/initiators/", "/dashboard/objections-repairs/"]


def _follow_every_link(client, page, params=None):
    response = client.get(page, params or {})
    assert response.status_code == 200
    links = list_links(response.content.decode())
    checked = 0
    for url, shown in dict.fromkeys(links):
        listed = client.get(url)
        assert listed.status_code == 200, url
        total, rows = list_total(listed.content.decode())
        assert total == shown, f"{page}: {url} shows {shown} but lists {total}"
        assert rows == min(total, 200), url
        checked += 1
    return checked


@pytest.mark.parametrize("page", PAGES)
def test_leader_every_figure_equals_the_length_of_its_list(simulated, client, page):
    client.force_login(simulated.user("leader"))

    assert _follow_every_link(client, page) > 5


@pytest.mark.parametrize("page", PAGES)
def test_department_every_figure_equals_the_length_of_its_list(simulated, client, page):
    client.force_login(simulated.user("market"))  # initiates and executes

    checked = _follow_every_link(client, page)

    assert checked or page == "/dashboard/objections-repairs/"  # market decides no objection in the simulation


def test_figures_and_lists_agree_with_a_date_range_and_region(simulated, client):
    client.force_login(simulated.user("leader"))
    assignment = Assignment.objects.order_by("pushed_on").first()
    params = {"from": assignment.pushed_on.isoformat(), "to": (assignment.pushed_on.replace(day=28)).isoformat(), "region": "6207"}

    for page in PAGES:
        response = client.get(page, params)
        for url, shown in dict.fromkeys(list_links(response.content.decode())):
            assert f"from={params['from']}" in url
            assert list_total(client.get(url).content.decode())[0] == shown, url


def test_scorecard_row_counts_match_the_drilldown_selector(simulated):
    scope = selectors.scope_for(user=simulated.user("leader"))
    card = selectors.scorecard(scope)

    for row in card["rows"]:
        department_scope = scope.with_department(row["code"])
        for figure in selectors.SCORECARD_COUNTS:
            listed = selectors.drilldown(department_scope, kind="assignments", figure=figure).count()
            assert listed == row[figure], (row["code"], figure)
        assert selectors.drilldown(department_scope, kind="urges").count() == row["times_urged"]
        assert selectors.drilldown(department_scope, kind="feedback", figure="applied").count() == row["applied"]
        assert selectors.drilldown(department_scope, kind="feedback", figure="hits").count() == row["hits"]


def test_simulation_gives_the_scorecard_something_to_show(simulated):
    totals = selectors.scorecard(selectors.scope_for(user=simulated.user("leader")))["totals"]

    assert totals["received"] > 50
    assert totals["signed_for_on_time"] > 0 and totals["signed_for_late"] > 0
    assert totals["fed_back_on_time"] > 0
    assert totals["overdue_now"] > 0
    assert totals["times_urged"] > 0


def test_department_lists_hold_only_its_own_rows(simulated, client):
    client.force_login(simulated.user("finance"))

    response = client.get("/dashboard/list/", {"kind": "assignments", "figure": "received"})

    ids = [row["pk"] for row in response.context["rows"]]
    assert ids
    assert set(Assignment.objects.filter(pk__in=ids).values_list("department__code", flat=True)) == {"finance"}


def test_department_cannot_list_other_departments_pushes_by_filter(simulated, client):
    client.force_login(simulated.user("finance"))

    response = client.get("/dashboard/list/", {"kind": "assignments", "department": "trading"})

    assert response.context["total"] == 0


@pytest.mark.parametrize("params", [{"kind": "nothing"}, {"kind": "assignments", "figure": "nope"}, {"kind": "cases", "event": "pushed", "month": "2026-13"}])
def test_unknown_list_is_404(simulated, client, params):
    client.force_login(simulated.user("leader"))

    assert client.get("/dashboard/list/", params).status_code == 404
