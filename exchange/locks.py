"""The exchange's two locks (transaction-scoped PostgreSQL advisory locks; SQLite serialises writers anyway).

``FEED``: whoever adds to the feed (a batch received, this instance's own items) holds it until commit,
so feed ids become visible in order and a cursor never passes an id still uncommitted.
``UPLOAD``: one upload round at a time (a second one finds it taken and returns).
No clerk's transaction takes either: the outbox is written without them.
"""
from django.db import connection

FEED = 7_402_161
UPLOAD = 7_402_162


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
