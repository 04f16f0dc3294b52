"""A trigram index for the subject name searches (admin search boxes, public list query): Django's
``name__icontains`` is ``UPPER(name::text) LIKE UPPER('%…%')``, which this index answers for
three characters or more (Chinese included: trigrams are built from any letters under the
database's UTF-8 ctype). PostgreSQL only; where the pg_trgm extension cannot be created (no
privilege), the searches stay scans and the migration says so instead of failing."""
import sys

from django.db import DatabaseError, migrations, transaction

INDEX = "subject_name_trgm_idx"


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        try:
            with transaction.atomic(using=connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DatabaseError as exc:
            sys.stderr.write(f"\n  pg_trgm is not available ({exc}); subject name searches stay sequential scans.\n")
            return
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON credit_platform_subject USING gin (UPPER(name) gin_trgm_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ("credit_platform", "0007_notification_kinds"),
    ]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
    ]
