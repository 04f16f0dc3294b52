"""xlsx exports of the dashboard views (openpyxl, write-only: rows are streamed, memory stays flat).

Every sheet starts with a title row and the filters it was computed with (departments by name),
then the header row, frozen, in bold; the columns are as wide as their first rows need. Text that a spreadsheet would read as a
formula (starting with = + - @, a tab or a carriage return) is prefixed with ``'``: names and notes
come from users and subjects, and must never run in the supervisor's spreadsheet.
"""
import datetime
import io
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from credit_platform.models import Department
from supervision import labels, selectors, tables

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
INVALID_TITLE_CHARACTERS = str.maketrans({c: " " for c in "[]:*?/\\"})
# A drill-down export is bounded like a page would be: beyond this, narrow the filters.
MAX_LIST_ROWS = 100_000
# Column widths are measured on the header and the first rows (write-only: set before any row).
WIDTH_SAMPLE_ROWS = 200
MIN_WIDTH, MAX_WIDTH = 8, 60


def neutralise(value):
    """A cell value safe to open: strings that would start a formula get a leading apostrophe."""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_PREFIXES) else value
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, (int, float, datetime.date)):
        return value
    return neutralise(str(value))  # lazy translations, decimals, anything else


@dataclass
class Sheet:
    title: str
    headers: list
    rows: Iterable[list]
    notes: list[list] = field(default_factory=list)


def department_name(code: str) -> str:
    """The name a person reads for a department code ("" for none; the code if it is unknown)."""
    if not code:
        return ""
    department = Department.objects.filter(code=code).first()
    return department.display_name if department else code


def _filter_rows(scope) -> list[list]:
    f = scope.filters
    every = _("All")
    return [
        [labels.FILTERS["from"], f.date_from or every],
        [labels.FILTERS["to"], f.date_to or every],
        [labels.FILTERS["department"], department_name(f.department) or (_("All departments") if scope.sees_all else
                                                                          scope.department.display_name)],
        [labels.FILTERS["region"], f.region or every],
        [labels.FILTERS["generated_at"], timezone.localtime().strftime("%Y-%m-%d %H:%M")],
        [],
    ]


def _text_width(value) -> int:
    """Spreadsheet columns count in Latin characters: a Chinese character takes two."""
    text = value.isoformat() if isinstance(value, (datetime.date, datetime.datetime)) else str(value)
    return sum(2 if ord(character) > 0x2E80 else 1 for character in text)


def _styled(worksheet, value, font):
    cell = WriteOnlyCell(worksheet, value=neutralise(value))
    cell.font = font
    return cell


def workbook_bytes(scope, sheets: list[Sheet], *, title: str = "") -> bytes:
    workbook = Workbook(write_only=True)
    used = set()
    bold, heading = Font(bold=True), Font(bold=True, size=14)
    for sheet in sheets:
        name = str(sheet.title).translate(INVALID_TITLE_CHARACTERS)[:31] or "Sheet"
        while name in used:
            name = name[:28] + f"~{len(used)}"
        used.add(name)
        worksheet = workbook.create_sheet(name)
        rows = iter(sheet.rows)
        sample = list(itertools.islice(rows, WIDTH_SAMPLE_ROWS))
        widths = {}
        for row in [sheet.headers, *sample]:
            for index, value in enumerate(row, start=1):
                widths[index] = max(widths.get(index, MIN_WIDTH), min(MAX_WIDTH, _text_width(neutralise(value)) + 2))
        widths[1] = max(widths.get(1, MIN_WIDTH), 14)  # the filters' labels
        for index, width in widths.items():
            worksheet.column_dimensions[get_column_letter(index)].width = width
        top = [*_filter_rows(scope), *sheet.notes]
        # Rows 1 .. len(top)+1 are the title, filters and notes; the header follows; freeze below it.
        worksheet.freeze_panes = f"A{len(top) + 3}"
        sheet_title = f"{title} — {sheet.title}" if title and str(title) != str(sheet.title) else str(sheet.title)
        worksheet.append([_styled(worksheet, sheet_title, heading)])
        for row in top:
            worksheet.append([neutralise(v) for v in row])
        worksheet.append([_styled(worksheet, h, bold) for h in sheet.headers])
        for row in itertools.chain(sample, rows):
            worksheet.append([neutralise(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def filename(view: str, scope) -> str:
    f = scope.filters
    parts = ["supervision", view]
    if f.department:
        parts.append(f.department)
    if f.date_from or f.date_to:
        parts.append(f"{f.date_from or ''}_{f.date_to or ''}")
    parts.append(scope.today.isoformat())
    return "-".join(parts).replace("/", "") + ".xlsx"


# --- the sheets of each view ------------------------------------------------------------------


def _table_sheet(title, columns: dict, table: dict, keys: list[str]) -> Sheet:
    """One row per department, by name (a person reads no department code), then the totals."""
    keys = ["name", *keys]
    rows = [[row.get(k) for k in keys] for row in table["rows"]]
    rows.append([_("Total"), *[table["totals"].get(k, "") for k in keys[1:]]])
    return Sheet(title, [columns[k] for k in keys], rows)


def scorecard_sheets(scope, *, order: str = "") -> list[Sheet]:
    card = selectors.scorecard(scope, order=order)
    return [_table_sheet(_("Executing departments"), labels.SCORECARD, card, list(selectors.SCORECARD_COLUMNS))]


def initiators_sheets(scope, *, order: str = "") -> list[Sheet]:
    table = selectors.initiators(scope, order=order)
    return [_table_sheet(_("Initiating departments"), labels.INITIATORS, table, list(selectors.INITIATOR_COLUMNS))]


def objections_repairs_sheets(scope) -> list[Sheet]:
    data = selectors.objections_and_repairs(scope)
    return [
        _table_sheet(_("Objections"), labels.OBJECTIONS, data["objections"], list(selectors.OBJECTION_COLUMNS)),
        _table_sheet(_("Credit repairs"), labels.REPAIRS, data["repairs"], list(selectors.REPAIR_COLUMNS)),
    ]


def publicity_sheets(scope) -> list[Sheet]:
    table = selectors.publicity(scope)
    keys = ["code", "name", *selectors.PUBLICITY_COLUMNS, "on_time_rate"]
    return [_table_sheet(_("Licensing and penalty publicity"), labels.PUBLICITY, table, keys)]


def overview_sheets(scope) -> list[Sheet]:
    breakdown = selectors.case_breakdown(scope)
    months = selectors.cases_by_month(scope)
    rows = [[_("By state"), labels.CASE_STATES.get(k, k), n] for k, n in breakdown["by_state"].items()]
    rows += [[_("By kind"), labels.CASE_KINDS.get(k, k), n] for k, n in breakdown["by_kind"].items()]
    rows += [[_("By domain"), labels.DOMAINS.get(k, k), n] for k, n in breakdown["by_domain"].items() if n]
    rows.append([_("Total"), "", breakdown["total"]])
    return [
        Sheet(_("Cases"), [_("Breakdown"), _("Value"), _("Cases")], rows),
        Sheet(_("Cases by month"), [_("Month"), *labels.MONTH_EVENTS.values()], [[m["month"], *[m[e] for e in labels.MONTH_EVENTS]] for m in months]),
    ]


def report_sheets(scope) -> list[Sheet]:
    """Every view in one workbook: the monthly supervision report."""
    return [*overview_sheets(scope), *scorecard_sheets(scope), *initiators_sheets(scope), *objections_repairs_sheets(scope), *publicity_sheets(scope)]


def drilldown_sheets(scope, *, kind: str, queryset) -> list[Sheet]:
    columns = tables.COLUMNS[kind]
    rows = ([column.value(obj) for column in columns] for obj in queryset[:MAX_LIST_ROWS].iterator(chunk_size=2000))
    return [Sheet(_("List"), [c.label for c in columns], rows)]
