"""The supervision models (dashboard, 督办, escalation, snapshots, reports, tallies) moved to the
``supervision`` app: removed from this app's state only. Their tables stay as they are (the
``supervision`` models name them with ``db_table``) with every row, the tallies' triggers and the
frozen SQL of 0006; ``supervision.0001_initial`` adds them to its state and moves their content
types."""
from django.db import migrations

MOVED = ["Urge", "Escalation", "ScorecardSnapshot", "MonthlyReport", "AssignmentTally", "CaseTally", "OpenWorkTally"]


class Migration(migrations.Migration):

    dependencies = [
        ("credit_platform", "0008_subject_name_trigram_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name=name) for name in MOVED],
            database_operations=[],
        ),
    ]
