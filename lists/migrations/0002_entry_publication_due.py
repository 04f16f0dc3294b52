from django.db import migrations, models


def backfill(apps, schema_editor):
    """The 双公示 due date of the entries already there (one UPDATE per decision date and rule set:
    a few thousand at most), then whether those published were published by it."""
    from django.conf import settings

    from credit_platform import calendar

    ListEntry = apps.get_model("lists", "ListEntry")
    RuleSet = apps.get_model("credit_platform", "RuleSet")
    days = dict(RuleSet.objects.values_list("pk", "publication_due_days"))
    groups = ListEntry.objects.values_list("decided_on", "rule_set_id").distinct().order_by()
    for decided_on, rule_set_id in groups.iterator():
        due = calendar.add_working_days(decided_on, days[rule_set_id])
        ListEntry.objects.filter(decided_on=decided_on, rule_set_id=rule_set_id).update(
            publication_due=due.date, publication_due_provisional=due.provisional,
        )
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            local_day = f"(published_at AT TIME ZONE '{settings.TIME_ZONE}')::date"
        else:  # SQLite keeps UTC text; the demo's zone (Asia/Shanghai) has no daylight saving
            local_day = "date(published_at, '+8 hours')"
        cursor.execute(
            f"UPDATE lists_listentry SET published_on_time = ({local_day} <= publication_due) "
            "WHERE published_at IS NOT NULL AND publication_due IS NOT NULL"
        )


class Migration(migrations.Migration):

    dependencies = [
        ('lists', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='listentry',
            name='publication_due',
            field=models.DateField(blank=True, null=True, verbose_name='publish by (双公示)'),
        ),
        migrations.AddField(
            model_name='listentry',
            name='published_on_time',
            field=models.BooleanField(blank=True, null=True, verbose_name='published on time'),
        ),
        migrations.AddField(
            model_name="listentry",
            name="publication_due_provisional",
            field=models.BooleanField(
                default=False, help_text="Computed through a year whose official calendar was not yet known; recomputed when it is.",
                verbose_name="publication date provisional",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=False),
    ]
