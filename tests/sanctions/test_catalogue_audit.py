import pytest

from credit_platform.models import AuditEvent
from sanctions.models import Measure


@pytest.mark.django_db
def test_a_measure_edited_in_the_admin_is_audited(client, world):
    measure = Measure.objects.get(code="P-FIN-01")
    client.force_login(world.user("admin"))
    url = f"/admin/sanctions/measure/{measure.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    data = {
        "department": measure.department_id, "kind": measure.kind, "category": measure.category, "is_active": "on",
        "name": measure.name, "name_en": "Barred from public procurement", "legal_basis": "《政府采购法》第二十二条",
        "applies_to": measure.applies_to,
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(stream=f"sanctions.measure:{measure.pk}", action="measure_changed")
    assert event.actor == world.user("admin")
    assert event.extra["changed"]["name_en"] == "Barred from public procurement"


@pytest.mark.django_db
def test_the_case_history_reads_as_words_not_codes(client, world):
    case = world.pushed_case()
    client.force_login(world.user("court"))
    page = client.get(f"/admin/sanctions/jointcase/{case.pk}/change/").content.decode()
    assert "case pushed" in page and "initiated → pushed" in page
    assert ">case_pushed<" not in page
    client.force_login(world.user("admin"))
    listing = client.get("/admin/credit_platform/auditevent/", {"q": f"sanctions.jointcase:{case.pk}"}).content.decode()
    assert "case pushed" in listing
