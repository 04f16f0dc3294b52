"""A bulk push is never stuck: with the broker down the request answers and the job waits, committed;
the 5-minute sweep sends its missing batches again, each counted once; a hopeless job ends with the
cases not pushed listed."""
import datetime

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError

from credit_platform.models import AuditEvent
from sanctions import services, tasks
from sanctions.models import BulkPushJob, CaseState, JointCase

IDENTIFIERS = ["91620702MA55TH2835", "91620702MAUCCP508N", "91620702MAL23DL45K"]


@pytest.fixture
def initiated(world):
    court = world.user("court")
    cases = [world.defaulter_case(subject=world.subject(i)) for i in IDENTIFIERS]
    for case in cases:
        services.case_initiate(case=case, actor=court)
    return court, cases


@pytest.fixture
def broker_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.bulk_push_batch_task, "delay", refuse)


def _age(job, minutes):
    BulkPushJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(minutes=minutes))


def test_with_the_broker_down_the_request_answers_and_the_job_waits(world, initiated, broker_down, django_capture_on_commit_callbacks):
    court, cases = initiated
    with django_capture_on_commit_callbacks(execute=True):
        job = services.bulk_push_request(actor=court, case_ids=[c.pk for c in cases])
    job.refresh_from_db()
    assert (job.state, job.pushed) == (BulkPushJob.State.QUEUED, 0)
    assert set(JointCase.objects.filter(pk__in=[c.pk for c in cases]).values_list("state", flat=True)) == {CaseState.INITIATED}


def test_the_sweep_sends_a_lost_job_again_and_it_completes(world, initiated, monkeypatch, django_capture_on_commit_callbacks):
    court, cases = initiated
    monkeypatch.setattr(services.periodic, "BULK_PUSH_BATCH", 2)
    with monkeypatch.context() as down:
        down.setattr(tasks.bulk_push_batch_task, "delay", lambda *a, **k: (_ for _ in ()).throw(OperationalError("down")))
        with django_capture_on_commit_callbacks(execute=True):
            job = services.bulk_push_request(actor=court, case_ids=[c.pk for c in cases])
    # Not yet stale: left alone.
    assert services.bulk_push_jobs_resume_stale() == {"resent": 0, "given_up": 0}
    _age(job, 6)
    assert services.bulk_push_jobs_resume_stale() == {"resent": 1, "given_up": 0}
    job.refresh_from_db()
    assert (job.state, job.pushed, job.skipped, job.attempts) == (BulkPushJob.State.DONE, 3, 0, 1)
    assert len(job.batches_done) == 2  # both batches, each counted once
    assert AuditEvent.objects.filter(action="bulk_push_resumed", object_id=str(job.pk)).count() == 1


def test_the_sweep_sends_only_the_missing_batches(world, initiated, monkeypatch):
    court, cases = initiated
    ids = sorted(c.pk for c in cases)
    monkeypatch.setattr(services.periodic, "BULK_PUSH_BATCH", 2)
    job = BulkPushJob.objects.create(requested_by=court, case_ids=ids, total=3, heartbeat_at=timezone.now())
    services.bulk_push_batch(job_id=job.pk, case_ids=ids[:2])  # the first batch ran, the second was lost
    sent = []
    monkeypatch.setattr(tasks.bulk_push_batch_task, "delay", lambda job_id, batch: sent.append(batch))
    _age(job, 10)
    services.bulk_push_jobs_resume_stale()
    assert sent == [ids[2:]]


def test_a_job_that_keeps_failing_ends_with_its_cases_listed(world, initiated, broker_down, django_capture_on_commit_callbacks):
    court, cases = initiated
    with django_capture_on_commit_callbacks(execute=True):
        job = services.bulk_push_request(actor=court, case_ids=[c.pk for c in cases])
    BulkPushJob.objects.filter(pk=job.pk).update(attempts=5)
    _age(job, 30)
    assert services.bulk_push_jobs_resume_stale() == {"resent": 0, "given_up": 1}
    job.refresh_from_db()
    assert job.state == BulkPushJob.State.DONE and job.progress_percent == 100
    assert set(job.errors) == {str(c.pk) for c in cases}
    assert "given up" in next(iter(job.errors.values()))


def test_a_batch_resumed_after_its_worker_died_mid_batch_counts_every_case_pushed(world, initiated, broker_down, django_capture_on_commit_callbacks):
    """Found by the probe (tests/probe/test_faults.py, a worker killed with SIGKILL): the cases a
    dead worker had pushed were skipped by the resumed batch and never counted (140 of 150)."""
    court, cases = initiated
    with django_capture_on_commit_callbacks(execute=True):
        job = services.bulk_push_request(actor=court, case_ids=[c.pk for c in cases])
    # The worker pushes the first case, each in its own transaction, and dies before the batch ends.
    services.periodic._bulk_push_one(cases[0].pk, court, job_id=job.pk)
    # The sweep's delivery of the same batch.
    services.bulk_push_batch(job_id=job.pk, case_ids=[c.pk for c in cases])
    job.refresh_from_db()
    assert (job.state, job.pushed, job.skipped, job.errors) == (BulkPushJob.State.DONE, 3, 0, {})
    assert AuditEvent.objects.filter(action="case_pushed", object_id__in=[str(c.pk) for c in cases]).count() == 3
