"""The record admin: the catalogue managed by the credit office, records entered through the
service, buttons shown only to the providing department, another department's draft absent."""
import re

from credit_platform.models import AuditEvent
from records.models import CreditRecord, RecordType
from tests.records.conftest import PENALTY_BASIS, days_ago

ADD = "/admin/records/creditrecord/add/"
CHANGELIST = "/admin/records/creditrecord/"
TYPES = "/admin/records/recordtype/"


def record_url(record, action=""):
    return f"/admin/records/creditrecord/{record.pk}/" + (f"do/{action}/" if action else "change/")


def buttons_on(page: str) -> set[str]:
    return set(re.findall(r'<(?:button|a) [^>]*data-action="([a-z_]+)"', page))


def as_user(client, world, username):
    client.force_login(world.user(username))
    return client


def type_form(**overrides) -> dict:
    data = {"code": "blood-donation", "name": "献血记录", "kind": "honour", "fields": '[{"name": "blood_type", "label": "血型", "required": true}]',
            "domain": "", "is_active": "on"}
    data.update(overrides)
    return data


def test_a_record_type_with_a_blood_type_field_cannot_be_saved_in_the_admin(world, client):
    as_user(client, world, "credit_office")

    response = client.post(f"{TYPES}add/", type_form())

    assert response.status_code == 200
    assert "征信业管理条例 第十四条" in response.content.decode()
    assert not RecordType.objects.filter(code="blood-donation").exists()


def test_the_credit_office_adds_a_type_through_the_service_and_others_only_read(world, client):
    as_user(client, world, "credit_office")
    response = client.post(f"{TYPES}add/", type_form(
        code="gmo-safety", name="转基因生物安全证书", kind="licensing", departments=[world.department("market").pk],
        fields='[{"name": "gmo_certificate", "label": "转基因生物安全证书编号", "required": true}]', public="on",
    ))
    assert response.status_code == 302, response.content.decode()[:2000]
    created = RecordType.objects.get(code="gmo-safety")
    assert list(created.departments.values_list("code", flat=True)) == ["market"]
    assert AuditEvent.objects.filter(object_id=str(created.pk), action="record_type_created").exists()

    as_user(client, world, "market")
    assert client.get(TYPES).status_code == 200
    assert client.get(f"{TYPES}add/").status_code == 403
    client.post(f"{TYPES}{created.pk}/change/", type_form(code="gmo-safety", name="改名", kind="licensing"))
    created.refresh_from_db()
    assert created.name == "转基因生物安全证书"


def test_the_market_bureau_enters_a_penalty_in_the_admin(world, client):
    as_user(client, world, "market")
    assert client.get(ADD).status_code == 200

    response = client.post(ADD, {
        "subject": world.food_company.pk, "record_type": world.type("administrative-penalty").pk, "decision_number": "甘示市监处罚〔2026〕30号",
        "decided_on": days_ago(1).isoformat(), "severity": "general", "domain": "food_drug", "basis": PENALTY_BASIS,
        "content": '{"violation_type": "超范围经营", "facts": "现场检查", "penalty_content": "警告"}',
    })

    record = CreditRecord.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(record_url(record))
    page = client.get(record_url(record)).content.decode()
    assert buttons_on(page) == {"publish", "remove"}
    client.post(record_url(record, "publish"))
    record.refresh_from_db()
    assert record.state == "published"


def test_a_consent_needing_record_without_the_reference_is_refused_on_the_form(world, client):
    as_user(client, world, "tax")

    response = client.post(ADD, {
        "subject": world.company.pk, "record_type": world.type("tax-arrears").pk, "decision_number": "甘示税通〔2026〕9号",
        "decided_on": days_ago(1).isoformat(), "content": '{"tax_category": "增值税", "tax_amount": "100"}',
    })

    assert response.status_code == 200
    assert "consent_reference" in response.context["adminform"].form.errors
    assert not CreditRecord.objects.exists()


def test_another_department_does_not_see_a_draft_nor_move_a_published_record(world, client):
    draft = world.penalty()
    published = world.licence(publish=True)
    as_user(client, world, "tax")

    changelist = client.get(CHANGELIST)
    assert draft not in changelist.context["cl"].result_list and published in changelist.context["cl"].result_list
    assert client.get(record_url(draft)).status_code in (302, 404)
    client.post(record_url(draft, "publish"))
    assert buttons_on(client.get(record_url(published)).content.decode()) == set()
    client.post(record_url(published, "remove"), {"reason": "revoked"})
    draft.refresh_from_db(), published.refresh_from_db()
    assert (draft.state, published.state) == ("draft", "published")


def test_the_publication_deadline_filter(world, client):
    overdue = world.penalty(decided_on=days_ago(30))
    world.licence(publish=True)
    as_user(client, world, "market")

    response = client.get(CHANGELIST, {"publication": "overdue"})

    assert [r.pk for r in response.context["cl"].result_list] == [overdue.pk]
    assert client.get(CHANGELIST, {"publication": "due_soon"}).status_code == 200
    assert client.get(CHANGELIST, {"publication": "late"}).status_code == 200
