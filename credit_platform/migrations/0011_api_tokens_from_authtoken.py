"""Move the plain-text keys of DRF's ``authtoken`` app into ``ApiToken`` and drop its table.

Each existing key keeps working: its SHA-256 and first characters are stored, it is named
"default" (so ``issue_token`` rotates it like any other) and expires one year from this migration.
Then the plain-text table goes. ``rest_framework.authtoken`` is no longer installed, so the table is
read with SQL when it exists (a database that never had it has nothing to move); it is the only
place the keys were, so the migration cannot be reversed into them.
"""
import datetime
import hashlib

from django.db import migrations
from django.utils import timezone
from django.utils.dateparse import parse_datetime

TABLE = "authtoken_token"
# Frozen here, not read from settings: what this migration did must not change later.
VALIDITY = datetime.timedelta(days=365)
NAME = "default"


def _aware(value, now):
    # SQLite returns the column as text, PostgreSQL as an aware datetime.
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is None:
        return now
    return value if timezone.is_aware(value) else timezone.make_aware(value, datetime.timezone.utc)


def move_plain_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("credit_platform", "ApiToken")
    table = connection.ops.quote_name(TABLE)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {connection.ops.quote_name('key')}, user_id, created FROM {table}")
        rows = cursor.fetchall()
    now = timezone.now()
    ApiToken.objects.bulk_create(
        ApiToken(
            user_id=user_id, name=NAME, prefix=key[:8], key_hash=hashlib.sha256(key.encode()).hexdigest(),
            created_at=_aware(created, now), expires_at=now + VALIDITY,
        )
        for key, user_id, created in rows
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {table}")


class Migration(migrations.Migration):

    dependencies = [
        ("credit_platform", "0010_api_tokens"),
    ]

    operations = [
        migrations.RunPython(move_plain_tokens, migrations.RunPython.noop, elidable=False),
    ]
