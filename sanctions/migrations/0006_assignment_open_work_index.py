from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('credit_platform', '0006_dashboard_tallies'),
        ('sanctions', '0005_bulk_push_state_label'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='assignment',
            index=models.Index(condition=models.Q(('state__in', ['pending', 'acknowledged', 'lifting'])), fields=['department', 'state'], include=('case', 'pushed_on', 'sign_for_due', 'feedback_due', 'lift_due'), name='assignment_open_work_idx'),
        ),
    ]
