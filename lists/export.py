"""Excel export of list entries (Chinese headers), for the admin action and the API.

openpyxl's write-only workbook streams the rows to a temporary file (memory stays flat whatever the
number of entries); the response then streams that file. Every text cell that a spreadsheet would
read as a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return) is neutralised with a leading
apostrophe (CSV/formula injection, OWASP).

The entries' sheet keeps its header in row 1 (an export imports back), frozen, in bold, with sized
columns; a second sheet, 导出说明, holds the title, the filters the list was chosen with and the time.

The export holds full identifiers and names: it is for departments, from a queryset already scoped
by ``lists.access.entries_for_user``; the admin action logs the look-up of every natural person.
"""
import datetime
import tempfile

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from credit_platform.importing.report import FORMULA_PREFIXES, neutralise  # noqa: F401 - FORMULA_PREFIXES: what the export neutralises
from credit_platform.models import Subject, SubjectKind
from credit_platform.selectors import person_records_viewed
from lists import labels

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# (header, value of an entry). The first nine headers are import aliases: an export imports back.
COLUMNS = [
    ("名称/姓名", lambda e: e.subject.name),
    ("统一社会信用代码/身份证号码", lambda e: e.subject.identifier),
    ("主体类型", lambda e: labels.label(labels.KIND, e.subject.kind)),
    ("名单类型", lambda e: labels.label(labels.LIST_TYPE, e.list_type)),
    ("失信程度", lambda e: labels.label(labels.SEVERITY, e.severity)),
    ("领域", lambda e: labels.label(labels.DOMAIN, e.domain)),
    ("认定依据", lambda e: e.basis),
    ("决定文号", lambda e: e.decision_number),
    ("决定日期", lambda e: e.decided_on),
    ("认定部门", lambda e: e.identifying_department.name),
    ("状态", lambda e: labels.label(labels.STATE, e.state)),
    ("可申请修复日期", lambda e: e.repair_possible_from),
    ("公示截止日期", lambda e: e.publication_ends_on),
    ("红名单有效期至", lambda e: e.valid_until),
    ("公示时间", lambda e: timezone.localtime(e.published_at).replace(tzinfo=None) if e.published_at else None),
    ("来源", lambda e: "导入" if e.source == "import" else "认定程序"),
]
COLUMN_WIDTHS = [36, 24, 12, 14, 10, 24, 40, 28, 12, 24, 12, 14, 14, 14, 18, 10]


def write_entries_xlsx(queryset, fileobj, *, filters: list[tuple[str, str]] = ()) -> int:
    """Write the entries of ``queryset`` as an XLSX workbook into ``fileobj``; return the number of rows.
    ``filters``: (what, chosen) pairs the entries were selected with, named on the 导出说明 sheet."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("名单")
    sheet.freeze_panes = "A2"  # the header stays in sight
    for index, width in enumerate(COLUMN_WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    bold = Font(bold=True)
    header = []
    for title, _value in COLUMNS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    rows = 0
    entries = queryset.select_related("subject", "identifying_department").order_by("pk")
    for entry in entries.iterator(chunk_size=2000):
        values = []
        for _title, value_of in COLUMNS:
            value = neutralise(value_of(entry))
            if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "yyyy-mm-dd"
                value = cell
            values.append(value)
        sheet.append(values)
        rows += 1
    _write_about_sheet(workbook, filters, rows, bold)
    workbook.save(fileobj)
    return rows


def _write_about_sheet(workbook, filters, rows: int, bold) -> None:
    """The title, the filters applied and when: on a sheet of its own, after the entries."""
    about = workbook.create_sheet("导出说明")
    about.column_dimensions["A"].width = 20
    about.column_dimensions["B"].width = 60
    title = WriteOnlyCell(about, value="信用名单条目导出")
    title.font = Font(bold=True, size=14)
    about.append([title])
    for label, value in [*filters, ("条目数", rows), ("导出时间", timezone.localtime().strftime("%Y-%m-%d %H:%M"))]:
        cell = WriteOnlyCell(about, value=neutralise(str(label)))
        cell.font = bold
        about.append([cell, neutralise(value if isinstance(value, int) else str(value))])
    if not filters:
        about.append(["筛选条件", "无（所选条目）"])


def export_entries_xlsx(queryset, *, filename: str | None = None, filters: list[tuple[str, str]] = ()) -> FileResponse:
    """An HTTP response with the entries of ``queryset`` as an XLSX download."""
    spool = tempfile.TemporaryFile()
    write_entries_xlsx(queryset, spool, filters=filters)
    spool.seek(0)
    filename = filename or f"list-entries-{timezone.localdate():%Y%m%d}.xlsx"
    # FileResponse streams the file in blocks and closes it when done.
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=CONTENT_TYPE)


def export_entries_action(modeladmin, request, queryset):
    """Admin action for the ListEntry admin: ``actions = [export_entries_action]``."""
    # The selection comes from the admin's own (access-scoped) changelist queryset.
    persons = Subject.objects.filter(kind=SubjectKind.NATURAL_PERSON, pk__in=queryset.values("subject_id")).only("pk", "kind")
    person_records_viewed(user=request.user, subjects=persons, reason=str(_("Excel export of list entries")))
    return export_entries_xlsx(queryset, filters=changelist_filters(modeladmin, request))


def changelist_filters(modeladmin, request) -> list[tuple[str, str]]:
    """The admin list's filters and search as a person reads them: (filter title, chosen value)."""
    changelist = modeladmin.get_changelist_instance(request)
    chosen = []
    for spec in changelist.filter_specs:
        if not getattr(spec, "used_parameters", None):
            continue
        values = [str(choice["display"]) for choice in spec.choices(changelist) if choice.get("selected")]
        if values:
            chosen.append((str(spec.title), "、".join(values)))
    if changelist.query:
        chosen.append((str(_("Search")), changelist.query))
    return chosen


export_entries_action.short_description = _("Export the selected entries to Excel")
export_entries_action.allowed_permissions = ("view",)
