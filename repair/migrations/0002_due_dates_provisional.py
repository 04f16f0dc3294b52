from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('repair', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='repairapplication',
            name='due_dates_provisional',
            field=models.BooleanField(default=False, help_text='Computed through a year whose official calendar was not yet known; recomputed when it is.', verbose_name='due dates provisional'),
        ),
    ]
