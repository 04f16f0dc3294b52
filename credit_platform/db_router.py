"""Reads of the read-only pages on a streaming replica (issue 18: growing past one machine).

With ``DATABASE_REPLICA_URL`` set, settings add the database alias ``replica`` and this router.
A read goes to the replica only when the code running declared itself read-only — the
``replica_reads()`` context, which ``ReplicaReadsMiddleware`` opens for GET and HEAD requests to the
paths of ``REPLICA_READ_PATHS`` (the public credit site, the credit check, the dashboards) — and
only until that context writes: every write goes to the primary, and so does every read after a
write in the same context, and every read inside a transaction on the primary (reads after write
see what was written). Without the alias, everything reads the primary.

Routing by a flag of the request, not by model: the same tables are read on the replica by the
public pages and on the primary by the workflow that locks and changes them.
"""
import contextlib
import contextvars

from django.conf import settings
from django.db import connections

REPLICA = "replica"
PRIMARY = "default"

_read_only = contextvars.ContextVar("replica_reads", default=False)
_wrote = contextvars.ContextVar("replica_reads_wrote", default=False)


@contextlib.contextmanager
def replica_reads():
    """Reads in this block may be served by the replica (until the block writes)."""
    read_only, wrote = _read_only.set(True), _wrote.set(False)
    try:
        yield
    finally:
        _read_only.reset(read_only)
        _wrote.reset(wrote)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


# Read on the primary whatever the flag: who is logged in, with which token (a session or token
# issued a moment ago must be found at once).
PRIMARY_ONLY = {("sessions", "session"), ("credit_platform", "apitoken"), ("axes", "accessattempt")}


def read_alias(model=None) -> str:
    """Where a read (of ``model``) would go now."""
    if model is not None and (model._meta.app_label, model._meta.model_name) in PRIMARY_ONLY:
        return PRIMARY
    if not (_read_only.get() and not _wrote.get() and replica_configured()):
        return PRIMARY
    if connections[PRIMARY].in_atomic_block:
        return PRIMARY  # inside a transaction on the primary: read what it wrote, under its locks
    return REPLICA


class ReplicaRouter:
    """``DATABASE_ROUTERS`` entry: reads as ``read_alias`` says, writes and migrations on the primary."""

    def db_for_read(self, model, **hints):
        return read_alias(model)

    def db_for_write(self, model, **hints):
        if _read_only.get():
            _wrote.set(True)  # the rest of this request reads its own writes on the primary
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies of it

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


class ReplicaReadsMiddleware:
    """Opens ``replica_reads()`` for GET and HEAD requests under ``REPLICA_READ_PATHS``."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefixes = tuple(getattr(settings, "REPLICA_READ_PATHS", ()))

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and self.prefixes and request.path.startswith(self.prefixes) and replica_configured():
            with replica_reads():
                return self.get_response(request)
        return self.get_response(request)
