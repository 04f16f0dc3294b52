"""Import of credit records (CSV/XLSX): the English columns and the national 双公示 headers, the
row-by-row report, idempotence, the providing department and consent rules, 当前状态 2."""
import csv
import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from credit_platform import audit
from credit_platform.models import AuditEvent, Subject
from credit_platform.rules import add_months
from records.models import (
    CreditRecord,
    RecordImportBatch,
    RecordRemovalReason,
    RecordSource,
    RecordState,
)
from tests.factories import make_citizen_id, make_uscc
from tests.records.conftest import days_ago

URL = "/api/v1/records/import/"
ENGLISH = ["identifier", "name", "kind", "record_type", "decision_number", "decided_on", "severity", "basis", "valid_until"]
PENALTY_FIELDS = ["violation_type", "facts", "penalty_content", "fine_amount"]
LICENCE_FIELDS = ["licence_name", "licence_number", "licence_content", "licence_category"]
NEW_COMPANY = make_uscc(91001, "620702")
OTHER_COMPANY = make_uscc(91002, "620702")
NEW_PERSON = make_citizen_id(91, birth=datetime.date(1980, 5, 1), division="620702")
FOOD_COMPANY = "91620702MAP3MR1488"
BASIS = "《中华人民共和国食品安全法》第一百二十四条"

NATIONAL_LICENSING = [
    "行政相对人名称", "行政相对人类别", "统一社会信用代码", "法定代表人", "证件类型", "证件号码", "行政许可决定文书名称",
    "行政许可决定文书号", "许可类别", "许可证书名称", "许可编号", "许可内容", "许可决定日期", "有效期自", "有效期至",
    "许可机关", "许可机关统一社会信用代码", "当前状态", "数据来源单位", "数据来源单位统一社会信用代码", "备注",
]
NATIONAL_PENALTY = [
    "行政相对人名称", "行政相对人类别", "统一社会信用代码", "法定代表人", "证件类型", "证件号码", "行政处罚决定书文号",
    "违法行为类型", "违法事实", "处罚依据", "处罚类别", "处罚内容", "罚款金额（万元）", "处罚决定日期", "处罚有效期",
    "公示截止期", "处罚机关", "处罚机关统一社会信用代码", "数据来源单位", "数据来源单位统一社会信用代码",
]
MARKET_USCC = make_uscc(99001, "620702")


def csv_bytes(header, rows, encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(header, rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def post(client, content: bytes, name="records.csv", **data):
    return client.post(URL, {"file": SimpleUploadedFile(name, content), **data}, format="multipart")


def english_rows(decided=None):
    decided = (decided or days_ago(2)).isoformat()
    return [
        [NEW_COMPANY, "示范区新立食品有限公司", "legal_person", "administrative-penalty", "市监罚〔2026〕101号", decided, "general", BASIS,
         "", "超范围使用食品添加剂", "抽检不合格", "罚款人民币五万元", "5", "", "", "", ""],
        [NEW_PERSON, "周建华", "natural_person", "administrative-licensing", "市监许〔2026〕102号", decided, "", "", "2099-12-31",
         "", "", "", "", "食品经营许可证", "JY1620702000001", "预包装食品销售", "普通"],
        [OTHER_COMPANY, "示范区宏达商贸有限公司", "法人", "administrative-licensing", "市监许〔2026〕103号", decided, "", "", "",
         "", "", "", "", "食品经营许可证", "", "散装食品销售", ""],
    ]


ENGLISH_HEADER = ENGLISH + PENALTY_FIELDS + LICENCE_FIELDS


def test_english_columns_create_penalty_and_licensing_records_with_their_periods(world, api):
    response = post(api("market"), csv_bytes(ENGLISH_HEADER, english_rows()))
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["unchanged"], body["errors"]) == (3, 0, [])

    penalty = CreditRecord.objects.get(decision_number="市监罚〔2026〕101号")
    assert (penalty.subject.identifier, penalty.subject.kind, penalty.department.code) == (NEW_COMPANY, "legal_person", "market")
    assert (penalty.state, penalty.severity, penalty.source) == (RecordState.DRAFT, "general", RecordSource.IMPORT)
    assert penalty.content == {"violation_type": "超范围使用食品添加剂", "facts": "抽检不合格", "penalty_content": "罚款人民币五万元", "fine_amount": "5"}
    assert penalty.publication_due is not None and penalty.publication_due > penalty.decided_on  # 7 working days
    assert penalty.repair_possible_from is not None and penalty.publication_ends_on is not None

    forever = CreditRecord.objects.get(decision_number="市监许〔2026〕102号")
    assert forever.subject.kind == "natural_person" and forever.publication_ends_on == datetime.date(2099, 12, 31)
    three_years = CreditRecord.objects.get(decision_number="市监许〔2026〕103号")
    assert three_years.valid_until is None and three_years.publication_ends_on == add_months(three_years.decided_on, 36)
    assert three_years.content == {"licence_name": "食品经营许可证", "licence_content": "散装食品销售"}

    # Audited in bulk: the subjects created and each record's first event.
    assert [e.action for e in audit.history_for(penalty)] == ["record_imported"]
    assert [e.action for e in audit.history_for(penalty.subject)] == ["subject_created"]
    assert not AuditEvent.objects.filter(stream=audit.stream_for(penalty)).exists()  # one event per chunk, on the batch's stream
    assert audit.verify_all() is None


def test_reimporting_the_same_file_changes_nothing(world, api):
    content = csv_bytes(ENGLISH_HEADER, english_rows())
    assert post(api("market"), content).json()["created"] == 3
    events = AuditEvent.objects.count()
    body = post(api("market"), content).json()
    assert (body["created"], body["unchanged"], body["errors"]) == (0, 3, [])
    assert CreditRecord.objects.count() == 3 and AuditEvent.objects.count() == events


def test_refused_rows_are_reported_with_their_row_numbers_and_reasons(world, api):
    good = english_rows()[0]
    future = list(good)
    future[4], future[5] = "市监罚〔2026〕104号", (datetime.date.today() + datetime.timedelta(days=5)).isoformat()
    no_basis = list(good)
    no_basis[4], no_basis[7] = "市监罚〔2026〕105号", ""
    unknown_type = list(good)
    unknown_type[3], unknown_type[4] = "astrology", "X-1"
    bad_code = list(good)
    bad_code[0], bad_code[4] = NEW_COMPANY[:-1] + ("1" if NEW_COMPANY[-1] != "1" else "2"), "市监罚〔2026〕106号"
    missing_field = list(good)
    missing_field[4], missing_field[10] = "市监罚〔2026〕107号", ""  # facts: a required field of the type
    response = post(api("market"), csv_bytes(ENGLISH_HEADER, [good, future, no_basis, unknown_type, bad_code, missing_field]))
    body = response.json()
    assert body["created"] == 1
    reasons = {(e["row"], e["field"]) for e in body["errors"]}
    assert reasons == {(3, "decided_on"), (4, "basis"), (5, "record_type"), (6, "identifier"), (7, "content")}

    batch = RecordImportBatch.objects.get(pk=body["batch"])
    report = b"".join(api("market").get(body["report_url"]).streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(report)))
    assert lines[0][:4] == ["row", "level", "field", "reason"]
    assert [line[0] for line in lines[1:]] == ["3", "4", "5", "6", "7"]
    assert batch.error_count == 5
    # The report is the department's: another one gets 404.
    assert api("tax").get(body["report_url"]).status_code == 404
    assert api("tax").get(body["status_url"]).status_code == 404
    assert api("market").get(body["status_url"]).json()["refused"] == 5


def test_national_licensing_spreadsheet_in_xlsx_with_status_2_imported_removed(world, api):
    decided = days_ago(3).isoformat()
    rows = [
        ["示范区新立食品有限公司", "法人及非法人组织", NEW_COMPANY, "王立", "", "", "食品经营许可决定书", "甘示市监许〔2026〕201号",
         "普通", "食品经营许可证", "JY1620702000201", "预包装食品销售", decided, decided, "2099-12-31", "区市场监督管理局", MARKET_USCC, "1",
         "区市场监督管理局", MARKET_USCC, ""],
        ["示范区川味小吃店", "法人及非法人组织", make_uscc(91003, "620702").replace("91", "92", 1)[:17], "", "", "", "", "甘示市监许〔2026〕202号",
         "普通", "食品经营许可证", "", "热食类食品制售", decided, decided, "", "区市场监督管理局", MARKET_USCC, "1",
         "区市场监督管理局", MARKET_USCC, ""],
        ["示范区宏达商贸有限公司", "法人及非法人组织", OTHER_COMPANY, "", "", "", "", "甘示市监许〔2026〕203号",
         "普通", "食品经营许可证", "", "散装食品销售", decided, decided, "2027-12-31", "区市场监督管理局", MARKET_USCC, "2",
         "区市场监督管理局", MARKET_USCC, ""],
    ]
    # Row 3: an individual business's code (92...) with its check character.
    from credit_platform import identifiers
    first17 = "92" + make_uscc(91003, "620702")[2:17]
    rows[1][2] = first17 + identifiers.uscc_check_character(first17)
    response = post(api("market"), xlsx_bytes(NATIONAL_LICENSING, rows), name="许可.xlsx", record_type="administrative-licensing")
    body = response.json()
    assert response.status_code == 200, body
    assert (body["created"], body["errors"]) == (3, [])

    forever = CreditRecord.objects.get(decision_number="甘示市监许〔2026〕201号")
    assert forever.record_type.code == "administrative-licensing" and forever.subject.kind == "legal_person"
    assert forever.publication_ends_on == datetime.date(2099, 12, 31)
    assert forever.content == {"licence_name": "食品经营许可证", "licence_number": "JY1620702000201", "licence_content": "预包装食品销售",
                               "licence_category": "普通"}
    shop = CreditRecord.objects.get(decision_number="甘示市监许〔2026〕202号")
    assert shop.subject.kind == "individual_business"
    assert shop.publication_ends_on == add_months(shop.decided_on, 36)
    revoked = CreditRecord.objects.get(decision_number="甘示市监许〔2026〕203号")
    assert (revoked.state, revoked.removal_reason) == (RecordState.REMOVED, RecordRemovalReason.REVOKED)
    assert [e.to_state for e in audit.history_for(revoked)] == [RecordState.REMOVED]


def test_national_penalty_spreadsheet_in_gbk_csv_published_at_once(world, api):
    decided = days_ago(2).isoformat()
    ends = (days_ago(2) + datetime.timedelta(days=400)).isoformat()
    rows = [
        ["示范区新立食品有限公司", "法人及非法人组织", NEW_COMPANY, "王立", "", "", "甘示市监罚〔2026〕301号", "生产经营超范围使用食品添加剂的食品",
         "抽检不合格", BASIS, "警告;罚款", "警告，罚款人民币五万元", "5", decided, "", ends, "区市场监督管理局", MARKET_USCC,
         "区市场监督管理局", MARKET_USCC],
        ["周建华", "自然人", "", "", "身份证", NEW_PERSON, "甘示市监罚〔2026〕302号", "未按规定公示信息", "未公示", BASIS, "警告",
         "警告", "", decided, "", "", "区市场监督管理局", MARKET_USCC, "区市场监督管理局", MARKET_USCC],
    ]
    content = csv_bytes(NATIONAL_PENALTY, rows, encoding="gbk")
    response = post(api("market"), content, name="处罚.csv", record_type="administrative-penalty", publish="true")
    body = response.json()
    assert response.status_code == 200, body
    assert (body["created"], body["errors"]) == (2, [])

    fine = CreditRecord.objects.get(decision_number="甘示市监罚〔2026〕301号")
    assert (fine.severity, fine.state, fine.published_on_time) == ("general", RecordState.PUBLISHED, True)
    assert fine.publication_ends_on == datetime.date.fromisoformat(ends)  # 公示截止期
    assert fine.content["violation_type"] == "生产经营超范围使用食品添加剂的食品" and fine.content["fine_amount"] == "5"
    warning = CreditRecord.objects.get(decision_number="甘示市监罚〔2026〕302号")
    assert warning.subject.kind == "natural_person" and warning.severity == "minor"  # 警告 alone
    assert warning.publication_due is None  # a minor penalty is not counted for punctuality
    assert warning.publication_ends_on <= add_months(warning.decided_on, 3)


def test_another_department_is_refused(world, api):
    content = csv_bytes(ENGLISH_HEADER, english_rows())
    # The court provides no record type at all; the civilization office provides honours only.
    assert post(api("court"), content).status_code == 403
    national = csv_bytes(NATIONAL_LICENSING, [])
    assert post(api("civilization"), national, record_type="administrative-licensing").status_code == 403
    # In the English columns each row's type is checked: its rows of licensing and penalties are refused.
    body = post(api("civilization"), content).json()
    assert body["created"] == 0 and {e["field"] for e in body["errors"]} == {"record_type"}
    assert not CreditRecord.objects.exists() and not Subject.objects.filter(identifier=NEW_COMPANY).exists()


def test_a_consent_type_row_without_consent_reference_is_refused(world, api):
    header = ["identifier", "name", "kind", "record_type", "decision_number", "decided_on", "severity", "basis", "consent_reference",
              "tax_category", "tax_amount"]
    rows = [
        [FOOD_COMPANY, "示范区绿洲食品有限公司", "legal_person", "tax-arrears", "税欠〔2026〕1号", days_ago(5).isoformat(), "general",
         "《税收征收管理法》", "", "增值税", "120000"],
        [FOOD_COMPANY, "示范区绿洲食品有限公司", "legal_person", "tax-arrears", "税欠〔2026〕2号", days_ago(5).isoformat(), "general",
         "《税收征收管理法》", "授权〔2026〕8号", "增值税", "80000"],
    ]
    body = post(api("tax"), csv_bytes(header, rows)).json()
    assert body["created"] == 1
    assert [(e["row"], e["field"]) for e in body["errors"]] == [(2, "consent_reference")]
    assert CreditRecord.objects.get().consent_reference == "授权〔2026〕8号"


def test_the_admin_upload_page_imports_and_offers_the_report(world, client, django_capture_on_commit_callbacks):
    client.force_login(world.user("market"))
    rows = english_rows()
    rows[2][0] = "bad"
    upload = SimpleUploadedFile("records.csv", csv_bytes(ENGLISH_HEADER, rows))
    with django_capture_on_commit_callbacks(execute=True):  # the run is a task, started on commit (eager here)
        response = client.post("/admin/records/recordimportbatch/add/", {"upload": upload, "publish": "on"})
    assert response.status_code == 302, response.content
    batch = RecordImportBatch.objects.get()
    assert (batch.state, batch.created_count, batch.error_count) == ("done", 2, 1)
    page = client.get(f"/admin/records/recordimportbatch/{batch.pk}/change/").content.decode()
    assert "report" in page
    report = client.get(f"/admin/records/recordimportbatch/{batch.pk}/report/")
    assert b"".join(report.streaming_content).decode("utf-8-sig").splitlines()[1].startswith("4,error,identifier")
    # Another department neither sees it nor its report.
    client.force_login(world.user("tax"))
    assert client.get(f"/admin/records/recordimportbatch/{batch.pk}/report/").status_code == 404
