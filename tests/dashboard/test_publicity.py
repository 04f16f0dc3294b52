"""双公示 punctuality on the dashboard: /dashboard/publicity/, its drill-down, export and API, and the
monthly report's sheet. A decision published after its 7th working day counts late; one not published
past it counts overdue now; a minor penalty has no deadline and is not counted."""
import io

import openpyxl
import pytest

from credit_platform import demo
from supervision import export, selectors
from tests.dashboard.conftest import list_links
from tests.lists.conftest import api  # noqa: F401 - the API clients
from tests.records.conftest import RecordWorld, days_ago

ON_TIME, LATE, OVERDUE, PENDING, MINOR = (
    "甘示市监处罚〔2026〕201号", "甘示市监处罚〔2026〕202号", "甘示市监处罚〔2026〕203号",
    "甘示市监许可〔2026〕204号", "甘示市监处罚〔2026〕205号",
)


@pytest.fixture
def world(db):
    demo.seed()
    world = RecordWorld()
    world.penalty(decision_number=ON_TIME, decided_on=days_ago(1), publish=True)
    world.penalty(decision_number=LATE, decided_on=days_ago(40), publish=True)  # published today: weeks late
    world.penalty(decision_number=OVERDUE, decided_on=days_ago(40))  # still a draft
    world.licence(decision_number=PENDING, decided_on=days_ago(1))  # a draft, still in time
    world.penalty(decision_number=MINOR, severity="minor", decided_on=days_ago(40))  # no 双公示 deadline
    return world


def market_row(data):
    return next(row for row in data["rows"] if row["code"] == "market")


def test_the_leader_sees_each_providing_departments_punctuality(world, api):
    response = api("leader").get("/api/v1/dashboard/publicity/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 200, response.content
    row = market_row(response.data)
    assert {k: row[k] for k in selectors.PUBLICITY_COLUMNS} == {"due": 4, "on_time": 1, "late": 1, "overdue": 1, "pending": 1}
    assert row["on_time_rate"] == 33.3
    assert row["name"] == "区市场监督管理局"
    assert response.data["totals"]["due"] == 4


def test_a_department_sees_its_own_figures_only(world, api):
    assert api("finance").get("/api/v1/dashboard/publicity/").data["rows"] == []
    assert market_row(api("market").get("/api/v1/dashboard/publicity/").data)["overdue"] == 1


def test_each_figure_opens_the_list_it_counts(world, client):
    client.force_login(world.user("leader"))

    page = client.get("/dashboard/publicity/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert page.status_code == 200
    html = page.content.decode()
    assert "区市场监督管理局" in html and 'data-department="market"' in html
    links = dict((url, n) for url, n in list_links(html) if "department=market" in url)
    overdue_url = next(url for url in links if "figure=overdue" in url)
    late_url = next(url for url in links if "figure=late" in url)
    overdue_list = client.get(overdue_url).content.decode()
    late_list = client.get(late_url).content.decode()
    assert OVERDUE in overdue_list and LATE not in overdue_list and MINOR not in overdue_list
    assert LATE in late_list and ON_TIME not in late_list
    assert client.get("/dashboard/list/?kind=records&figure=nonsense").status_code == 404


def test_the_export_and_the_monthly_report_hold_the_publicity_sheet(world, client):
    client.force_login(world.user("leader"))

    response = client.get("/dashboard/publicity/?export=xlsx", HTTP_ACCEPT_LANGUAGE="zh-hans")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    report_titles = [str(sheet.title) for sheet in export.report_sheets(selectors.platform_scope())]

    assert response.status_code == 200
    sheet = book.worksheets[0]
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "区市场监督管理局" in values
    assert any("publicity" in title.lower() or "双公示" in title or "公示" in title for title in report_titles)
