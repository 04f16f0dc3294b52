"""The chunk events of imports (``credit_platform.audit.record_chunk``) by the streams they name, so
an imported object's history finds the event of its chunk. Partial: only those events pay for it.
PostgreSQL only (SQLite, the embedded default, reads the few events it has); SQL because Django
writes a GIN operator class on a JSON key expression with parentheses PostgreSQL refuses."""
from django.db import migrations

INDEX = "audit_chunk_streams_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON credit_platform_auditevent "
            "USING gin ((extra -> 'chunk_streams') jsonb_path_ops) WHERE extra ? 'chunk_streams'"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ("credit_platform", "0019_exchange_outbox_regions"),
    ]

    operations = [migrations.RunPython(create, drop)]
