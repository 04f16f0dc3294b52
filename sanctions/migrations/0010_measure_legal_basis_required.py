"""Every measure carries its legal basis: a measure stored without one gets the titles of the
memoranda that list it (as the catalogue names them; no citation is made up). A measure in no
memorandum keeps its blank basis, and its admin page asks for one at the next save."""
from django.db import migrations, models


def fill_from_memoranda(apps, schema_editor):
    Measure = apps.get_model("sanctions", "Measure")
    Memorandum = apps.get_model("sanctions", "Memorandum")
    through = Memorandum.measures.through
    titles: dict[int, list[str]] = {}
    rows = through.objects.filter(measure__legal_basis="").order_by("memorandum__code").values_list("measure_id", "memorandum__name")
    for measure_id, name in rows:
        citation = f"《{name.strip().strip('《》')}》"
        if citation not in titles.setdefault(measure_id, []):
            titles[measure_id].append(citation)
    for measure_id, citations in titles.items():
        Measure.objects.filter(pk=measure_id, legal_basis="").update(legal_basis="；".join(citations))


class Migration(migrations.Migration):

    dependencies = [
        ('sanctions', '0009_bulk_job_kind_lift'),
    ]

    operations = [
        migrations.AlterField(
            model_name='measure',
            name='legal_basis',
            field=models.TextField(help_text='The law, regulation or memorandum the measure rests on: its title and document number.', verbose_name='legal basis'),
        ),
        migrations.RunPython(fill_from_memoranda, migrations.RunPython.noop),
    ]
