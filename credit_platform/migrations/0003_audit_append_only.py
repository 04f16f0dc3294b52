"""PostgreSQL refuses UPDATE and DELETE on the audit tables, whoever asks (the ORM refuses them too).

A statement-level trigger, so it also fires for statements that match no row, and costs nothing per
row. TRUNCATE stays allowed: the test database is flushed with it, and whoever may truncate is the
table owner, who could drop the trigger anyway; the hash chains and checkpoints are what show it.
"""
from django.db import migrations

TABLES = ["credit_platform_auditevent", "credit_platform_auditcheckpoint"]

CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION credit_platform_refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% on % refused: the audit trail is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
"""


def trigger_name(table: str) -> str:
    return f"{table}_append_only"


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # No parameters: the % in RAISE are PL/pgSQL placeholders, not the driver's.
    schema_editor.execute(CREATE_FUNCTION, params=None)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {trigger_name(table)} BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION credit_platform_refuse_audit_change()"
        )


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger_name(table)} ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS credit_platform_refuse_audit_change()")


class Migration(migrations.Migration):
    dependencies = [("credit_platform", "0002_seed_rule_sets")]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
