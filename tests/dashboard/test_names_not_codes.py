"""What a supervisor reads: departments by name (pages, drill-down headings, Excel files), escalated
items by case or receipt number, the line under the filters saying what they chose, and exports with
a title row, the filters, sized columns and a frozen header."""
import datetime

from supervision import services
from tests.dashboard.test_escalation import _setup
from tests.dashboard.test_export import _rows, _workbook


def test_escalations_name_the_case_not_the_row_id(world, client):
    assignment = _setup(world)
    services.overdue_escalate(today=datetime.date(2026, 11, 20))
    client.force_login(world.user("leader"))

    page = client.get("/dashboard/escalations/", {"day": "2026-11-20"}).content.decode()

    assert f">{assignment.case.number}</a>" in page
    assert f">#{assignment.pk}<" not in page


def test_the_drilldown_heading_and_the_scope_line_name_the_chosen_department(simulated, client):
    client.force_login(simulated.user("leader"))
    finance = simulated.department("finance")
    name = finance.name_en  # the tests run in English

    page = client.get("/dashboard/list/", {"kind": "assignments", "figure": "received", "department": "finance"}).content.decode()
    unfiltered = client.get("/dashboard/list/", {"kind": "assignments", "figure": "received"}).content.decode()

    total_line = page[page.index('id="list-total"'):].split("</p>", 1)[0]
    assert name in total_line and "finance" not in total_line
    assert f"Figures of {name} only." in page
    assert "Figures of every department." not in page
    assert "Figures of every department." in unfiltered


def test_the_scorecard_shows_names_without_codes(simulated, client):
    client.force_login(simulated.user("leader"))

    page = client.get("/dashboard/scorecard/").content.decode()

    assert '<span class="code">' not in page
    assert f'<th scope="row">{simulated.department("finance").name_en}</th>' in page


def test_an_export_has_a_title_the_filters_by_name_sized_columns_and_a_frozen_header(simulated, client):
    client.force_login(simulated.user("leader"))
    finance = simulated.department("finance")
    name = finance.name_en  # the tests run in English

    workbook = _workbook(client.get("/dashboard/list/", {"kind": "assignments", "figure": "received", "department": "finance",
                                                         "export": "xlsx"}))

    sheet = workbook.worksheets[0]
    rows = _rows(sheet)
    assert rows[0][0] == "Pushes (executing side) — List"
    assert sheet["A1"].font.bold
    assert ["Department", name] == list(rows[3][:2])
    header_row = next(i for i, row in enumerate(rows) if row[0] == "Case number")
    assert sheet.freeze_panes == f"A{header_row + 2}"
    assert sheet.cell(row=header_row + 1, column=1).font.bold
    assert all(row[2] == name for row in rows[header_row + 1:])
    assert sheet.column_dimensions["B"].width > 10  # the target's name
