"""Celery queues by kind of work: every task named in credit_platform/task_queues.py exists, and with
the split on each is routed to its kind's queue (the rest to the default queue)."""
import fnmatch

from celery.app.routes import prepare

from credit_platform.celery import app
from credit_platform.task_queues import DEFAULT_QUEUE, QUEUES, task_routes


def _queue_of(name: str, split: bool) -> str:
    """The queue celery's routing of ``task_routes(split)`` gives the task ``name``."""
    for route in prepare([task_routes(split)]):
        found = route(name, (), {}, {})
        if found:
            return found["queue"]
    return DEFAULT_QUEUE


def _registered() -> set[str]:
    app.loader.import_default_modules()
    return {name for name in app.tasks if not name.startswith("celery.")}


def test_every_named_task_exists():
    registered = _registered()
    named = [name for names in QUEUES.values() for name in names if "*" not in name]
    assert set(named) <= registered, sorted(set(named) - registered)


def test_with_the_split_each_kind_goes_to_its_queue_and_the_rest_to_the_default():
    for queue, names in QUEUES.items():
        for name in names:
            assert _queue_of(name.replace("*", "deliver_task"), split=True) == queue
    assert _queue_of("exchange.tasks.outbox_deliver_task", split=True) == "exchange"
    others = [n for n in _registered() if not any(fnmatch.fnmatch(n, p) for names in QUEUES.values() for p in names)]
    assert "sanctions.tasks.deadlines_scan_task" in others
    assert {_queue_of(n, split=True) for n in others} == {DEFAULT_QUEUE}


def test_without_the_split_everything_goes_to_the_default_queue():
    assert task_routes(False) == {}
    assert _queue_of("lists.import_tasks.import_batch_run_task", split=False) == DEFAULT_QUEUE
