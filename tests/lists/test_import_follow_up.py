"""What follows an import when there is no broker (tasks eager): few entries are followed up within
the request, many after the answer; and the sweep that opens the cases an import left unopened."""
import datetime

import pytest
from celery import current_app
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone

from credit_platform import background, demo
from credit_platform.models import AuditEvent
from lists import events, import_tasks, importing
from lists.importing import batches
from lists.models import ImportBatch, ListEntry
from sanctions.models import JointCase, Memorandum
from tests.factories import make_uscc
from tests.lists.conftest import ListWorld, days_ago
from tests.lists.test_import import csv_bytes, post, row, upload

LATER = datetime.timedelta(minutes=11)  # past import_tasks.CASES_STALE


@pytest.fixture
def threads(monkeypatch):
    """The background threads asked for, not started: ``threads.run()`` runs them here, as after the answer."""

    class Threads(list):
        def run(self):
            while self:
                _name, fn, args = self.pop(0)
                fn(*args)

    started = Threads()
    monkeypatch.setattr(background, "start_thread", lambda name, fn, *args: started.append((name, fn, args)))
    return started


def black_rows(n: int, start: int = 90000):
    return [row(make_uscc(start + i, "620702"), f"示范区补开{i}有限公司", number=f"F-{start + i}") for i in range(n)]


def entry_ids(batch_id):
    return list(ListEntry.objects.filter(import_batch_id=batch_id).order_by("pk").values_list("pk", flat=True))


def cases_of(batch_id) -> int:
    return JointCase.objects.filter(list_entry_id__in=entry_ids(batch_id)).count()


# --- no broker: the answer comes before the cases ------------------------------------------------


def test_a_few_entries_have_their_cases_opened_within_the_request(world, api, threads, django_capture_on_commit_callbacks):
    assert current_app.conf.task_always_eager
    with django_capture_on_commit_callbacks(execute=True):
        response = post(api("court"), csv_bytes(black_rows(2)))
    assert response.status_code == 200, response.content
    batch_id = response.json()["batch"]
    assert cases_of(batch_id) == 2 and not threads
    assert ImportBatch.objects.get(pk=batch_id).cases_opening is False


def test_many_entries_answer_with_the_batch_and_their_cases_open_after_the_answer(
    world, api, threads, monkeypatch, django_capture_on_commit_callbacks,
):
    monkeypatch.setattr(batches, "INLINE_FOLLOW_UP_LIMIT", 2)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(api("court"), csv_bytes(black_rows(5)))
    # the entries are committed; the answer gives the batch and its progress, no case opened yet
    assert response.status_code == 202, response.content
    body = response.json()
    assert response["Location"] == body["status_url"]
    assert (body["state"], body["created"], body["rows_done"]) == ("done", 5, 5)
    assert (body["cases_opening"], body["cases_total"], body["cases_opened"]) == (True, 5, 0)
    assert ListEntry.objects.filter(import_batch_id=body["id"]).count() == 5
    assert cases_of(body["id"]) == 0
    assert [name for name, _fn, _args in threads] == [f"import-{body['id']}-cases"]

    with django_capture_on_commit_callbacks(execute=True):
        threads.run()  # the background thread, after the answer
    assert cases_of(body["id"]) == 5
    status = api("court").get(body["status_url"]).json()
    assert (status["cases_opening"], status["cases_total"], status["cases_opened"]) == (False, 5, 5)
    # nothing left for the sweep
    assert import_tasks.import_cases_resume_stale(now=timezone.now() + LATER) == {"tried": 0, "opened": 0, "batches_finished": 0}


def test_a_strict_import_of_many_entries_opens_its_cases_after_the_answer(
    world, api, threads, monkeypatch, django_capture_on_commit_callbacks,
):
    monkeypatch.setattr(batches, "INLINE_FOLLOW_UP_LIMIT", 2)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(api("court"), csv_bytes(black_rows(3, start=91000)), strict="true")
    assert response.status_code == 202 and response.json()["cases_opening"] is True
    assert cases_of(response.json()["id"]) == 0
    with django_capture_on_commit_callbacks(execute=True):
        threads.run()
    assert cases_of(response.json()["id"]) == 3


def test_the_admin_upload_of_many_entries_shows_the_cases_still_opening(
    world, client, threads, monkeypatch, django_capture_on_commit_callbacks,
):
    monkeypatch.setattr(batches, "INLINE_FOLLOW_UP_LIMIT", 2)
    client.force_login(world.user("court"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/lists/importbatch/add/", {"upload": upload(csv_bytes(black_rows(4, start=92000))), "open_cases": "on"})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert (batch.state, batch.created_count, batch.cases_opening) == ("done", 4, True)
    assert cases_of(batch.pk) == 0
    page = client.get(f"/admin/lists/importbatch/{batch.pk}/change/").content.decode()
    assert "0 of 4 opened; still opening" in page and 'http-equiv="refresh"' in page
    with django_capture_on_commit_callbacks(execute=True):
        threads.run()
    page = client.get(f"/admin/lists/importbatch/{batch.pk}/change/").content.decode()
    assert "4 of 4 opened" in page and 'http-equiv="refresh"' not in page


# --- the sweep of lost case openings -------------------------------------------------------------


def lost_import(api, capture, n=3, start=93000, **fields) -> int:
    """An import whose background thread never ran (the process stopped after the answer)."""
    with capture(execute=True):
        response = post(api("court"), csv_bytes(black_rows(n, start=start)), **fields)
    assert response.status_code == 202, response.content
    return response.json()["id"]


def test_the_sweep_opens_the_missing_cases_once_and_leaves_entries_with_a_case_alone(
    world, api, threads, monkeypatch, django_capture_on_commit_callbacks,
):
    monkeypatch.setattr(batches, "INLINE_FOLLOW_UP_LIMIT", 2)
    batch_id = lost_import(api, django_capture_on_commit_callbacks)
    threads.clear()  # the thread is lost
    first, *rest = entry_ids(batch_id)
    with django_capture_on_commit_callbacks(execute=True):
        case = importing_open(first)
    # an import still in progress is left to its thread
    assert import_tasks.import_cases_resume_stale() == {"tried": 0, "opened": 0, "batches_finished": 0}

    with django_capture_on_commit_callbacks(execute=True):
        result = import_tasks.import_cases_resume_stale(now=timezone.now() + LATER)
    assert result == {"tried": 2, "opened": 2, "batches_finished": 1}
    assert cases_of(batch_id) == 3
    assert list(JointCase.objects.filter(list_entry_id=first).values_list("pk", flat=True)) == [case.pk]
    swept = AuditEvent.objects.filter(action=events.entry_case_resumed.code)
    assert sorted(int(pk) for pk in swept.values_list("object_id", flat=True)) == rest
    assert {e.extra["outcome"] for e in swept} == {"opened"}
    assert ImportBatch.objects.get(pk=batch_id).cases_opening is False
    # again: nothing to do
    assert import_tasks.import_cases_resume_stale(now=timezone.now() + LATER)["tried"] == 0
    assert cases_of(batch_id) == 3 and swept.count() == 2


def importing_open(entry_id):
    entry = ListEntry.objects.select_related("import_batch__uploaded_by").get(pk=entry_id)
    return import_tasks.entry_open_case(entry=entry, actor=entry.import_batch.uploaded_by)


def test_the_sweep_tries_an_entry_without_a_memorandum_once(world, api, threads, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(batches, "INLINE_FOLLOW_UP_LIMIT", 1)
    batch_id = lost_import(api, django_capture_on_commit_callbacks, n=2, start=94000)
    Memorandum.objects.update(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert import_tasks.import_cases_resume_stale(now=timezone.now() + LATER) == {"tried": 2, "opened": 0, "batches_finished": 1}
    assert cases_of(batch_id) == 0
    assert set(AuditEvent.objects.filter(action=events.entry_case_resumed.code).values_list("extra__outcome", flat=True)) == {"not_opened"}
    with django_capture_on_commit_callbacks(execute=True):
        assert import_tasks.import_cases_resume_stale(now=timezone.now() + LATER)["tried"] == 0


def test_the_sweep_leaves_imports_that_open_no_case_alone_and_is_bounded(
    world, api, threads, monkeypatch, django_capture_on_commit_callbacks,
):
    monkeypatch.setattr(batches, "INLINE_FOLLOW_UP_LIMIT", 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert post(api("court"), csv_bytes(black_rows(2, start=95000)), open_cases="false").status_code == 200
    batch_id = lost_import(api, django_capture_on_commit_callbacks, n=3, start=96000)
    with django_capture_on_commit_callbacks(execute=True):
        assert import_tasks.import_cases_resume_stale(now=timezone.now() + LATER, limit=2) == {"tried": 2, "opened": 2, "batches_finished": 0}
        assert import_tasks.import_cases_resume_stale(now=timezone.now() + LATER, limit=2) == {"tried": 1, "opened": 1, "batches_finished": 1}
    assert cases_of(batch_id) == 3
    assert JointCase.objects.count() == 3  # the import without cases got none


def test_the_sweep_runs_periodically():
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "lists.import_tasks.import_cases_sweep_task" in schedule
    assert "lists.import_tasks.import_cases_sweep_task" in current_app.tasks


@pytest.mark.django_db(transaction=True)
def test_the_background_thread_opens_the_cases_on_its_own_connection(seeded_rule_sets, monkeypatch):
    demo.seed()
    world = ListWorld()
    monkeypatch.setattr(batches, "INLINE_FOLLOW_UP_LIMIT", 1)
    started = []
    real_start = background.start_thread
    monkeypatch.setattr(background, "start_thread", lambda *a: started.append(real_start(*a)))
    batch, _info = importing.import_batch_create(upload=upload(csv_bytes(black_rows(3, start=97000))), actor=world.user("court"))
    batch = importing.import_run(batch_id=batch.pk)
    assert batch.cases_opening is True and len(started) == 1
    started[0].join(timeout=60)
    assert not started[0].is_alive()
    assert cases_of(batch.pk) == 3
    assert ImportBatch.objects.get(pk=batch.pk).cases_opening is False


def test_the_background_follow_up_starts_again_when_it_loses_the_database(
    world, api, threads, monkeypatch, django_capture_on_commit_callbacks,
):
    monkeypatch.setattr(batches, "INLINE_FOLLOW_UP_LIMIT", 1)
    monkeypatch.setattr(batches.time, "sleep", lambda seconds: None)
    monkeypatch.setattr(batches.connections, "close_all", lambda: None)  # the test's own connection stays
    original = import_tasks.open_cases_for_entries
    calls = {"n": 0}

    def lose_the_database_once(**kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError("database is locked")
        return original(**kwargs)

    monkeypatch.setattr(import_tasks, "open_cases_for_entries", lose_the_database_once)
    batch_id = lost_import(api, django_capture_on_commit_callbacks, n=2, start=98000)
    with django_capture_on_commit_callbacks(execute=True):
        threads.run()
    assert cases_of(batch_id) == 2
    assert ImportBatch.objects.get(pk=batch_id).cases_opening is False


def test_a_black_entry_imported_without_cases_still_proposes_the_removal_of_the_red_entry(
    world, api, threads, django_capture_on_commit_callbacks,
):
    company = world.subject("91620702MAP3MR1488")  # a demo company, red-listed by the tax bureau first
    red = world.published(actor="tax", list_type="red", domain="tax", subject=company, decision_number="甘示税务红〔2026〕9号",
                          decided_on=days_ago(40), basis="纳税信用A级")

    with django_capture_on_commit_callbacks(execute=True):
        response = post(api("court"), csv_bytes([row(company.identifier, company.name, number="（2026）甘0702执301号")]),
                        open_cases="false")

    assert response.status_code == 200, response.content
    batch_id = response.json()["batch"]
    red.refresh_from_db()
    assert red.removal_proposed_at is not None and "（2026）甘0702执301号" in red.removal_proposal_reason
    assert cases_of(batch_id) == 0  # the import opens no case
