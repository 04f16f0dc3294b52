"""The workflow toolkit every app's services share: permission checks, transitions, row locks.

``require(allowed, message)``: 403 (``PermissionDenied``) unless ``allowed``.
``run_transition(obj, name, **kw)``: call a django-fsm transition; an illegal move is a 409
(``IllegalTransition`` naming what the state allows).
``require_transition(obj, name)``: the same 409 before the service computes the transition's
arguments (a deadline moved from a date the current state does not have).
``entry_point(inner)``: the durable service a view, task or command calls, around a service that
runs inside its caller's transaction (``<name>_in_transaction``, ``atomic(savepoint=False)``):
what nests in what is visible at each call, and an entry point called inside another transaction
fails at once instead of committing half of a bigger change.
``lock_in_order(*querysets)``: lock rows with ``SELECT ... FOR UPDATE`` in one fixed order, as
Saleor's ``order/lock_objects.py`` does: each queryset in turn, its rows by primary key, only the
model's own rows (``of=("self",)``: a row joined in for reading stays free). Each app names its
own order in one place (``sanctions.locks``: the case, then its assignments; ``lists.locks``: the
entry, then its cases, then their assignments), so two services that lock the same rows always
take them in the same order and never deadlock; the order runs downhill through the layers
(objection → entry → cases → assignments).
"""
import functools

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django_fsm import TransitionNotAllowed, can_proceed

from credit_platform.exceptions import transition_error


def require(allowed: bool, message: str) -> None:
    """Refuse (403) unless ``allowed``."""
    if not allowed:
        raise PermissionDenied(message)


def run_transition(obj, name: str, **kwargs):
    """Call the transition ``name`` of ``obj``; an illegal move becomes an IllegalTransition (HTTP 409)."""
    try:
        return getattr(obj, name)(**kwargs)
    except TransitionNotAllowed:
        raise transition_error(obj, "state", name) from None


def require_transition(obj, name: str) -> None:
    """Refuse (409, as ``run_transition`` would) unless the transition ``name`` of ``obj`` may run now."""
    if not can_proceed(getattr(obj, name)):
        raise transition_error(obj, "state", name)


INNER_SUFFIX = "_in_transaction"


def entry_point(inner):
    """The durable entry point of ``inner`` (named ``<name>_in_transaction``): same arguments, run
    in its own transaction (``atomic(durable=True)``); answers a function named ``<name>``."""
    if not inner.__name__.endswith(INNER_SUFFIX):
        raise ValueError(f"{inner.__name__}: an inner service is named <name>{INNER_SUFFIX}.")

    @functools.wraps(inner)
    def service(*args, **kwargs):
        with transaction.atomic(durable=True):
            return inner(*args, **kwargs)

    service.__name__ = inner.__name__.removesuffix(INNER_SUFFIX)
    service.__qualname__ = inner.__qualname__.removesuffix(INNER_SUFFIX)
    service.__doc__ = f"Entry point (its own durable transaction) of ``{inner.__name__}``.\n\n{inner.__doc__ or ''}"
    return service


def require_transaction() -> None:
    """Inner services change several rows that must commit together: they run inside the caller's transaction."""
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError("This service runs inside its caller's transaction.")


def lock_rows(queryset) -> list:
    """Lock the rows of ``queryset`` (its model's own rows only) in primary-key order; answer them."""
    require_transaction()
    return list(queryset.select_for_update(of=("self",)).order_by("pk"))


def lock_one(queryset):
    """Lock the one row of ``queryset`` (``Model.DoesNotExist`` when there is none), as ``select_for_update().get()``."""
    rows = lock_rows(queryset)
    if not rows:
        raise queryset.model.DoesNotExist(f"{queryset.model._meta.object_name} matching query does not exist.")
    return rows[0]


def lock_in_order(*querysets) -> list[list]:
    """Lock each queryset's rows in turn, each in primary-key order; answer one list of rows per queryset.

    The querysets are evaluated one after the other, so a later one may depend on rows an earlier
    one locked (the cases of a locked entry are read after the entry is locked).
    """
    return [lock_rows(queryset) for queryset in querysets]


def each_by_pk(queryset, handle, *, batch_size: int = 500) -> int:
    """Call ``handle(pk)`` for every row of ``queryset`` in primary-key order, reading the ids in
    batches (keyset: a row ``handle`` changes out of the queryset is not skipped or met twice);
    answer how many calls answered true. For the periodic scans (expiry, recomputes), where
    ``handle`` is one row's own durable transaction that checks the row again under its lock."""
    done, last_pk = 0, None
    while True:
        batch = queryset if last_pk is None else queryset.filter(pk__gt=last_pk)
        ids = list(batch.order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not ids:
            return done
        for pk in ids:
            last_pk = pk
            done += bool(handle(pk))
