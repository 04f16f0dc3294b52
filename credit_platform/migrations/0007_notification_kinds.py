from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('credit_platform', '0006_dashboard_tallies'),
    ]

    operations = [
        migrations.AlterField(
            model_name='notification',
            name='verb',
            field=models.CharField(choices=[('assignment_pushed', 'measures pushed to the department'), ('assignments_overdue', 'pushes overdue'), ('assignment_returned', 'push returned: not competent'), ('assignment_suspended', 'measures held: objection being verified'), ('assignment_resumed', 'measures resumed'), ('assignment_lifting', 'lift the measures'), ('case_feedback_complete', 'every department fed back'), ('urged', 'urged by the leadership office'), ('overdue_escalated', 'overdue work escalated'), ('dashboard_tallies_corrected', 'dashboard figures corrected'), ('entry_without_memorandum', 'entry without a memorandum'), ('entry_case_initiated', 'case opened from an entry'), ('entry_case_failed', 'case from an entry could not be opened'), ('entry_black_proposed', 'black list proposed'), ('entry_expired', 'entry expired'), ('entries_publication_overdue', 'entries past their publication date (双公示)'), ('subject_watch_flagged', 'subject on the watch list'), ('objection_filed', 'objection filed'), ('objection_overdue', 'objection overdue'), ('objections_overdue', 'objections overdue'), ('reputation_restored', 'record revoked: restore the reputation'), ('repair_filed', 'credit repair filed'), ('repair_overdue', 'credit repair overdue'), ('repairs_overdue', 'credit repairs overdue')], max_length=64, verbose_name='kind'),
        ),
    ]
