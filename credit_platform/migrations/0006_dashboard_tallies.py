import django.db.models.deletion
from django.db import migrations, models


# The SQL of credit_platform/dashboard/tallies.py as it stood when this migration was written
# (install_sql(), rebuild(), uninstall_sql()), frozen so that later changes of the module cannot
# change what this migration does. A later change of the tallies brings its own migration.
INSTALL = [
    "CREATE OR REPLACE FUNCTION dashboard_tally_assignment() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  IF TG_OP = 'DELETE' THEN\n    INSERT INTO credit_platform_assignmenttally (department_id, initiating_department_id, pushed_on, received, signed_for, signed_for_on_time, signed_for_late, sign_for_working_days, fed_back, fed_back_on_time, fed_back_late, feedback_working_days, lifts_late, returned, urged, times_urged) SELECT r.department_id, c.initiating_department_id, r.pushed_on, -(1), -((r.sign_for_working_days IS NOT NULL)::int), -((r.signed_for_on_time IS TRUE)::int), -((r.signed_for_on_time IS FALSE)::int), -(COALESCE(r.sign_for_working_days, 0)), -((r.feedback_working_days IS NOT NULL)::int), -((r.fed_back_on_time IS TRUE)::int), -((r.fed_back_on_time IS FALSE)::int), -(COALESCE(r.feedback_working_days, 0)), -((r.lift_confirmed_on_time IS FALSE)::int), -((r.returned_at IS NOT NULL)::int), -((r.urge_count > 0)::int), -(r.urge_count) FROM (SELECT OLD.*) r JOIN sanctions_jointcase c ON c.id = r.case_id;\n  ELSIF TG_OP = 'INSERT' THEN\n    INSERT INTO credit_platform_assignmenttally (department_id, initiating_department_id, pushed_on, received, signed_for, signed_for_on_time, signed_for_late, sign_for_working_days, fed_back, fed_back_on_time, fed_back_late, feedback_working_days, lifts_late, returned, urged, times_urged) SELECT r.department_id, c.initiating_department_id, r.pushed_on, +(1), +((r.sign_for_working_days IS NOT NULL)::int), +((r.signed_for_on_time IS TRUE)::int), +((r.signed_for_on_time IS FALSE)::int), +(COALESCE(r.sign_for_working_days, 0)), +((r.feedback_working_days IS NOT NULL)::int), +((r.fed_back_on_time IS TRUE)::int), +((r.fed_back_on_time IS FALSE)::int), +(COALESCE(r.feedback_working_days, 0)), +((r.lift_confirmed_on_time IS FALSE)::int), +((r.returned_at IS NOT NULL)::int), +((r.urge_count > 0)::int), +(r.urge_count) FROM (SELECT NEW.*) r JOIN sanctions_jointcase c ON c.id = r.case_id;\n  ELSIF (OLD.department_id, OLD.case_id, OLD.pushed_on) IS DISTINCT FROM (NEW.department_id, NEW.case_id, NEW.pushed_on) THEN\n    INSERT INTO credit_platform_assignmenttally (department_id, initiating_department_id, pushed_on, received, signed_for, signed_for_on_time, signed_for_late, sign_for_working_days, fed_back, fed_back_on_time, fed_back_late, feedback_working_days, lifts_late, returned, urged, times_urged, applied, hits) SELECT r.department_id, c.initiating_department_id, r.pushed_on, -(1), -((r.sign_for_working_days IS NOT NULL)::int), -((r.signed_for_on_time IS TRUE)::int), -((r.signed_for_on_time IS FALSE)::int), -(COALESCE(r.sign_for_working_days, 0)), -((r.feedback_working_days IS NOT NULL)::int), -((r.fed_back_on_time IS TRUE)::int), -((r.fed_back_on_time IS FALSE)::int), -(COALESCE(r.feedback_working_days, 0)), -((r.lift_confirmed_on_time IS FALSE)::int), -((r.returned_at IS NOT NULL)::int), -((r.urge_count > 0)::int), -(r.urge_count), -(SELECT COALESCE(SUM((f.outcome = 'applied' AND f.source = 'feedback')::int), 0) FROM sanctions_measurefeedback f WHERE f.assignment_id = r.id), -(SELECT COALESCE(SUM((f.source IN ('later', 'credit_check'))::int), 0) FROM sanctions_measurefeedback f WHERE f.assignment_id = r.id) FROM (SELECT OLD.*) r JOIN sanctions_jointcase c ON c.id = r.case_id;\n    INSERT INTO credit_platform_assignmenttally (department_id, initiating_department_id, pushed_on, received, signed_for, signed_for_on_time, signed_for_late, sign_for_working_days, fed_back, fed_back_on_time, fed_back_late, feedback_working_days, lifts_late, returned, urged, times_urged, applied, hits) SELECT r.department_id, c.initiating_department_id, r.pushed_on, +(1), +((r.sign_for_working_days IS NOT NULL)::int), +((r.signed_for_on_time IS TRUE)::int), +((r.signed_for_on_time IS FALSE)::int), +(COALESCE(r.sign_for_working_days, 0)), +((r.feedback_working_days IS NOT NULL)::int), +((r.fed_back_on_time IS TRUE)::int), +((r.fed_back_on_time IS FALSE)::int), +(COALESCE(r.feedback_working_days, 0)), +((r.lift_confirmed_on_time IS FALSE)::int), +((r.returned_at IS NOT NULL)::int), +((r.urge_count > 0)::int), +(r.urge_count), +(SELECT COALESCE(SUM((f.outcome = 'applied' AND f.source = 'feedback')::int), 0) FROM sanctions_measurefeedback f WHERE f.assignment_id = r.id), +(SELECT COALESCE(SUM((f.source IN ('later', 'credit_check'))::int), 0) FROM sanctions_measurefeedback f WHERE f.assignment_id = r.id) FROM (SELECT NEW.*) r JOIN sanctions_jointcase c ON c.id = r.case_id;\n  ELSIF (OLD.department_id, OLD.case_id, OLD.pushed_on, OLD.sign_for_working_days, OLD.signed_for_on_time, OLD.feedback_working_days, OLD.fed_back_on_time, OLD.lift_confirmed_on_time, OLD.returned_at, OLD.urge_count) IS DISTINCT FROM (NEW.department_id, NEW.case_id, NEW.pushed_on, NEW.sign_for_working_days, NEW.signed_for_on_time, NEW.feedback_working_days, NEW.fed_back_on_time, NEW.lift_confirmed_on_time, NEW.returned_at, NEW.urge_count) THEN\n    INSERT INTO credit_platform_assignmenttally (department_id, initiating_department_id, pushed_on, received, signed_for, signed_for_on_time, signed_for_late, sign_for_working_days, fed_back, fed_back_on_time, fed_back_late, feedback_working_days, lifts_late, returned, urged, times_urged) SELECT r.department_id, c.initiating_department_id, r.pushed_on, (1) - (1), ((r.sign_for_working_days IS NOT NULL)::int) - ((o.sign_for_working_days IS NOT NULL)::int), ((r.signed_for_on_time IS TRUE)::int) - ((o.signed_for_on_time IS TRUE)::int), ((r.signed_for_on_time IS FALSE)::int) - ((o.signed_for_on_time IS FALSE)::int), (COALESCE(r.sign_for_working_days, 0)) - (COALESCE(o.sign_for_working_days, 0)), ((r.feedback_working_days IS NOT NULL)::int) - ((o.feedback_working_days IS NOT NULL)::int), ((r.fed_back_on_time IS TRUE)::int) - ((o.fed_back_on_time IS TRUE)::int), ((r.fed_back_on_time IS FALSE)::int) - ((o.fed_back_on_time IS FALSE)::int), (COALESCE(r.feedback_working_days, 0)) - (COALESCE(o.feedback_working_days, 0)), ((r.lift_confirmed_on_time IS FALSE)::int) - ((o.lift_confirmed_on_time IS FALSE)::int), ((r.returned_at IS NOT NULL)::int) - ((o.returned_at IS NOT NULL)::int), ((r.urge_count > 0)::int) - ((o.urge_count > 0)::int), (r.urge_count) - (o.urge_count) FROM (SELECT NEW.*) r CROSS JOIN (SELECT OLD.*) o JOIN sanctions_jointcase c ON c.id = r.case_id;\n  END IF;\n  IF TG_OP = 'DELETE' THEN\n    IF OLD.state IN ('pending', 'acknowledged', 'lifting') THEN\n      INSERT INTO credit_platform_openworktally (department_id, initiating_department_id, pushed_on, state, sign_for_due, feedback_due, lift_due, n) SELECT r.department_id, c.initiating_department_id, r.pushed_on, r.state, r.sign_for_due, r.feedback_due, r.lift_due, -1 FROM (SELECT OLD.*) r JOIN sanctions_jointcase c ON c.id = r.case_id;\n    END IF;\n  ELSIF TG_OP = 'INSERT' THEN\n    IF NEW.state IN ('pending', 'acknowledged', 'lifting') THEN\n      INSERT INTO credit_platform_openworktally (department_id, initiating_department_id, pushed_on, state, sign_for_due, feedback_due, lift_due, n) SELECT r.department_id, c.initiating_department_id, r.pushed_on, r.state, r.sign_for_due, r.feedback_due, r.lift_due, +1 FROM (SELECT NEW.*) r JOIN sanctions_jointcase c ON c.id = r.case_id;\n    END IF;\n  ELSIF (OLD.department_id, OLD.case_id, OLD.pushed_on, OLD.state, OLD.sign_for_due, OLD.feedback_due, OLD.lift_due) IS DISTINCT FROM (NEW.department_id, NEW.case_id, NEW.pushed_on, NEW.state, NEW.sign_for_due, NEW.feedback_due, NEW.lift_due) THEN\n    IF OLD.state IN ('pending', 'acknowledged', 'lifting') THEN\n      INSERT INTO credit_platform_openworktally (department_id, initiating_department_id, pushed_on, state, sign_for_due, feedback_due, lift_due, n) SELECT r.department_id, c.initiating_department_id, r.pushed_on, r.state, r.sign_for_due, r.feedback_due, r.lift_due, -1 FROM (SELECT OLD.*) r JOIN sanctions_jointcase c ON c.id = r.case_id;\n    END IF;\n    IF NEW.state IN ('pending', 'acknowledged', 'lifting') THEN\n      INSERT INTO credit_platform_openworktally (department_id, initiating_department_id, pushed_on, state, sign_for_due, feedback_due, lift_due, n) SELECT r.department_id, c.initiating_department_id, r.pushed_on, r.state, r.sign_for_due, r.feedback_due, r.lift_due, +1 FROM (SELECT NEW.*) r JOIN sanctions_jointcase c ON c.id = r.case_id;\n    END IF;\n  END IF;\n  RETURN NULL;\nEND;\n$$;",
    "CREATE OR REPLACE FUNCTION dashboard_tally_feedback() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  IF TG_OP IN ('UPDATE', 'DELETE') THEN\n    INSERT INTO credit_platform_assignmenttally (department_id, initiating_department_id, pushed_on, applied, hits) SELECT a.department_id, c.initiating_department_id, a.pushed_on, -((f.outcome = 'applied' AND f.source = 'feedback')::int), -((f.source IN ('later', 'credit_check'))::int) FROM (SELECT OLD.*) f JOIN sanctions_assignment a ON a.id = f.assignment_id JOIN sanctions_jointcase c ON c.id = a.case_id;\n  END IF;\n  IF TG_OP IN ('INSERT', 'UPDATE') THEN\n    INSERT INTO credit_platform_assignmenttally (department_id, initiating_department_id, pushed_on, applied, hits) SELECT a.department_id, c.initiating_department_id, a.pushed_on, +((f.outcome = 'applied' AND f.source = 'feedback')::int), +((f.source IN ('later', 'credit_check'))::int) FROM (SELECT NEW.*) f JOIN sanctions_assignment a ON a.id = f.assignment_id JOIN sanctions_jointcase c ON c.id = a.case_id;\n  END IF;\n  RETURN NULL;\nEND;\n$$;",
    "CREATE OR REPLACE FUNCTION dashboard_tally_case() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  IF TG_OP IN ('UPDATE', 'DELETE') THEN\n    INSERT INTO credit_platform_casetally (initiating_department_id, created_on, memorandum_id, kind, state, pushed_month, completed_month, ended_month, n) SELECT r.initiating_department_id, (r.created_at AT TIME ZONE 'Asia/Shanghai')::date, r.memorandum_id, r.kind, r.state, date_trunc('month', r.pushed_at AT TIME ZONE 'Asia/Shanghai')::date, date_trunc('month', r.completed_at AT TIME ZONE 'Asia/Shanghai')::date, date_trunc('month', r.ended_at AT TIME ZONE 'Asia/Shanghai')::date, -1 FROM (SELECT OLD.*) r;\n  END IF;\n  IF TG_OP IN ('INSERT', 'UPDATE') THEN\n    INSERT INTO credit_platform_casetally (initiating_department_id, created_on, memorandum_id, kind, state, pushed_month, completed_month, ended_month, n) SELECT r.initiating_department_id, (r.created_at AT TIME ZONE 'Asia/Shanghai')::date, r.memorandum_id, r.kind, r.state, date_trunc('month', r.pushed_at AT TIME ZONE 'Asia/Shanghai')::date, date_trunc('month', r.completed_at AT TIME ZONE 'Asia/Shanghai')::date, date_trunc('month', r.ended_at AT TIME ZONE 'Asia/Shanghai')::date, +1 FROM (SELECT NEW.*) r;\n  END IF;\n  RETURN NULL;\nEND;\n$$;",
    'DROP TRIGGER IF EXISTS dashboard_tally_assignment_ins_del ON sanctions_assignment;',
    'DROP TRIGGER IF EXISTS dashboard_tally_assignment_upd ON sanctions_assignment;',
    'CREATE TRIGGER dashboard_tally_assignment_ins_del AFTER INSERT OR DELETE ON sanctions_assignment FOR EACH ROW EXECUTE FUNCTION dashboard_tally_assignment();',
    'CREATE TRIGGER dashboard_tally_assignment_upd AFTER UPDATE ON sanctions_assignment FOR EACH ROW WHEN ((OLD.department_id, OLD.case_id, OLD.pushed_on, OLD.sign_for_working_days, OLD.signed_for_on_time, OLD.feedback_working_days, OLD.fed_back_on_time, OLD.lift_confirmed_on_time, OLD.returned_at, OLD.urge_count, OLD.state, OLD.sign_for_due, OLD.feedback_due, OLD.lift_due) IS DISTINCT FROM (NEW.department_id, NEW.case_id, NEW.pushed_on, NEW.sign_for_working_days, NEW.signed_for_on_time, NEW.feedback_working_days, NEW.fed_back_on_time, NEW.lift_confirmed_on_time, NEW.returned_at, NEW.urge_count, NEW.state, NEW.sign_for_due, NEW.feedback_due, NEW.lift_due)) EXECUTE FUNCTION dashboard_tally_assignment();',
    'DROP TRIGGER IF EXISTS dashboard_tally_feedback_ins_del ON sanctions_measurefeedback;',
    'DROP TRIGGER IF EXISTS dashboard_tally_feedback_upd ON sanctions_measurefeedback;',
    'CREATE TRIGGER dashboard_tally_feedback_ins_del AFTER INSERT OR DELETE ON sanctions_measurefeedback FOR EACH ROW EXECUTE FUNCTION dashboard_tally_feedback();',
    'CREATE TRIGGER dashboard_tally_feedback_upd AFTER UPDATE ON sanctions_measurefeedback FOR EACH ROW WHEN ((OLD.assignment_id, OLD.outcome, OLD.source) IS DISTINCT FROM (NEW.assignment_id, NEW.outcome, NEW.source)) EXECUTE FUNCTION dashboard_tally_feedback();',
    'DROP TRIGGER IF EXISTS dashboard_tally_case_ins_del ON sanctions_jointcase;',
    'DROP TRIGGER IF EXISTS dashboard_tally_case_upd ON sanctions_jointcase;',
    'CREATE TRIGGER dashboard_tally_case_ins_del AFTER INSERT OR DELETE ON sanctions_jointcase FOR EACH ROW EXECUTE FUNCTION dashboard_tally_case();',
    'CREATE TRIGGER dashboard_tally_case_upd AFTER UPDATE ON sanctions_jointcase FOR EACH ROW WHEN ((OLD.initiating_department_id, OLD.created_at, OLD.memorandum_id, OLD.kind, OLD.state, OLD.pushed_at, OLD.completed_at, OLD.ended_at) IS DISTINCT FROM (NEW.initiating_department_id, NEW.created_at, NEW.memorandum_id, NEW.kind, NEW.state, NEW.pushed_at, NEW.completed_at, NEW.ended_at)) EXECUTE FUNCTION dashboard_tally_case();',
]

FILL = [
    'LOCK TABLE sanctions_jointcase, sanctions_assignment, sanctions_measurefeedback IN SHARE MODE',
    'DELETE FROM credit_platform_assignmenttally',
    "INSERT INTO credit_platform_assignmenttally (department_id, initiating_department_id, pushed_on, received, signed_for, signed_for_on_time, signed_for_late, sign_for_working_days, fed_back, fed_back_on_time, fed_back_late, feedback_working_days, lifts_late, returned, urged, times_urged, applied, hits) SELECT t.department_id, t.initiating_department_id, t.pushed_on, SUM(t.received), SUM(t.signed_for), SUM(t.signed_for_on_time), SUM(t.signed_for_late), SUM(t.sign_for_working_days), SUM(t.fed_back), SUM(t.fed_back_on_time), SUM(t.fed_back_late), SUM(t.feedback_working_days), SUM(t.lifts_late), SUM(t.returned), SUM(t.urged), SUM(t.times_urged), SUM(t.applied), SUM(t.hits) FROM (  SELECT r.department_id, c.initiating_department_id, r.pushed_on, 1 AS received, (r.sign_for_working_days IS NOT NULL)::int AS signed_for, (r.signed_for_on_time IS TRUE)::int AS signed_for_on_time, (r.signed_for_on_time IS FALSE)::int AS signed_for_late, COALESCE(r.sign_for_working_days, 0) AS sign_for_working_days, (r.feedback_working_days IS NOT NULL)::int AS fed_back, (r.fed_back_on_time IS TRUE)::int AS fed_back_on_time, (r.fed_back_on_time IS FALSE)::int AS fed_back_late, COALESCE(r.feedback_working_days, 0) AS feedback_working_days, (r.lift_confirmed_on_time IS FALSE)::int AS lifts_late, (r.returned_at IS NOT NULL)::int AS returned, (r.urge_count > 0)::int AS urged, r.urge_count AS times_urged,         COALESCE(fb.applied, 0) AS applied, COALESCE(fb.hits, 0) AS hits  FROM sanctions_assignment r JOIN sanctions_jointcase c ON c.id = r.case_id  LEFT JOIN (SELECT f.assignment_id, SUM((f.outcome = 'applied' AND f.source = 'feedback')::int) AS applied, SUM((f.source IN ('later', 'credit_check'))::int) AS hits FROM sanctions_measurefeedback f GROUP BY f.assignment_id) fb    ON fb.assignment_id = r.id) t GROUP BY t.department_id, t.initiating_department_id, t.pushed_on",
    'DELETE FROM credit_platform_casetally',
    "INSERT INTO credit_platform_casetally (initiating_department_id, created_on, memorandum_id, kind, state, pushed_month, completed_month, ended_month, n) SELECT r.initiating_department_id, (r.created_at AT TIME ZONE 'Asia/Shanghai')::date, r.memorandum_id, r.kind, r.state, date_trunc('month', r.pushed_at AT TIME ZONE 'Asia/Shanghai')::date, date_trunc('month', r.completed_at AT TIME ZONE 'Asia/Shanghai')::date, date_trunc('month', r.ended_at AT TIME ZONE 'Asia/Shanghai')::date, COUNT(*) FROM sanctions_jointcase r GROUP BY r.initiating_department_id, (r.created_at AT TIME ZONE 'Asia/Shanghai')::date, r.memorandum_id, r.kind, r.state, date_trunc('month', r.pushed_at AT TIME ZONE 'Asia/Shanghai')::date, date_trunc('month', r.completed_at AT TIME ZONE 'Asia/Shanghai')::date, date_trunc('month', r.ended_at AT TIME ZONE 'Asia/Shanghai')::date",
    'DELETE FROM credit_platform_openworktally',
    "INSERT INTO credit_platform_openworktally (department_id, initiating_department_id, pushed_on, state, sign_for_due, feedback_due, lift_due, n) SELECT r.department_id, c.initiating_department_id, r.pushed_on, r.state, r.sign_for_due, r.feedback_due, r.lift_due, COUNT(*) FROM sanctions_assignment r JOIN sanctions_jointcase c ON c.id = r.case_id WHERE r.state IN ('pending', 'acknowledged', 'lifting') GROUP BY r.department_id, c.initiating_department_id, r.pushed_on, r.state, r.sign_for_due, r.feedback_due, r.lift_due",
]

UNINSTALL = [
    'DROP TRIGGER IF EXISTS dashboard_tally_assignment_ins_del ON sanctions_assignment;',
    'DROP TRIGGER IF EXISTS dashboard_tally_assignment_upd ON sanctions_assignment;',
    'DROP TRIGGER IF EXISTS dashboard_tally_feedback_ins_del ON sanctions_measurefeedback;',
    'DROP TRIGGER IF EXISTS dashboard_tally_feedback_upd ON sanctions_measurefeedback;',
    'DROP TRIGGER IF EXISTS dashboard_tally_case_ins_del ON sanctions_jointcase;',
    'DROP TRIGGER IF EXISTS dashboard_tally_case_upd ON sanctions_jointcase;',
    'DROP FUNCTION IF EXISTS dashboard_tally_assignment();',
    'DROP FUNCTION IF EXISTS dashboard_tally_feedback();',
    'DROP FUNCTION IF EXISTS dashboard_tally_case();',
]


def _run(schema_editor, statements):
    if schema_editor.connection.vendor != "postgresql":  # SQLite demo: no tallies (tallies.enabled())
        return
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install_and_fill(apps, schema_editor):
    """Triggers, then the tallies from what is already there."""
    _run(schema_editor, [*INSTALL, *FILL])


def uninstall(apps, schema_editor):
    _run(schema_editor, UNINSTALL)


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
