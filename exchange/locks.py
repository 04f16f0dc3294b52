"""The exchange's two locks (transaction-scoped PostgreSQL advisory locks; SQLite serialises writers anyway).

``FEED``: whoever adds to the feed (a batch received, this instance's own items) holds it until commit,
so feed ids become visible in order and a cursor never passes an id still uncommitted.
``UPLOAD``: one upload batch at a time (a second round finds it taken and returns).
``DOWNLOAD``: one download round at a time (session-level: its items commit one by one).
No clerk's transaction takes either: the outbox is written without them.
"""
from django.db import connection

FEED = 7_402_161
UPLOAD = 7_402_162
DOWNLOAD = 7_402_163  # a session lock: one download round at a time (its items commit one by one)


def hold(lock: int) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock])


def try_hold(lock: int) -> bool:
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [lock])
        return bool(cursor.fetchone()[0])


def session_try(lock: int) -> bool:
    """Take a session-level lock (released by ``session_release`` or when the connection closes)."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [lock])
        return bool(cursor.fetchone()[0])


def session_release(lock: int) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [lock])
