"""Import of decided lists (CSV/XLSX): row-by-row report, idempotence, strict mode, encodings, API."""
import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.utils import timezone

from credit_platform import audit
from credit_platform.importing import runs
from credit_platform.models import AuditEvent, Subject
from credit_platform.rules import add_months, entry_periods, rule_set_in_force
from lists import import_api, importing
from lists.importing import batches
from lists.models import (
    EntryState,
    ImportBatch,
    ImportRowError,
    ListEntry,
    ListEntryGroupObjectPermission,
    Source,
)
from sanctions.models import JointCase
from tests.factories import make_citizen_id, make_uscc
from tests.lists.conftest import days_ago

URL = "/api/v1/list-entries/import/"
HEADER = list(importing.COLUMNS)
BASIS = "《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条"

NEW_COMPANY = make_uscc(70001, "620702")
NEW_PERSON = make_citizen_id(7, birth=datetime.date(1975, 3, 1), division="620702")
OTHER_COMPANY = make_uscc(70002, "620702")
DEMO_COMPANY = "91620702MAQJWYL7XF"  # 示范区金川建筑工程有限公司


def bad_check(identifier: str) -> str:
    last = identifier[-1]
    return identifier[:-1] + ("1" if last != "1" else "2")


def row(identifier, name, *, kind="legal_person", list_type="black", severity="severe", domain="judicial", basis=BASIS,
        number="（2026）甘0702执1号", decided_on=None):
    decided = decided_on or days_ago(30)
    return [identifier, name, kind, list_type, severity, domain, basis, number, decided.isoformat() if isinstance(decided, datetime.date) else decided]


def mixed_rows():
    """Rows 2-4 good, rows 5-8 bad (one reason each), row 9 good with a name that differs from the registry."""
    return [
        row(NEW_COMPANY, "示范区新立建材有限公司", number="（2026）甘0702执201号"),                                 # 2 good
        row(NEW_PERSON, "周建华", kind="natural_person", number="（2026）甘0702执202号"),                           # 3 good
        row(OTHER_COMPANY, "示范区宏达商贸有限公司", list_type="red", severity="", domain="tax",
            basis="纳税信用A级", number="A-2026-01"),                                                             # 4 good
        row(bad_check(make_uscc(70003, "620702")), "示范区坏码有限公司", number="（2026）甘0702执204号"),            # 5 check digit
        row(make_uscc(70004, "620702"), "示范区某某有限公司", domain="astrology", number="（2026）甘0702执205号"),     # 6 domain
        row(make_uscc(70005, "620702"), "示范区未来有限公司", decided_on=timezone.localdate() + datetime.timedelta(days=3),
            number="（2026）甘0702执206号"),                                                                    # 7 future
        row(make_uscc(70006, "620702"), "示范区缺依据有限公司", basis="", number="（2026）甘0702执207号"),             # 8 missing
        row(DEMO_COMPANY, "金川建筑（旧称）", number="（2026）甘0702执209号"),                                      # 9 name differs
    ]


def csv_bytes(rows, *, encoding="utf-8", header=HEADER) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def upload(content: bytes, name="defaulters.csv"):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def post(client, content, name="defaulters.csv", **fields):
    return client.post(URL, {"file": upload(content, name), **fields}, format="multipart")


def counts():
    return ListEntry.objects.count(), Subject.objects.count(), AuditEvent.objects.count(), ListEntryGroupObjectPermission.objects.count()


# --- the row-by-row report -----------------------------------------------------------------------


def test_import_reports_each_bad_row_and_imports_the_good_ones_once(world, api):
    court = api("court")
    response = post(court, csv_bytes(mixed_rows()), open_cases="false")
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["created"] == 4
    assert answer["unchanged"] == 0
    errors = {(e["row"], e["field"]) for e in answer["errors"]}
    assert errors == {(5, "identifier"), (6, "domain"), (7, "decided_on"), (8, "basis")}
    reasons = {e["row"]: e["reason"] for e in answer["errors"]}
    assert "check character" in reasons[5]
    assert "astrology" in reasons[6]
    assert "future" in reasons[7]
    assert "required" in reasons[8]
    assert [(w["row"], w["field"]) for w in answer["warnings"]] == [(9, "name")]
    assert "示范区金川建筑工程有限公司" in answer["warnings"][0]["reason"]

    batch = ImportBatch.objects.get(pk=answer["batch"])
    assert (batch.state, batch.created_count, batch.unchanged_count, batch.error_count) == ("done", 4, 0, 4)
    assert batch.rows_done == batch.rows_total == 8
    assert batch.department == world.department("court")

    entries = ListEntry.objects.filter(import_batch=batch).select_related("subject", "rule_set")
    assert entries.count() == 4
    court_group = world.department("court").group
    for entry in entries:
        assert entry.state == EntryState.PUBLISHED and entry.published_at is not None
        assert entry.source == Source.IMPORT
        assert entry.identifying_department.code == "court"
        assert entry.created_by == world.user("court")
        rule_set = rule_set_in_force(entry.decided_on)
        assert entry.rule_set == rule_set
        if entry.list_type == "red":  # no dishonesty: no periods, its validity instead (the rule set's 24 months)
            assert (entry.severity, entry.repair_possible_from, entry.publication_ends_on) == ("", None, None)
            assert entry.valid_until == add_months(entry.decided_on, 24)
        else:
            assert (entry.repair_possible_from, entry.publication_ends_on) == entry_periods(rule_set, entry.severity, entry.decided_on)
        assert ListEntryGroupObjectPermission.objects.filter(content_object=entry, group=court_group, permission__codename="manage_listentry").count() == 1
        # no chain head of its own: the chunk's one event on the batch's stream names it, and its history shows it
        assert not AuditEvent.objects.filter(stream=f"lists.listentry:{entry.pk}").exists()
        (event,) = audit.history_for(entry)
        assert (event.stream, event.action, event.to_state, event.actor.username) == (f"lists.importbatch:{batch.pk}", "entry_imported", "published", "court")

    # existing subject reused under its registered name; the new person has its birth date
    assert Subject.objects.get(identifier=DEMO_COMPANY).name == "示范区金川建筑工程有限公司"
    assert entries.get(subject__identifier=DEMO_COMPANY).subject == world.company
    person = Subject.objects.get(identifier=NEW_PERSON)
    assert (person.kind, person.name, person.birth_date) == ("natural_person", "周建华", datetime.date(1975, 3, 1))
    assert [e.action for e in audit.history_for(person)] == ["subject_created"]
    # one event per chunk and kind on the batch's stream (subjects, entries), each row named with its hash
    chunk_events = AuditEvent.objects.filter(stream=f"lists.importbatch:{batch.pk}", extra__has_key="chunk_streams")
    assert sorted(e.extra["chunk_kind"] for e in chunk_events) == ["credit_platform.subject", "lists.listentry"]
    assert audit.verify_all() is None


def test_importing_the_same_file_again_changes_nothing(world, api):
    court = api("court")
    content = csv_bytes(mixed_rows())
    first = post(court, content, open_cases="false").json()
    before = counts()
    for _attempt in range(2):
        again = post(court, content, open_cases="false")
        assert again.status_code == 200
        answer = again.json()
        assert (answer["created"], answer["unchanged"]) == (0, 4)
        assert {(e["row"], e["field"]) for e in answer["errors"]} == {(e["row"], e["field"]) for e in first["errors"]}
        assert counts() == before


def test_a_decision_twice_in_one_file_is_created_once(world, api):
    rows = [row(NEW_COMPANY, "示范区新立建材有限公司"), row(NEW_COMPANY, "示范区新立建材有限公司")]
    answer = post(api("court"), csv_bytes(rows), open_cases="false").json()
    assert (answer["created"], answer["unchanged"], answer["errors"]) == (1, 1, [])


def test_strict_import_imports_nothing_when_a_row_is_refused(world, api):
    before = counts()
    response = post(api("court"), csv_bytes(mixed_rows()), strict="true")
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["created"] == 0
    assert {e["row"] for e in answer["errors"]} == {5, 6, 7, 8}
    assert counts() == before
    batch = ImportBatch.objects.get(pk=answer["batch"])
    assert batch.state == "done" and "nothing imported" in batch.message


def test_strict_import_of_valid_rows_imports_them_all(world, api):
    good = mixed_rows()[:3]
    answer = post(api("court"), csv_bytes(good), strict="true", open_cases="false").json()
    assert (answer["created"], answer["errors"]) == (3, [])


# --- formats -------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-8"])
def test_csv_encodings(world, api, encoding):
    rows = [row(NEW_COMPANY, "示范区新立建材有限公司"), row(NEW_PERSON, "周建华", kind="自然人", list_type="黑名单", severity="严重")]
    answer = post(api("court"), csv_bytes(rows, encoding=encoding), open_cases="false").json()
    assert (answer["created"], answer["errors"]) == (2, []), answer
    assert Subject.objects.get(identifier=NEW_COMPANY).name == "示范区新立建材有限公司"
    assert Subject.objects.get(identifier=NEW_PERSON).name == "周建华"


def test_chinese_headers_of_the_export_are_accepted(world, api):
    header = ["统一社会信用代码/身份证号码", "名称/姓名", "主体类型", "名单类型", "失信程度", "领域", "认定依据", "决定文号", "决定日期"]
    answer = post(api("court"), csv_bytes([row(NEW_COMPANY, "示范区新立建材有限公司")], header=header), open_cases="false").json()
    assert answer["created"] == 1


def xlsx_bytes(rows, header=HEADER) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_import(world, api):
    decided = days_ago(20)
    rows = [
        [NEW_COMPANY, "示范区新立建材有限公司", "legal_person", "black", "severe", "judicial", BASIS, "X-1", decided],  # a date cell
        [NEW_PERSON, "周建华", "natural_person", "black", "severe", "judicial", BASIS, "X-2", decided.isoformat()],
        [None, None, None, None, None, None, None, None, None],  # blank rows are skipped
        [int(make_citizen_id(8, division="620702")[:17] + "0"), "数字", "natural_person", "black", "severe", "judicial", BASIS, "X-3", decided],
    ]
    answer = post(api("court"), xlsx_bytes(rows), name="list.xlsx", open_cases="false").json()
    assert answer["created"] == 2, answer
    assert [(e["row"], e["field"]) for e in answer["errors"]] == [(5, "identifier")]
    assert "format the column as text" in answer["errors"][0]["reason"]
    assert ListEntry.objects.get(decision_number="X-1").decided_on == decided


# --- the API's refusals --------------------------------------------------------------------------


def test_api_refuses_a_missing_file(world, api):
    response = api("court").post(URL, {"strict": "true"}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()
    assert not ImportBatch.objects.exists()


def test_api_refuses_missing_header_columns(world, api):
    content = csv_bytes([["x", "y"]], header=["identifier", "name"])
    response = post(api("court"), content)
    assert response.status_code == 400
    message = response.json()["file"][0]
    assert "kind" in message and "decided_on" in message
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [("list.pdf", b"%PDF-1.4 binary"), ("list.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100), ("list.xlsx", b"not a zip"),
     ("list.csv", b"\x00\x01\x02\x03 binary"), ("empty.csv", b"")],
)
def test_api_refuses_an_unknown_format(world, api, name, content):
    response = post(api("court"), content, name=name)
    assert response.status_code == 400, response.content
    assert "file" in response.json()


@pytest.mark.parametrize(("username", "status"), [(None, 401), ("finance", 403), ("leader", 403)])
def test_api_refuses_who_may_not_propose(world, api, username, status):
    response = post(api(username), csv_bytes([row(NEW_COMPANY, "示范区新立建材有限公司")]))
    assert response.status_code == status
    assert not ListEntry.objects.exists() and not ImportBatch.objects.exists()


def test_the_credit_office_may_import(world, api):
    answer = post(api("credit_office"), csv_bytes([row(NEW_COMPANY, "示范区新立建材有限公司")]), open_cases="false").json()
    assert answer["created"] == 1
    assert ListEntry.objects.get().identifying_department.code == "credit_office"


# --- large files, progress and resumption --------------------------------------------------------


def test_a_large_file_is_imported_in_the_background(world, api, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(import_api, "SYNC_ROW_LIMIT", 2)
    monkeypatch.setattr(runs, "CHUNK_SIZE", 2)
    rows = [row(make_uscc(80000 + i, "620702"), f"示范区批量{i}有限公司", number=f"B-{i}") for i in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        response = post(api("court"), csv_bytes(rows), open_cases="false")
    assert response.status_code == 202, response.content
    status_url = response.json()["status_url"]
    assert response["Location"] == status_url
    status = api("court").get(status_url)
    assert status.status_code == 200
    assert (status.json()["state"], status.json()["created"], status.json()["rows_done"]) == ("done", 5, 5)
    # another department's import does not exist for the caller
    assert api("tax").get(status_url).status_code == 404
    assert api("credit_office").get(status_url).status_code == 200
    assert api(None).get(status_url).status_code == 401


def test_a_crashed_import_resumes_after_its_last_committed_chunk(world, monkeypatch):
    monkeypatch.setattr(runs, "CHUNK_SIZE", 2)
    rows = [row(make_uscc(81000 + i, "620702"), f"示范区续传{i}有限公司", number=f"R-{i}") for i in range(5)]
    batch, _info = importing.import_batch_create(upload=upload(csv_bytes(rows)), actor=world.user("court"))
    original = batches._Importer.insert
    calls = {"n": 0}

    def crash_on_second_chunk(self, chunk_rows):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OperationalError("server closed the connection unexpectedly")
        return original(self, chunk_rows)

    monkeypatch.setattr(batches._Importer, "insert", crash_on_second_chunk)
    with pytest.raises(OperationalError):
        importing.import_run(batch_id=batch.pk, open_cases=False)
    batch.refresh_from_db()
    assert (batch.state, batch.rows_done, batch.created_count) == ("running", 2, 2)  # the first chunk committed

    monkeypatch.setattr(batches._Importer, "insert", original)
    batch = importing.import_run(batch_id=batch.pk, open_cases=False)
    assert (batch.state, batch.rows_done, batch.created_count, batch.unchanged_count) == ("done", 5, 5, 0)
    assert ListEntry.objects.filter(import_batch=batch).count() == 5
    # a redelivered task finds the batch done and does nothing
    assert importing.import_run(batch_id=batch.pk).created_count == 5


# --- what follows the import ---------------------------------------------------------------------


def test_black_entries_open_their_joint_case_after_commit(world, api, django_capture_on_commit_callbacks):
    rows = [row(DEMO_COMPANY, "示范区金川建筑工程有限公司", number="（2026）甘0702执300号")]
    with django_capture_on_commit_callbacks(execute=True):
        answer = post(api("court"), csv_bytes(rows)).json()
    assert answer["created"] == 1
    entry = ListEntry.objects.get(decision_number="（2026）甘0702执300号")
    case = JointCase.objects.get(list_entry_id=entry.pk)
    assert case.memorandum.code == "judgement-defaulters"
    assert case.initiating_department.code == "court"


def test_opening_cases_is_optional(world, api, django_capture_on_commit_callbacks):
    rows = [row(DEMO_COMPANY, "示范区金川建筑工程有限公司", number="（2026）甘0702执301号")]
    with django_capture_on_commit_callbacks(execute=True):
        assert post(api("court"), csv_bytes(rows), open_cases="false").json()["created"] == 1
    assert not JointCase.objects.exists()


# --- the report ----------------------------------------------------------------------------------


def test_the_report_lists_refused_rows_as_csv_with_bom(world, api):
    answer = post(api("court"), csv_bytes(mixed_rows()), open_cases="false").json()
    response = api("court").get(answer["report_url"])
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")
    lines = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert [(line["row"], line["level"], line["field"]) for line in lines] == [
        ("5", "error", "identifier"), ("6", "error", "domain"), ("7", "error", "decided_on"), ("8", "error", "basis"), ("9", "warning", "name"),
    ]
    # the report carries the row's own columns, so it can be corrected and imported again
    assert lines[1]["domain"] == "astrology" and lines[1]["name"] == "示范区某某有限公司"
    assert api("tax").get(answer["report_url"]).status_code == 404
    assert ImportRowError.objects.filter(batch_id=answer["batch"]).count() == 5


def test_gbk_is_detected_even_after_many_ascii_rows(world):
    ascii_rows = [row(make_uscc(82000 + i, "620702"), f"Company {i} Ltd", number=f"ASCII-{i}") for i in range(3000)]
    content = csv_bytes([*ascii_rows, row(NEW_PERSON, "周建华", kind="natural_person")], encoding="gbk")
    assert len(content) > 256 * 1024
    assert importing.inspect_file(upload(content), "late.csv").encoding == "gb18030"


def test_an_idempotency_key_imports_once(world, api):
    court = api("court")
    content = csv_bytes([row(NEW_COMPANY, "示范区新立建材有限公司")])
    first = court.post(URL, {"file": upload(content), "open_cases": "false"}, format="multipart", HTTP_IDEMPOTENCY_KEY="import-1")
    again = court.post(URL, {"file": upload(content), "open_cases": "false"}, format="multipart", HTTP_IDEMPOTENCY_KEY="import-1")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert ImportBatch.objects.count() == 1
