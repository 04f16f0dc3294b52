"""Bulk inserts that set primary keys: COPY on PostgreSQL, ``bulk_create`` elsewhere."""
from django.db import connection, models


def _copy_value_getter(field):
    if isinstance(field, models.JSONField):
        return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), connection)
    if isinstance(field, models.DateField) and (field.auto_now or field.auto_now_add):
        return lambda obj: field.pre_save(obj, True)
    attname = field.attname
    return lambda obj: getattr(obj, attname)


def bulk_insert(model, objs: list, *, batch_size: int = 1000) -> None:
    """Insert new objects and set their primary keys, like ``bulk_create`` (no save(), no signals).

    On PostgreSQL by COPY, with ids reserved from the table's sequence first: several times faster
    than ``bulk_create`` (STACK.md); elsewhere ``bulk_create``.
    """
    if not objs:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=batch_size)
        return
    meta = model._meta
    pk = meta.pk
    fields = [f for f in meta.concrete_fields if f is not pk]
    getters = [_copy_value_getter(f) for f in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in [pk.column, *(f.column for f in fields)])
    with connection.wrap_database_errors, connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [meta.db_table, pk.column, len(objs)])
        ids = [row[0] for row in cursor.fetchall()]
        with cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj, pk_value in zip(objs, ids, strict=True):
                obj.pk = pk_value
                copy.write_row([pk_value, *(get(obj) for get in getters)])
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
