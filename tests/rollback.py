"""A transaction rolled back at the end, standing for a test case's own transaction."""
from contextlib import contextmanager

from django.db import transaction


@contextmanager
def rolled_back():
    """Run the block in a transaction rolled back at the end. Like Django's TestCase transaction, it
    lets the services' durable entry points run inside (``atomic(durable=True)`` refuses any other
    enclosing transaction)."""
    atomic = transaction.atomic()
    atomic._from_testcase = True  # what django.test.TestCase marks its own transactions with
    with atomic:
        yield
        transaction.set_rollback(True)
