"""The import admin: the upload form, the progress page, the refused-rows report, who sees what."""
import pytest

from lists import admin_import  # noqa: F401  (registers the ImportBatch admin if lists/admin.py does not yet)
from lists import importing
from lists.models import ImportBatch, ListEntry
from tests.lists.test_import import csv_bytes, mixed_rows, upload

ADD = "/admin/lists/importbatch/add/"


def change_url(batch) -> str:
    return f"/admin/lists/importbatch/{batch.pk}/change/"


def report_url(batch) -> str:
    return f"/admin/lists/importbatch/{batch.pk}/report/"


@pytest.fixture
def login(client, world):
    def as_user(username):
        client.force_login(world.user(username))
        return client

    return as_user


def test_upload_runs_the_import_and_shows_progress_and_report(login, django_capture_on_commit_callbacks):
    court = login("court")
    page = court.get(ADD)
    assert page.status_code == 200
    assert b'type="file"' in page.content and b'enctype="multipart/form-data"' in page.content

    with django_capture_on_commit_callbacks(execute=True):
        response = court.post(ADD, {"upload": upload(csv_bytes(mixed_rows())), "strict": "", "open_cases": ""})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == change_url(batch)
    assert (batch.state, batch.created_count, batch.error_count, batch.uploaded_by.username) == ("done", 4, 4, "court")
    assert ListEntry.objects.filter(import_batch=batch).count() == 4

    page = court.get(change_url(batch))
    assert page.status_code == 200
    text = page.content.decode()
    assert "<progress max='100' value='100'>" in text
    assert report_url(batch) in text
    assert 'http-equiv="refresh"' not in text  # done: no more reloading
    assert "astrology" in text  # the refused rows are listed

    report = court.get(report_url(batch))
    assert report.status_code == 200
    assert report["Content-Type"].startswith("text/csv")
    assert b"".join(report.streaming_content).startswith(b"\xef\xbb\xbf")


def test_a_running_import_page_reloads_itself(login, world):
    court = login("court")
    batch, _info = importing.import_batch_create(upload=upload(csv_bytes(mixed_rows())), actor=world.user("court"))
    page = court.get(change_url(batch))
    assert page.status_code == 200
    assert b'http-equiv="refresh"' in page.content


def test_upload_form_refuses_a_bad_header(login):
    court = login("court")
    response = court.post(ADD, {"upload": upload(csv_bytes([["x"]], header=["identifier"]))})
    assert response.status_code == 200
    assert b"lacks the columns" in response.content
    assert not ImportBatch.objects.exists()


def test_imports_are_visible_to_the_uploading_department_and_the_credit_office(login, world):
    batch, _info = importing.import_batch_create(upload=upload(csv_bytes(mixed_rows())), actor=world.user("court"))
    importing.import_run(batch_id=batch.pk, open_cases=False)

    assert login("credit_office").get(change_url(batch)).status_code == 200
    assert login("credit_office").get(report_url(batch)).status_code == 200
    tax = login("tax")
    assert tax.get(change_url(batch)).status_code == 302  # as if it did not exist
    assert tax.get(report_url(batch)).status_code == 404
    listing = tax.get("/admin/lists/importbatch/")
    assert listing.status_code == 200 and change_url(batch).encode() not in listing.content
    # an executing-only department can neither upload nor see the module
    finance = login("finance")
    assert finance.get(ADD).status_code == 403
    assert finance.get("/admin/lists/importbatch/").status_code == 403
