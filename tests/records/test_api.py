"""The record API: entering, publishing and removing over HTTP; what each department sees (404 otherwise)."""
import datetime

from tests.dashboard.conftest import on_day
from tests.records.conftest import LICENCE_CONTENT, PENALTY_BASIS, PENALTY_CONTENT

RECORDS = "/api/v1/records/"


def penalty_body(world, **overrides) -> dict:
    body = {
        "subject": world.food_company.pk, "record_type": "administrative-penalty", "decision_number": "甘示市监处罚〔2026〕21号",
        "decided_on": "2026-11-13", "severity": "general", "domain": "food_drug", "basis": PENALTY_BASIS, "content": PENALTY_CONTENT,
    }
    body.update(overrides)
    return body


def licence_body(world, **overrides) -> dict:
    body = {
        "subject": world.company.pk, "record_type": "administrative-licensing", "decision_number": "甘示市监许可〔2026〕101号",
        "decided_on": "2026-11-13", "content": LICENCE_CONTENT,
    }
    body.update(overrides)
    return body


def test_the_market_bureau_records_a_penalty_and_a_licence_and_publishes_them(world, api):
    market = api("market")
    with on_day(datetime.date(2026, 11, 20)):
        penalty = market.post(RECORDS, penalty_body(world), format="json")
        licence = market.post(RECORDS, licence_body(world, publish=True), format="json")
    assert penalty.status_code == 201, penalty.content
    assert licence.status_code == 201, licence.content
    assert penalty.json()["state"] == "draft" and penalty.json()["publication_due"] == "2026-11-24"
    assert penalty.json()["allowed_transitions"] == ["publish", "remove"]
    assert (licence.json()["state"], licence.json()["published_on_time"], licence.json()["kind"]) == ("published", True, "licensing")

    def public(q):
        return {row["decision_number"] for row in api(None).get("/api/v1/public/records/", {"q": q}).json()["results"]}

    assert public(world.food_company.identifier) == set()  # a draft is not shown
    assert public(world.company.identifier) == {"甘示市监许可〔2026〕101号"}

    with on_day(datetime.date(2026, 11, 25)):  # working day 8: late
        published = market.post(f"{RECORDS}{penalty.json()['id']}/publish/")
    assert published.status_code == 200, published.content
    assert (published.json()["state"], published.json()["published_on_time"]) == ("published", False)
    assert public(world.food_company.identifier) == {"甘示市监处罚〔2026〕21号"}


def test_a_consent_needing_type_without_the_reference_is_a_400_naming_it(world, api):
    body = {"subject": world.company.pk, "record_type": "tax-arrears", "decision_number": "甘示税通〔2026〕5号", "decided_on": "2026-11-13",
            "content": {"tax_category": "增值税", "tax_amount": "80000"}}

    response = api("tax").post(RECORDS, body, format="json")

    assert response.status_code == 400
    assert "consent_reference" in response.json()
    assert api("tax").post(RECORDS, {**body, "consent_reference": "授权书 2026-031"}, format="json").status_code == 201


def test_a_department_that_does_not_provide_the_type_is_refused(world, api):
    assert api("court").post(RECORDS, penalty_body(world), format="json").status_code == 403
    assert api("leader").post(RECORDS, penalty_body(world), format="json").status_code == 403
    assert api(None).get(RECORDS).status_code == 401


def test_another_department_gets_404_for_a_draft_and_sees_published_public_records(world, api):
    draft = world.penalty()
    published = world.licence(publish=True)
    tax = api("tax")

    assert tax.get(f"{RECORDS}{draft.pk}/").status_code == 404
    assert tax.post(f"{RECORDS}{draft.pk}/publish/").status_code == 404
    assert tax.post(f"{RECORDS}{published.pk}/remove/", {"reason": "revoked"}, format="json").status_code == 403
    listed = {row["id"] for row in tax.get(RECORDS).json()["results"]}
    assert published.pk in listed and draft.pk not in listed
    assert api("leader").get(f"{RECORDS}{draft.pk}/").status_code == 200
    assert api("credit_office").get(f"{RECORDS}{draft.pk}/").json()["allowed_transitions"] == ["publish", "remove"]


def test_a_non_public_type_is_seen_only_by_its_provider(world, api):
    from records import services

    record = services.record_create(
        actor=world.user("tax"), subject=world.company, record_type=world.type("tax-arrears"), decision_number="甘示税通〔2026〕6号",
        decided_on=datetime.date(2026, 11, 13), content={"tax_category": "增值税", "tax_amount": "1"}, consent_reference="授权书", publish=True,
    )

    assert api("market").get(f"{RECORDS}{record.pk}/").status_code == 404
    assert api("tax").get(f"{RECORDS}{record.pk}/").status_code == 200


def test_the_filters(world, api):
    with on_day(datetime.date(2026, 11, 2)):
        overdue = world.penalty(decided_on=datetime.date(2026, 11, 2))
    licence = world.licence(publish=True)
    market = api("market")

    def ids(**params):
        response = market.get(RECORDS, params)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids(overdue="true") == {overdue.pk}
    assert ids(kind="licensing") == {licence.pk}
    assert ids(record_type="administrative-penalty", state="draft") == {overdue.pk}
    assert ids(subject=world.company.pk) == set()
    assert ids(subject=world.food_company.pk) == {overdue.pk, licence.pk}


def test_removing_over_the_api(world, api):
    record = world.licence(publish=True)

    response = api("market").post(f"{RECORDS}{record.pk}/remove/", {"reason": "revoked", "note": "许可证被吊销"}, format="json")

    assert response.status_code == 200
    assert (response.json()["state"], response.json()["removal_reason"]) == ("removed", "revoked")
    again = api("market").post(f"{RECORDS}{record.pk}/remove/", {"reason": "revoked"}, format="json")
    assert again.status_code == 409 and again.json()["state"] == "removed"


def test_the_catalogue_is_read_by_every_department(world, api):
    response = api("court").get("/api/v1/record-types/")

    assert response.status_code == 200
    codes = {row["code"]: row for row in response.json()["results"]} if "results" in response.json() else {
        row["code"]: row for row in response.json()}
    assert codes["administrative-penalty"]["kind"] == "penalty" and "market" in codes["administrative-penalty"]["departments"]


def test_the_credit_office_manages_the_catalogue_over_the_api(world, api):
    body = {"code": "blood-donation", "name": "无偿献血", "kind": "honour",
            "fields": [{"name": "blood_type", "label": "血型", "required": True}]}

    assert api("market").post("/api/v1/record-types/", body, format="json").status_code == 403
    refused = api("credit_office").post("/api/v1/record-types/", body, format="json")
    assert refused.status_code == 400 and "征信业管理条例 第十四条" in " ".join(refused.json()["fields"])

    created = api("credit_office").post("/api/v1/record-types/", {**body, "fields": [{"name": "hours", "label": "献血量"}],
                                                                   "departments": ["civilization"]}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["departments"] == ["civilization"]
    changed = api("credit_office").patch(f"/api/v1/record-types/{created.json()['id']}/", {"public": True}, format="json")
    assert changed.status_code == 200 and changed.json()["public"] is True and changed.json()["departments"] == ["civilization"]
    assert api("market").patch(f"/api/v1/record-types/{created.json()['id']}/", {"public": False}, format="json").status_code == 403
