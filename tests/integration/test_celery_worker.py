"""The bulk push on a real Celery worker with Redis as broker (not eager)."""
import os
import time

import pytest
import redis
from celery.contrib.testing.worker import start_worker

from credit_platform import demo
from credit_platform.celery import app
from sanctions import services
from sanctions.models import Assignment, BulkPushJob, CaseState, JointCase
from tests.sanctions.conftest import DemoWorld

BROKER = os.environ.get("CELERY_INTEGRATION_BROKER_URL", "redis://127.0.0.1:6379/15")


def _redis_answers() -> bool:
    try:
        return redis.Redis.from_url(BROKER, socket_connect_timeout=2).ping()
    except redis.RedisError:
        return False


@pytest.fixture
def redis_worker(settings):
    if not _redis_answers():
        if os.environ.get("CI"):
            pytest.fail(f"Redis does not answer at {BROKER}; CI must start it (.ci/run).")
        pytest.skip(f"Redis does not answer at {BROKER}")
    redis.Redis.from_url(BROKER).flushdb()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.update(broker_url=BROKER, result_backend=None, task_always_eager=False, broker_connection_retry_on_startup=True)
    _reset_connections()
    assert not app.conf.task_always_eager and app.connection().as_uri().startswith("redis://")
    with start_worker(app, pool="threads", concurrency=2, perform_ping_check=False, loglevel="WARNING"):
        yield
    app.conf.update(task_always_eager=True, broker_url="memory://")
    _reset_connections()


def _reset_connections():
    """Earlier tests may have opened producer pools on another broker: start afresh."""
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_bulk_push_runs_on_a_real_worker(seeded_rule_sets, redis_worker):
    demo.seed()
    world = DemoWorld()
    court = world.user("court")
    identifiers = ["91620702MAQJWYL7XF", "91620702MA55TH2835", "91620702MAUCCP508N", "91620702MAL23DL45K"]
    cases = [world.defaulter_case(subject=world.subject(i)) for i in identifiers]
    for case in cases:
        services.case_initiate(case=case, actor=court)

    job = services.bulk_push_request(actor=court, case_ids=[c.pk for c in cases])

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.state == BulkPushJob.State.DONE:
            break
        time.sleep(0.2)
    assert job.state == BulkPushJob.State.DONE, job.errors
    assert job.pushed == len(cases) and not job.errors
    assert set(JointCase.objects.filter(pk__in=[c.pk for c in cases]).values_list("state", flat=True)) == {CaseState.PUSHED}
    assert Assignment.objects.filter(case__in=cases).count() > len(cases)
