import django.db.models.deletion
from django.db import migrations, models


def install_and_fill(apps, schema_editor):
    """Triggers, then the tallies from what is already there (PostgreSQL only; see tallies.py)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    from credit_platform.dashboard import tallies

    tallies.install()
    tallies.rebuild()


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from credit_platform.dashboard import tallies

    with schema_editor.connection.cursor() as cursor:
        for statement in tallies.uninstall_sql():
            cursor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('credit_platform', '0005_webhooks'),
        ('sanctions', '0005_bulk_push_state_label'),
    ]

    operations = [
        migrations.CreateModel(
            name='AssignmentTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('pushed_on', models.DateField()),
                ('received', models.BigIntegerField(db_default=0, default=0)),
                ('signed_for', models.BigIntegerField(db_default=0, default=0)),
                ('signed_for_on_time', models.BigIntegerField(db_default=0, default=0)),
                ('signed_for_late', models.BigIntegerField(db_default=0, default=0)),
                ('sign_for_working_days', models.BigIntegerField(db_default=0, default=0)),
                ('fed_back', models.BigIntegerField(db_default=0, default=0)),
                ('fed_back_on_time', models.BigIntegerField(db_default=0, default=0)),
                ('fed_back_late', models.BigIntegerField(db_default=0, default=0)),
                ('feedback_working_days', models.BigIntegerField(db_default=0, default=0)),
                ('lifts_late', models.BigIntegerField(db_default=0, default=0)),
                ('returned', models.BigIntegerField(db_default=0, default=0)),
                ('urged', models.BigIntegerField(db_default=0, default=0)),
                ('times_urged', models.BigIntegerField(db_default=0, default=0)),
                ('applied', models.BigIntegerField(db_default=0, default=0)),
                ('hits', models.BigIntegerField(db_default=0, default=0)),
                ('department', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='credit_platform.department')),
                ('initiating_department', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='credit_platform.department')),
            ],
            options={
                'verbose_name': 'push tally',
                'verbose_name_plural': 'push tallies',
                'default_permissions': (),
                'indexes': [models.Index(fields=['pushed_on'], name='asg_tally_day_idx'), models.Index(fields=['department', 'pushed_on'], name='asg_tally_dept_day_idx'), models.Index(fields=['initiating_department', 'pushed_on'], name='asg_tally_init_day_idx')],
            },
        ),
        migrations.CreateModel(
            name='CaseTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_on', models.DateField()),
                ('kind', models.CharField(max_length=16)),
                ('state', models.CharField(max_length=32)),
                ('pushed_month', models.DateField(null=True)),
                ('completed_month', models.DateField(null=True)),
                ('ended_month', models.DateField(null=True)),
                ('n', models.BigIntegerField(db_default=0, default=0)),
                ('initiating_department', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='credit_platform.department')),
                ('memorandum', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='sanctions.memorandum')),
            ],
            options={
                'verbose_name': 'case tally',
                'verbose_name_plural': 'case tallies',
                'default_permissions': (),
                'indexes': [models.Index(fields=['created_on'], name='case_tally_day_idx'), models.Index(fields=['initiating_department', 'created_on'], name='case_tally_init_day_idx')],
            },
        ),
        migrations.CreateModel(
            name='OpenWorkTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('pushed_on', models.DateField()),
                ('state', models.CharField(max_length=32)),
                ('sign_for_due', models.DateField()),
                ('feedback_due', models.DateField()),
                ('lift_due', models.DateField(null=True)),
                ('n', models.BigIntegerField(db_default=0, default=0)),
                ('department', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='credit_platform.department')),
                ('initiating_department', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='credit_platform.department')),
            ],
            options={
                'verbose_name': 'open work tally',
                'verbose_name_plural': 'open work tallies',
                'default_permissions': (),
                'indexes': [models.Index(fields=['department', 'pushed_on'], name='open_tally_dept_day_idx')],
            },
        ),
        migrations.RunPython(install_and_fill, uninstall, elidable=False),
    ]
