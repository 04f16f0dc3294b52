"""Hostile import files: zip bombs, oversized cells, foreign encodings and over-long values are refused
with a message (never a 500, never a worker's memory)."""
import datetime
import io
import zipfile

from django.utils import timezone
from kombu.exceptions import OperationalError

from credit_platform.importing import files
from credit_platform.models import AuditEvent
from lists import importing
from lists.importing import batches
from lists.models import ImportBatch, ListEntry
from tests.factories import make_uscc
from tests.lists.test_import import (  # noqa: F401
    BASIS,
    HEADER,
    NEW_COMPANY,
    OTHER_COMPANY,
    counts,
    csv_bytes,
    post,
    row,
    upload,
)


def _xlsx_with(part: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b'<?xml version="1.0"?><Types/>')
        archive.writestr(part, content)
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_from_the_directory_alone(world, api):
    bomb = _xlsx_with("xl/sharedStrings.xml", b" " * (40 << 20))  # 40 MB of spaces, ~40 KB compressed
    assert len(bomb) < 200_000
    before = counts()
    response = post(api("court"), bomb, name="bomb.xlsx")
    assert response.status_code == 400
    assert "zip bomb" in response.json()["file"][0]
    assert counts() == before
    assert not ImportBatch.objects.exists()


def test_a_workbook_expanding_beyond_the_limit_is_refused(world, api, monkeypatch):
    monkeypatch.setattr(files, "XLSX_MAX_EXPANDED_BYTES", 1 << 20)
    workbook = _xlsx_with("xl/worksheets/sheet1.xml", bytes(range(256)) * 8192)  # 2 MB that barely compresses
    response = post(api("court"), workbook, name="big.xlsx")
    assert response.status_code == 400
    assert "expands" in response.json()["file"][0]


def test_a_cell_over_the_csv_limit_stops_the_file_with_its_row_and_no_500(world, api):
    rows = [row(NEW_COMPANY, "示范区新立建材有限公司"), row(OTHER_COMPANY, "示范区宏达商贸有限公司", basis="x" * (files.MAX_CELL_BYTES + 10))]
    response = post(api("court"), csv_bytes(rows))
    assert response.status_code in (200, 201, 400), response.content
    batch = ImportBatch.objects.get()
    assert batch.state == ImportBatch.State.FAILED
    assert "Row 3" in batch.message


def test_a_basis_longer_than_the_api_allows_is_refused_on_its_row(world, api):
    rows = [row(NEW_COMPANY, "示范区新立建材有限公司"), row(OTHER_COMPANY, "示范区宏达商贸有限公司", basis="依" * 200_000)]
    response = post(api("court"), csv_bytes(rows))
    assert response.status_code in (200, 201), response.content
    answer = response.json()
    assert answer["created"] == 1
    assert [(e["row"], e["field"]) for e in answer["errors"]] == [(3, "basis")]
    assert not ListEntry.objects.filter(subject__identifier=OTHER_COMPANY).exists()


def test_shift_jis_is_refused_rather_than_read_as_gbk(world, api):
    japanese = {"basis": "会社法第一条に基づく", "number": "第1号"}
    rows = [row(NEW_COMPANY, "株式会社やまだ商事", **japanese), row(OTHER_COMPANY, "さくらホールディングス株式会社", **japanese)]
    content = csv_bytes(rows, encoding="shift_jis")
    content.decode("gb18030")  # it "decodes": only the characters tell
    response = post(api("court"), content)
    assert response.status_code == 400
    assert "neither UTF-8 nor GBK" in response.json()["file"][0]
    assert not ImportBatch.objects.exists()


def test_gbk_with_rare_name_characters_is_still_gbk(world):
    content = csv_bytes([row(NEW_COMPANY, "示范区喆镕犇淼有限公司"), row(OTHER_COMPANY, "示范区宏达商贸有限公司")], encoding="gbk")
    assert importing.inspect_file(upload(content), "gbk.csv").encoding == "gb18030"


# --- lost runs: the sweep -------------------------------------------------------------------------


def _queued_batch(world, *, minutes_old: int, state=ImportBatch.State.QUEUED, attempts=0):
    rows = [row(make_uscc(83000 + i, "620702"), f"示范区清扫{i}有限公司", number=f"S-{minutes_old}-{i}") for i in range(3)]
    batch, _info = importing.import_batch_create(upload=upload(csv_bytes(rows)), actor=world.user("court"))
    old = timezone.now() - datetime.timedelta(minutes=minutes_old)
    ImportBatch.objects.filter(pk=batch.pk).update(state=state, heartbeat_at=old, created_at=old, attempts=attempts, open_cases=False)
    return batch


def test_a_batch_whose_run_was_lost_is_sent_again_by_the_sweep(world):
    lost = _queued_batch(world, minutes_old=5)
    fresh = _queued_batch(world, minutes_old=0)
    dead_worker = _queued_batch(world, minutes_old=30, state=ImportBatch.State.RUNNING)
    answer = importing.imports_resume_stale()
    assert answer == {"resent": 2, "failed": 0}
    for batch in (lost, dead_worker):
        batch.refresh_from_db()
        assert (batch.state, batch.created_count, batch.attempts) == ("done", 3, 1)  # eager: run at once
    fresh.refresh_from_db()
    assert (fresh.state, fresh.attempts) == ("queued", 0)
    assert AuditEvent.objects.filter(action="import_batch_resumed").count() == 2


def test_a_batch_that_keeps_failing_to_run_is_given_up_with_a_message(world):
    hopeless = _queued_batch(world, minutes_old=60, attempts=5)
    assert importing.imports_resume_stale() == {"resent": 0, "failed": 1}
    hopeless.refresh_from_db()
    assert hopeless.state == "failed"
    assert "upload the file again" in hopeless.message
    assert not ListEntry.objects.filter(import_batch=hopeless).exists()


def test_enqueueing_with_the_broker_down_answers_and_leaves_the_batch_to_the_sweep(world, monkeypatch, django_capture_on_commit_callbacks):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(batches.current_app.tasks[batches.IMPORT_TASK], "delay", broker_down)
    rows = [row(make_uscc(84000, "620702"), "示范区断线有限公司", number="D-1")]
    with django_capture_on_commit_callbacks(execute=True):
        batch, _info = importing.import_batch_create(upload=upload(csv_bytes(rows)), actor=world.user("court"))
        importing.import_batch_enqueue(batch=batch, open_cases=False)
    batch.refresh_from_db()
    assert (batch.state, batch.heartbeat_at is not None) == ("queued", True)
