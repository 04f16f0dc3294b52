"""Text from users never becomes a live formula in an export; the monthly report covers the previous month."""
import datetime
import io

from openpyxl import load_workbook

from sanctions.models import Assignment
from supervision import services, tasks
from supervision.models import MonthlyReport
from tests.dashboard.conftest import on_day
from tests.dashboard.test_export import _rows, _workbook


def test_exported_text_cannot_run_as_a_formula(world, client):
    with on_day(datetime.date(2026, 11, 13)):
        case = world.pushed_case()
    assignment = Assignment.objects.get(case=case, department__code="finance", target=case.subject)
    with on_day(datetime.date(2026, 11, 17)):
        services.urge_send(actor=world.user("leader"), kind="assignment", item_id=assignment.pk, note='=HYPERLINK("http://x","y")')
    client.force_login(world.user("leader"))

    rows = _rows(_workbook(client.get("/dashboard/list/", {"kind": "urges", "export": "xlsx"})).worksheets[0])

    notes = [r[5] for r in rows[8:]]  # after the title, the filters and the header
    assert notes == ['\'=HYPERLINK("http://x","y")']
    assert all(cell.data_type != "f" for row in load_workbook(io.BytesIO(
        client.get("/dashboard/list/", {"kind": "urges", "export": "xlsx"}).content)).worksheets[0].iter_rows() for cell in row)


def test_monthly_task_reports_the_previous_month(world):
    with on_day(datetime.date(2026, 12, 1), hour=1):
        tasks.monthly_report_task()

    assert list(MonthlyReport.objects.values_list("month", flat=True)) == [datetime.date(2026, 11, 1)]
    assert services.previous_month(datetime.date(2026, 1, 1)) == datetime.date(2025, 12, 1)
