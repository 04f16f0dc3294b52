"""Faults (issue 12): the webhook receiver down, a worker killed mid-task, the database gone
mid-request. The broker down is ``tests/integration/test_broker_down.py``. Nothing may be lost or
half-written, nothing may stay stuck, and the API answers 503 (JSON), never 500."""
import datetime
import http.server
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter

import psycopg
import pytest
import redis
from django.conf import settings as django_settings
from django.db import close_old_connections, connection
from django.test import Client
from django.utils import timezone

from credit_platform import demo, webhooks
from credit_platform.audit import verify_all
from credit_platform.celery import app
from credit_platform.models import AuditEvent, Department, WebhookDelivery
from sanctions import services
from sanctions.models import Assignment, BulkPushJob, CaseState, JointCase
from tests.integration.test_celery_worker import _reset_connections
from tests.probe.conftest import LONG, record
from tests.sanctions.conftest import DemoWorld

PROBE_BROKER = os.environ.get("PROBE_BROKER_URL", "redis://127.0.0.1:6379/12")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Receiver(http.server.BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        type(self).received.append((self.headers["X-Credit-Delivery"], self.headers["X-Credit-Timestamp"],
                                    self.headers["X-Credit-Signature"], body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.mark.django_db
def test_webhooks_survive_the_receiver_being_down():
    demo.seed()
    world = DemoWorld()
    port = _free_port()
    Department.objects.update(webhook_url=f"http://127.0.0.1:{port}/hook", webhook_secret="probe-secret")
    for _ in range(3 if LONG else 1):
        world.pushed_case()  # each executing department is notified: one delivery each
    deliveries = set(WebhookDelivery.objects.values_list("pk", flat=True))
    assert deliveries

    # The receiver is down: every attempt fails and stays pending, to be retried.
    rounds_down = 3
    for _ in range(rounds_down):
        WebhookDelivery.objects.filter(state="pending").update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))
        webhooks.sweep()
    assert set(WebhookDelivery.objects.values_list("state", flat=True)) == {"pending"}

    # It comes back: the next sweep delivers everything, each signed.
    _Receiver.received = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        WebhookDelivery.objects.filter(state="pending").update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))
        webhooks.sweep()
    finally:
        server.shutdown()
        server.server_close()
    received = Counter(int(d) for d, *_ in _Receiver.received)
    assert set(received) == deliveries and set(WebhookDelivery.objects.values_list("state", flat=True)) == {"delivered"}
    assert all(webhooks.verify_signature("probe-secret", ts, body, sig) for _d, ts, sig, body in _Receiver.received)
    record("faults", faults_injected=1, webhook_deliveries=len(deliveries), webhook_failed_attempts=len(deliveries) * rounds_down,
           webhook_lost=len(deliveries - set(received)), webhook_duplicates=sum(received.values()) - len(received))


def _redis_answers() -> bool:
    try:
        return redis.Redis.from_url(PROBE_BROKER, socket_connect_timeout=2).ping()
    except redis.RedisError:
        return False


def _start_worker() -> subprocess.Popen:
    name = connection.settings_dict["NAME"]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "credit_platform.settings.test", "CELERY_BROKER_URL": PROBE_BROKER,
           "DATABASE_URL": f"postgres://{connection.settings_dict['USER']}@{connection.settings_dict['HOST'] or '127.0.0.1'}:"
                           f"{connection.settings_dict['PORT'] or 5432}/{name}"}
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "credit_platform", "worker", "--pool=solo", "--concurrency=1", "--loglevel=WARNING",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"probe-{os.getpid()}@%h"],
        env=env, cwd=django_settings.BASE_DIR, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def _wait(predicate, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.skipif(not LONG, reason="the longer run (PROBE=1): a real worker killed with SIGKILL")
@pytest.mark.django_db(transaction=True)
def test_a_bulk_push_resumes_after_its_worker_is_killed(seeded_rule_sets, settings):
    if not _redis_answers():
        pytest.skip(f"Redis does not answer at {PROBE_BROKER}")
    redis.Redis.from_url(PROBE_BROKER).flushdb()
    demo.seed()
    world = DemoWorld()
    court = world.user("court")
    cases = []
    for _ in range(150):  # three batches of 50
        case = world.defaulter_case()
        services.case_initiate(case=case, actor=court)
        cases.append(case.pk)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.update(broker_url=PROBE_BROKER, task_always_eager=False)
    _reset_connections()
    worker = _start_worker()
    try:
        job = services.bulk_push_request(actor=court, case_ids=cases)
        pushed = lambda: JointCase.objects.filter(pk__in=cases, state=CaseState.PUSHED).count()  # noqa: E731
        assert _wait(lambda: pushed() >= 10, 120), "the worker never started the job"
        os.killpg(worker.pid, signal.SIGKILL)  # mid-batch: no chance to finish or acknowledge
        worker.wait(10)
        stuck_at = pushed()
        assert stuck_at < len(cases)
        time.sleep(2)
        assert pushed() == stuck_at  # nothing runs any more: the job would stay unfinished

        worker = _start_worker()
        # The sweep, as beat runs it every 5 minutes, once the job has made no progress for that long.
        services.bulk_push_jobs_resume_stale(now=timezone.now() + datetime.timedelta(minutes=6))
        assert _wait(lambda: BulkPushJob.objects.get(pk=job.pk).state == BulkPushJob.State.DONE, 240)
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
        app.conf.update(task_always_eager=True, broker_url="memory://")
        _reset_connections()
    job.refresh_from_db()
    events = Counter(AuditEvent.objects.filter(action="case_pushed", object_id__in=[str(c) for c in cases]).values_list("object_id", flat=True))
    assert job.pushed == len(cases) and not job.errors
    assert pushed() == len(cases) and set(events.values()) == {1} and len(events) == len(cases)
    assert Assignment.objects.filter(case_id__in=cases).values("case_id", "department_id", "target_id").distinct().count() == \
        Assignment.objects.filter(case_id__in=cases).count()
    record("faults", faults_injected=1, worker_killed_cases=len(cases), worker_killed_pushed_before_kill=stuck_at, worker_killed_lost=0)


def _outage(name: str, seconds: float) -> None:
    """The database goes away for our test database only (the server serves other checkouts): no
    new connection is accepted and every open one is cut, then it comes back."""
    params = connection.settings_dict
    with psycopg.connect(host=params["HOST"] or "127.0.0.1", port=params["PORT"] or 5432, user=params["USER"],
                         password=params["PASSWORD"] or None, dbname="postgres", autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
        try:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [name])
            time.sleep(seconds)
        finally:
            admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')


@pytest.mark.django_db(transaction=True)
def test_the_api_answers_503_while_the_database_is_gone_and_writes_nothing_half(seeded_rule_sets):
    demo.seed()
    world = DemoWorld()
    court = world.user("court")
    cases = []
    for _ in range(12 if LONG else 4):
        case = world.defaulter_case()
        services.case_initiate(case=case, actor=court)
        cases.append(case.pk)
    client = Client(raise_request_exception=False)
    client.force_login(court)
    name = connection.settings_dict["NAME"]
    connection.close()

    statuses: list[tuple[str, int, str]] = []
    stop = threading.Event()

    def traffic():
        n = 0
        while not stop.is_set():
            case_id = cases[n % len(cases)]
            for method, url in (("post", f"/api/v1/cases/{case_id}/push/"), ("get", f"/api/v1/cases/{case_id}/"), ("get", "/api/v1/cases/")):
                # As a server does around every request (the test client disconnects it): a connection
                # the outage broke is dropped and the next request opens a new one.
                close_old_connections()
                response = getattr(client, method)(url, content_type="application/json") if method == "post" else client.get(url)
                statuses.append((url, response.status_code, response.headers.get("Content-Type", "")))
            n += 1
        connection.close()

    worker = threading.Thread(target=traffic)
    worker.start()
    time.sleep(0.5)
    _outage(name, 3)
    after_outage = len(statuses)
    deadline = time.monotonic() + 30  # the API recovers: a busy machine may take a few seconds more
    while time.monotonic() < deadline and not any(code == 200 for _u, code, _t in statuses[after_outage:]):
        time.sleep(0.2)
    time.sleep(0.5)
    stop.set()
    worker.join(60)

    codes = Counter(code for _u, code, _t in statuses)
    server_errors = [s for s in statuses if s[1] >= 500 and s[1] != 503]
    unavailable = [s for s in statuses if s[1] == 503]
    assert server_errors == [], server_errors[:5]
    assert unavailable and all(t.startswith("application/json") for _u, _c, t in unavailable)
    assert any(code == 200 for _u, code, _t in statuses[after_outage:]), statuses[-6:]  # recovered
    # Nothing half-written: a case is pushed with all its pushes and one event, or not at all.
    for case in JointCase.objects.filter(pk__in=cases):
        pushes = Assignment.objects.filter(case=case).count()
        pushed_events = AuditEvent.objects.filter(action="case_pushed", object_id=str(case.pk)).count()
        assert (case.state, bool(pushes), pushed_events) in ((CaseState.PUSHED, True, 1), (CaseState.INITIATED, False, 0)), case.state
    assert verify_all() is None  # the audit chain is whole
    record("faults", faults_injected=1, database_outage_calls=len(statuses), database_outage_503=len(unavailable),
           database_outage_5xx_other=len(server_errors), database_outage_codes=dict(codes))
