"""Work that goes on after the response, when there is no broker (tasks eager, the embedded demo).

``run_after_commit(name, fn, *args)``: once the caller's transaction commits, ``fn(*args)`` runs in a
daemon thread of this process, which closes its database connections at the end. Nothing keeps it
if the process stops: what must run is also found by a sweep (e.g. ``lists.import_tasks``).
"""
import logging
import threading

from django.db import connections, transaction

logger = logging.getLogger(__name__)


def start_thread(name: str, fn, *args) -> threading.Thread:
    def run():
        try:
            fn(*args)
        except Exception:  # noqa: BLE001 - a background failure is logged; the sweep resumes the work
            logger.exception("Background work %s failed", name)
        finally:
            connections.close_all()  # this thread's connections only

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    return thread


def run_after_commit(name: str, fn, *args) -> None:
    """Start ``fn(*args)`` in a background thread once the current transaction commits (at once
    outside a transaction). ``robust``: a thread that cannot start leaves the work to the sweep."""
    transaction.on_commit(lambda: start_thread(name, fn, *args), robust=True)
