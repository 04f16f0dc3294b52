"""The catalogue admin: the credit office edits measures and memoranda, everyone reads them, nobody deletes."""
import pytest

from sanctions.models import Measure, Memorandum


def measure_form(measure, **overrides):
    data = {
        "department": measure.department_id,
        "kind": measure.kind,
        "category": measure.category,
        "name": measure.name,
        "name_en": measure.name_en,
        "legal_basis": measure.legal_basis,
        "applies_to": measure.applies_to,
        "is_active": "on" if measure.is_active else "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def test_credit_office_edits_a_measure_with_subject_kind_checkboxes(world, client):
    measure = Measure.objects.get(code="P-FIN-01")
    client.force_login(world.user("credit_office"))
    page = client.get(f"/admin/sanctions/measure/{measure.pk}/change/").content.decode()
    assert 'type="checkbox" name="applies_to"' in page

    response = client.post(
        f"/admin/sanctions/measure/{measure.pk}/change/",
        measure_form(measure, applies_to=["natural_person", "legal_person"], is_active=""),
    )

    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.applies_to == ["legal_person", "natural_person"]
    assert measure.is_active is False
    assert measure.code == "P-FIN-01"


def test_memorandum_uses_two_pane_selectors(world, client):
    memorandum = world.memorandum("judgement-defaulters")
    client.force_login(world.user("credit_office"))
    page = client.get(f"/admin/sanctions/memorandum/{memorandum.pk}/change/").content.decode()
    assert 'class="selectfilter"' in page
    assert 'name="initiators"' in page and 'name="measures"' in page


@pytest.mark.parametrize("code", ["court", "finance", "leadership_office"])
def test_other_departments_only_read_the_catalogue(world, client, code):
    measure = Measure.objects.get(code="P-FIN-01")
    memorandum = world.memorandum("judgement-defaulters")
    client.force_login(world.user(code))

    assert client.get("/admin/sanctions/measure/").status_code == 200
    assert client.get(f"/admin/sanctions/memorandum/{memorandum.pk}/change/").status_code == 200
    response = client.post(f"/admin/sanctions/measure/{measure.pk}/change/", measure_form(measure, name="改"))
    assert response.status_code == 403
    assert client.get("/admin/sanctions/memorandum/add/").status_code == 403
    measure.refresh_from_db()
    assert measure.name != "改"


def test_nothing_in_the_catalogue_is_deleted(world, client):
    client.force_login(world.user("admin"))
    measure = Measure.objects.get(code="P-FIN-01")
    memorandum = world.memorandum("judgement-defaulters")
    assert client.get(f"/admin/sanctions/measure/{measure.pk}/delete/").status_code == 403
    assert client.post(f"/admin/sanctions/memorandum/{memorandum.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Memorandum.objects.filter(pk=memorandum.pk).exists()
    assert "delete_selected" not in client.get("/admin/sanctions/measure/").content.decode()
