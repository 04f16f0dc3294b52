"""Run calls at the same moment in threads, each on its own PostgreSQL connection (transactional tests only)."""
import threading

from django.db import connection


def race(*calls):
    """Run the calls in threads released together by a barrier; answer the exceptions they raised."""
    barrier = threading.Barrier(len(calls))
    errors = []

    def work(call):
        try:
            barrier.wait(timeout=10)
            call()
        except Exception as exc:  # noqa: BLE001 - reported to the caller
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return errors
