"""Every measure carries its legal basis: the demo's from its memoranda's own titles, the admin
refuses a blank one, and the data migration fills stored measures the same way."""
import importlib

from django.apps import apps

from sanctions.demo import memorandum_citation
from sanctions.models import Measure

TAX_MEMORANDUM = "关于对重大税收违法失信主体实施联合惩戒的合作备忘录（区级实施）"
DEFAULTERS_MEMORANDUM = "关于对失信被执行人实施联合惩戒的合作备忘录（区级实施）"


def test_every_demo_measure_cites_the_memoranda_that_list_it(world):
    assert not Measure.objects.filter(legal_basis="").exists()
    # P-TAX-01 is in one memorandum only: its basis is that memorandum's title, nothing invented.
    assert Measure.objects.get(code="P-TAX-01").legal_basis == f"《{TAX_MEMORANDUM}》"
    shared = Measure.objects.get(code="P-FIN-01").legal_basis
    assert f"《{DEFAULTERS_MEMORANDUM}》" in shared and f"《{TAX_MEMORANDUM}》" in shared
    for measure in Measure.objects.prefetch_related("memoranda"):
        for memorandum in measure.memoranda.all():
            assert f"《{memorandum.name}》" in measure.legal_basis


def test_a_citation_carries_the_document_number_only_when_given():
    assert memorandum_citation("关于某事的合作备忘录") == "《关于某事的合作备忘录》"
    assert memorandum_citation("《关于某事的合作备忘录》", "发改财金〔2099〕1号") == "《关于某事的合作备忘录》（发改财金〔2099〕1号）"


def test_the_admin_refuses_a_measure_without_its_basis(world, client):
    from tests.sanctions.test_admin_catalogue import measure_form

    measure = Measure.objects.get(code="P-FIN-01")
    before = measure.legal_basis
    client.force_login(world.user("credit_office"))

    response = client.post(f"/admin/sanctions/measure/{measure.pk}/change/", measure_form(measure, legal_basis="   "))

    assert response.status_code == 200
    assert "legal_basis" in response.context["adminform"].form.errors
    measure.refresh_from_db()
    assert measure.legal_basis == before


def test_the_data_migration_fills_a_blank_basis_from_the_memoranda(world):
    Measure.objects.filter(code__in=["P-TAX-01", "P-FIN-01"]).update(legal_basis="")
    Measure.objects.filter(code="P-CRD-01").update(legal_basis="《某法》第一条")
    migration = importlib.import_module("sanctions.migrations.0010_measure_legal_basis_required")

    migration.fill_from_memoranda(apps, None)

    assert Measure.objects.get(code="P-TAX-01").legal_basis == f"《{TAX_MEMORANDUM}》"
    assert f"《{DEFAULTERS_MEMORANDUM}》" in Measure.objects.get(code="P-FIN-01").legal_basis
    assert Measure.objects.get(code="P-CRD-01").legal_basis == "《某法》第一条"  # a basis given is kept
