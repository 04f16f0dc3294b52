"""A case carries its own severity, and keeps its list entry by id instead of a foreign key.

- ``severity``: copied from each case's list entry; a case opened without one gets what a manual
  case gets by default (punishment: severe; reward: none).
- ``list_entry`` (a foreign key to lists.ListEntry) becomes ``list_entry_id`` (a plain id): the
  database keeps the column, its values and its index; only the foreign-key constraint is dropped,
  so sanctions no longer depends on lists (the earlier migrations keep their history).
"""
from django.db import migrations, models
from django.db.models import OuterRef, Subquery
import django.db.models.deletion


def fill_severity(apps, schema_editor):
    JointCase = apps.get_model("sanctions", "JointCase")
    ListEntry = apps.get_model("lists", "ListEntry")
    entry_severity = ListEntry.objects.filter(pk=OuterRef("list_entry_id")).values("severity")[:1]
    JointCase.objects.filter(list_entry__isnull=False).update(severity=Subquery(entry_severity))
    JointCase.objects.filter(list_entry__isnull=True, kind="punishment").update(severity="severe")


class Migration(migrations.Migration):

    dependencies = [
        ("lists", "0001_initial"),
        ("sanctions", "0006_assignment_open_work_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="jointcase",
            name="severity",
            field=models.CharField(
                blank=True, choices=[("minor", "minor"), ("general", "general"), ("severe", "severe")], default="",
                help_text="The list entry's; for a case opened without one, chosen (a reward case may leave it empty).",
                max_length=8, verbose_name="severity",
            ),
        ),
        migrations.RunPython(fill_severity, migrations.RunPython.noop, elidable=False),
        # Drop the constraint only: the column and its index stay.
        migrations.AlterField(
            model_name="jointcase",
            name="list_entry",
            field=models.ForeignKey(
                blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="cases",
                to="lists.listentry", verbose_name="list entry",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="jointcase", name="list_entry"),
                migrations.AddField(
                    model_name="jointcase",
                    name="list_entry_id",
                    field=models.BigIntegerField(blank=True, db_index=True, null=True, verbose_name="list entry"),
                ),
            ],
        ),
    ]
