"""Who sees the dashboard pages, and what: supervisors every department, a department its own figures."""
import pytest

from credit_platform.models import User
from supervision.selectors import SCORECARD_COLUMNS
from tests.dashboard.conftest import list_links

PAGES = ["/dashboard/", "/dashboard/scorecard/", "/dashboard/initiators/", "/dashboard/objections-repairs/",
         "/dashboard/list/?kind=assignments&figure=overdue_now", "/dashboard/escalations/", "/dashboard/reports/"]


@pytest.mark.parametrize("url", PAGES)
def test_leader_sees_every_view(simulated, client, url):
    client.force_login(simulated.user("leader"))

    response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Figures of every department." in html
    assert 'href="/dashboard/scorecard/' in html  # the dashboard's own navigation
    assert "vendor/echarts/echarts.min.js" in html or "charts" not in response.context


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_is_sent_to_the_admin_login(db, client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_user_without_department_is_refused(world, client):
    user = User.objects.create_user("drifter", password="x", is_staff=True)
    client.force_login(user)

    assert client.get("/dashboard/").status_code == 403


def test_scorecard_lists_every_executing_department_for_the_leader(simulated, client):
    client.force_login(simulated.user("leader"))

    rows = client.get("/dashboard/scorecard/").context["rows"]

    codes = {row["code"] for row in rows}
    assert {"finance", "trading", "market", "tax", "gov_service"} <= codes
    assert "court" not in codes  # initiates only


def test_finance_sees_only_its_own_row_and_figures(simulated, client):
    client.force_login(simulated.user("finance"))

    response = client.get("/dashboard/scorecard/")

    assert [row["code"] for row in response.context["rows"]] == ["finance"]
    html = response.content.decode()
    assert "Figures of your department only" in html
    # Every link of its scorecard stays within its department.
    for url, _n in list_links(html):
        assert "department=finance" in url


def test_finance_cannot_widen_its_view_with_the_department_filter(simulated, client):
    client.force_login(simulated.user("finance"))

    response = client.get("/dashboard/scorecard/", {"department": "trading"})

    assert response.status_code == 200
    assert response.context["rows"] == []


def test_initiating_only_department_has_no_scorecard_row_but_its_initiator_row(simulated, client):
    client.force_login(simulated.user("court"))

    assert client.get("/dashboard/scorecard/").context["rows"] == []
    assert [r["code"] for r in client.get("/dashboard/initiators/").context["rows"]] == ["court"]


def test_scorecard_sorts_by_any_column(simulated, client):
    client.force_login(simulated.user("leader"))

    for column in ["received", "-received", "avg_working_days_to_sign_for", "-times_urged", "-overdue_now", "code"]:
        rows = client.get("/dashboard/scorecard/", {"o": column}).context["rows"]
        key = column.lstrip("-")
        if key == "code":
            values = [r["code"] for r in rows]
        else:
            values = [r["cells"][SCORECARD_COLUMNS.index(key)]["value"] for r in rows]
        present = [v for v in values if v is not None]
        assert present == sorted(present, reverse=column.startswith("-")), column
        assert values[: len(present)] == present  # rows without a value (no average) come last


def test_unknown_sort_column_falls_back_to_overdue_first(simulated, client):
    client.force_login(simulated.user("leader"))

    response = client.get("/dashboard/scorecard/", {"o": "password"})

    assert response.status_code == 200


def test_invalid_filter_is_reported_and_ignored(simulated, client):
    client.force_login(simulated.user("leader"))

    response = client.get("/dashboard/", {"from": "not-a-date", "region": "abc"})

    assert response.status_code == 200
    assert response.context["scope"].filters.date_from is None
    assert response.context["form"].errors


def test_dashboard_link_in_the_admin_header(world, client):
    client.force_login(world.user("finance"))

    assert 'href="/dashboard/"' in client.get("/admin/").content.decode()


def test_charts_are_served_from_the_project_static_files(simulated, client):
    client.force_login(simulated.user("leader"))

    html = client.get("/dashboard/").content.decode()

    assert 'id="dashboard-charts"' in html
    assert "cdn" not in html.lower()
    assert "/static/vendor/echarts/echarts.min.js" in html
