"""Exports open as xlsx with the filters applied, and never carry a live formula."""
import datetime
import io

import pytest
from openpyxl import load_workbook

from supervision import export, tasks
from supervision.models import MonthlyReport

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+86 0936", "'+86 0936"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("示范区财政局", "示范区财政局"), ("a=b", "a=b"), (-2, -2), (3.5, 3.5), (None, ""),
])
def test_neutralise(value, expected):
    assert export.neutralise(value) == expected


def _workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment;")
    return load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))


def _rows(sheet):
    return [[c for c in row] for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("url", ["/dashboard/", "/dashboard/scorecard/", "/dashboard/initiators/", "/dashboard/objections-repairs/",
                                 "/dashboard/list/?kind=assignments&figure=received"])
def test_every_view_exports_to_xlsx(simulated, client, url):
    client.force_login(simulated.user("leader"))

    workbook = _workbook(client.get(url, {"export": "xlsx"} if "?" not in url else None) if "?" not in url else client.get(url + "&export=xlsx"))

    assert workbook.sheetnames
    assert any(len(_rows(sheet)) > 6 for sheet in workbook.worksheets)


def test_scorecard_export_has_the_filters_and_the_page_figures(simulated, client):
    client.force_login(simulated.user("leader"))
    page = client.get("/dashboard/scorecard/", {"region": "6207", "o": "code"})

    workbook = _workbook(client.get("/dashboard/scorecard/", {"region": "6207", "o": "code", "export": "xlsx"}))

    rows = _rows(workbook.worksheets[0])
    assert rows[0][0].startswith("Executing departments")  # the title row
    assert ["Region code", "6207"] == list(rows[4][:2])
    names = [r[0] for r in rows[8:-1]]
    assert names == [r["name"] for r in page.context["rows"]]  # departments by name, not code
    received = [r[1] for r in rows[8:-1]]
    assert received == [r["cells"][0]["value"] for r in page.context["rows"]]


def test_department_export_holds_only_its_own_figures(simulated, client):
    client.force_login(simulated.user("finance"))

    rows = _rows(_workbook(client.get("/dashboard/scorecard/", {"export": "xlsx"})).worksheets[0])

    assert [r[0] for r in rows[8:]] == [simulated.department("finance").name_en, "Total"]  # by name, in English here


def test_monthly_report_is_generated_stored_and_downloadable_by_supervisors(simulated, client):
    month = datetime.date.today().replace(day=1)
    report_id = tasks.monthly_report_task(month.isoformat())
    report = MonthlyReport.objects.get(pk=report_id)

    assert report.month == month and report.size > 0 and len(report.sha256) == 64
    assert tasks.monthly_report_task(month.isoformat()) == report_id  # idempotent
    client.force_login(simulated.user("leader"))
    listing = client.get("/dashboard/reports/")
    assert f"/dashboard/reports/{report.pk}/download/" in listing.content.decode()
    workbook = _workbook(client.get(f"/dashboard/reports/{report.pk}/download/"))
    assert len(workbook.sheetnames) >= 5
    client.force_login(simulated.user("finance"))
    assert client.get(f"/dashboard/reports/{report.pk}/download/").status_code == 404
