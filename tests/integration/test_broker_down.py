"""With the broker down, publishing a task gives up within seconds: a request that notifies answers
(its work is committed and swept later), it does not hang in publish retries."""
import socket
import threading
import time

import pytest
from kombu.exceptions import OperationalError

from credit_platform.celery import app
from credit_platform.tasks import webhooks_sweep_task


@pytest.fixture
def silent_broker(settings):
    """A broker address that accepts connections and never answers (a hung or firewalled broker)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held = []

    def accept():
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.update(broker_url=f"redis://127.0.0.1:{server.getsockname()[1]}/0", task_always_eager=False)
    _reset()
    yield
    server.close()
    for conn in held:
        conn.close()
    app.conf.update(task_always_eager=True, broker_url="memory://")
    _reset()


def _reset():
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None


def test_publishing_to_a_silent_broker_gives_up_within_seconds(silent_broker):
    outcome = {}

    def publish():
        started = time.monotonic()
        try:
            webhooks_sweep_task.delay()
        except OperationalError as exc:
            outcome["error"] = exc
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=publish, daemon=True)
    thread.start()
    thread.join(timeout=15)
    assert not thread.is_alive(), "publishing still waits on the silent broker after 15 s"
    assert "error" in outcome
    assert outcome["seconds"] < 8
