"""Objections and repairs reach credit records (issue 13 item 4; DESIGN.md "Catalogue and records",
"Contract details"; RULES.md: "the same repair procedure applies to penalty publicity").

Over the API and the admin, as the departments and the public use them: an objection to a record
holds it (it leaves the public 双公示 query while verified) and its dismissal restores it with its
publication end moved by the working days held; a repair of a penalty's publicity is refused before
its minimum period with ``eligible_from`` and, approved by the providing department, takes the record
off the public query while the credit file keeps it. Another department gets 404. The public forms
take ``target=record`` and answer every mismatch alike."""
import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from credit_platform import audit, demo
from credit_platform.models import AuditEvent
from objections import services as objection_services
from objections.models import Objection, ObjectionState
from records import events as record_events
from records import services as record_services
from records.models import CreditRecord, RecordState
from repair.models import RepairApplication
from tests.lists.conftest import ListWorld
from tests.public_answers import api_answer, page_answer
from tests.records.conftest import RecordWorld, days_ago
from tests.repair.documents import form_files, multipart
from tests.threads import race

REPAIRS, OBJECTIONS = "/api/v1/repairs/", "/api/v1/objections/"
PUBLIC_REPAIRS, PUBLIC_OBJECTIONS = "/api/v1/public/repairs/", "/api/v1/public/objections/"
REPAIR_KINDS = ("proof", "commitment")


@pytest.fixture(autouse=True)
def _no_limits(settings):
    cache.clear()
    settings.CREDIT_PUBLIC_FILINGS_PER_MINUTE = 0  # many filings from one address here


def publicly_listed(record) -> bool:
    """Whether the public 双公示 query (by the subject's identifier) shows the record."""
    response = APIClient().get("/api/v1/public/records/", {"q": record.subject.identifier})
    assert response.status_code == 200
    return record.decision_number in response.content.decode()


def credit_file_penalties(api, user, record) -> list[dict]:
    response = api(user).get(f"/api/v1/subjects/{record.subject_id}/credit-file/")
    assert response.status_code == 200
    return response.json()["records"]["penalty"]


def repair_body(record, **changes) -> dict:
    return {
        "record": record.pk, "evidence": "罚款已缴清，违法行为已整改", "commitment_signed": True, "contact": "李娜 0936-8223344",
        **multipart(REPAIR_KINDS), **changes,
    }


def admin_page(client, user, url):
    client.force_login(user)
    return client.get(url)


# --- repair of penalty publicity -------------------------------------------------------------------


def test_a_penalty_record_is_repaired_after_its_minimum_period_and_stays_in_the_credit_file(world, api, client):
    record = world.penalty(publish=True)  # the market bureau's general penalty against the food company
    assert publicly_listed(record)

    early = api("market").post(REPAIRS, repair_body(record), format="multipart")

    assert early.status_code == 400
    assert early.json()["eligible_from"] == record.repair_possible_from.isoformat()
    assert record.repair_possible_from >= record.decided_on + datetime.timedelta(days=89)  # 3 months for a general penalty
    assert not RepairApplication.objects.exists()

    # Three months on: the minimum period is served.
    CreditRecord.objects.filter(pk=record.pk).update(repair_possible_from=days_ago(1))
    filed = api("market").post(REPAIRS, repair_body(record), format="multipart")
    assert filed.status_code == 201, filed.content
    application = RepairApplication.objects.get(pk=filed.json()["id"])
    assert filed.json()["record"]["id"] == record.pk and filed.json()["list_entry"] is None
    assert application.deciding_department.code == "market" and application.list_entry is None
    assert filed.json()["eligibility"]["eligible"] is True

    # Another department sees nothing of it, over the API and in the admin.
    assert api("ecology").get(f"{REPAIRS}{application.pk}/").status_code == 404
    assert api("ecology").post(f"{REPAIRS}{application.pk}/approve/").status_code == 404
    assert admin_page(client, world.user("ecology"), f"/admin/repair/repairapplication/{application.pk}/change/").status_code in (302, 404)
    assert application.pk not in [row["id"] for row in api("ecology").get(REPAIRS).json()["results"]]

    page = admin_page(Client(), world.user("market"), f"/admin/repair/repairapplication/{application.pk}/change/")
    assert page.status_code == 200 and f"/admin/records/creditrecord/{record.pk}/change/" in page.content.decode()

    assert api("market").post(f"{REPAIRS}{application.pk}/accept/").status_code == 200
    approved = api("market").post(f"{REPAIRS}{application.pk}/approve/")
    assert approved.status_code == 200 and approved.json()["state"] == "approved"

    record.refresh_from_db()
    assert record.state == RecordState.REMOVED and record.removal_reason == "repaired"
    assert record.removal_note == application.receipt_number
    assert not publicly_listed(record)
    kept = [row for row in credit_file_penalties(api, "market", record) if row["id"] == record.pk]
    assert kept and kept[0]["state"] == "removed" and kept[0]["removal_reason"] == "repaired"


def test_only_a_published_penalty_or_dishonesty_record_is_repaired(world, api):
    licence = world.licence(publish=True)
    draft = world.penalty(decision_number="甘示市监处罚〔2026〕16号")
    for record in (licence, draft):
        CreditRecord.objects.filter(pk=record.pk).update(repair_possible_from=days_ago(1))
        response = api("market").post(REPAIRS, repair_body(record), format="multipart")
        assert response.status_code == 400 and response.json()["eligible_from"] is None, record
    neither = api("market").post(REPAIRS, {k: v for k, v in repair_body(licence).items() if k != "record"}, format="multipart")
    assert neither.status_code == 400 and "target" in neither.json()
    assert not RepairApplication.objects.exists()


def test_a_record_is_repaired_once_at_a_time(world, api):
    record = world.penalty(publish=True)
    CreditRecord.objects.filter(pk=record.pk).update(repair_possible_from=days_ago(1))
    assert api("market").post(REPAIRS, repair_body(record), format="multipart").status_code == 201

    again = api("market").post(REPAIRS, repair_body(record), format="multipart")

    assert again.status_code == 400 and "record" in again.json()


# --- objections ------------------------------------------------------------------------------------


def test_an_objection_holds_the_record_and_its_dismissal_moves_the_publication_end(world, api, client):
    record = world.penalty(publish=True)
    ends_on, repair_from = record.publication_ends_on, record.repair_possible_from

    filed = api("tax").post(OBJECTIONS, {"record": record.pk, "grounds": "处罚决定已被复议撤销", "contact": "0936-1234567"}, format="json")

    assert filed.status_code == 201, filed.content
    body = filed.json()
    assert body["record"]["id"] == record.pk and body["provider_department"] == "market" and body["list_entry"] is None
    objection = Objection.objects.get(pk=body["id"])
    assert api("ecology").get(f"{OBJECTIONS}{objection.pk}/").status_code == 404
    assert api("ecology").post(f"{OBJECTIONS}{objection.pk}/accept/").status_code == 404
    assert admin_page(client, world.user("ecology"), f"/admin/objections/objection/{objection.pk}/change/").status_code in (302, 404)
    assert api("market").get(OBJECTIONS, {"record": record.pk}).json()["results"][0]["id"] == objection.pk
    page = admin_page(Client(), world.user("market"), f"/admin/objections/objection/{objection.pk}/change/")
    assert page.status_code == 200 and f"/admin/records/creditrecord/{record.pk}/change/" in page.content.decode()

    assert api("market").post(f"{OBJECTIONS}{objection.pk}/accept/").status_code == 200
    record.refresh_from_db()
    assert record.state == RecordState.SUSPENDED and not publicly_listed(record)

    CreditRecord.objects.filter(pk=record.pk).update(suspended_on=days_ago(14))  # two weeks of verification
    dismissed = api("market").post(f"{OBJECTIONS}{objection.pk}/dismiss/", {"reason": "处罚决定有效"}, format="json")

    assert dismissed.status_code == 200 and dismissed.json()["state"] == ObjectionState.DISMISSED
    record.refresh_from_db()
    assert record.state == RecordState.PUBLISHED and publicly_listed(record)
    assert record.held_working_days >= 8
    assert record.publication_ends_on > ends_on and record.repair_possible_from > repair_from


@pytest.mark.parametrize(("outcome", "reason"), [("revoke", "revoked"), ("correct", "corrected")])
def test_an_upheld_objection_removes_the_record(world, api, outcome, reason):
    record = world.penalty(publish=True)
    objection = objection_services.objection_file(
        subject=record.subject, record=record, grounds="文号有误", contact="0936-1234567", channel=Objection.Channel.PUBLIC,
    )
    objection_services.objection_accept(objection=objection, actor=world.user("market"))

    upheld = api("market").post(f"{OBJECTIONS}{objection.pk}/uphold/", {"outcome": outcome, "reason": "经核查记录有误"}, format="json")

    assert upheld.status_code == 200, upheld.content
    record.refresh_from_db()
    assert record.state == RecordState.REMOVED and record.removal_reason == reason
    assert not publicly_listed(record)


def test_an_objection_names_a_record_alone_and_only_one_the_caller_sees(world, api):
    draft = world.penalty(decision_number="甘示市监处罚〔2026〕17号")  # the market bureau's draft: nobody else sees it

    unseen = api("tax").post(OBJECTIONS, {"record": draft.pk, "grounds": "有误", "contact": "0936"}, format="json")

    assert unseen.status_code == 400 and "record" in unseen.json()
    assert not Objection.objects.exists()


# --- the public forms ------------------------------------------------------------------------------


def public_objection(record, **changes) -> dict:
    return {
        "target": "record", "identifier": record.subject.identifier, "name": record.subject.name,
        "decision_number": record.decision_number, "grounds": "该处罚已被撤销", "contact": "李娜 0936-8223344", **changes,
    }


def public_repair(record, **changes) -> dict:
    return {
        "target": "record", "identifier": record.subject.identifier, "name": record.subject.name,
        "decision_number": record.decision_number, "evidence": "罚款已缴清", "commitment_signed": True,
        "contact": "李娜 0936-8223344", **multipart(REPAIR_KINDS), **changes,
    }


@pytest.fixture
def public_registry(world):
    """A published penalty the public query shows, and records a filing must not be able to confirm."""
    lists_world = ListWorld()
    entry = lists_world.published(subject=world.food_company, decision_number="（2026）甘0702执888号")
    removed = world.penalty(decision_number="甘示市监处罚〔2026〕21号", publish=True)
    record_services.record_remove(record=removed, actor=world.user("market"), reason="revoked")
    return {
        "record": world.penalty(publish=True),
        "draft": world.penalty(decision_number="甘示市监处罚〔2026〕20号"),
        "removed": removed, "entry": entry,
    }


def record_mismatches(r) -> dict[str, dict]:
    return {
        "unknown identifier": {"identifier": "91350100M000100Y43"},
        "wrong name": {"name": "示范区金川建筑有限公司"},
        "unknown decision number": {"decision_number": "甘示市监处罚〔2026〕99号"},
        "a draft record": {"decision_number": r["draft"].decision_number},
        "a list entry's number under target record": {"decision_number": r["entry"].decision_number},
    }


def test_the_public_api_files_objections_and_repairs_on_a_record_and_answers_every_mismatch_alike(world, public_registry):
    r = public_registry
    mismatches = {**record_mismatches(r), "a removed record": {"decision_number": r["removed"].decision_number}}
    list_mismatch = api_answer(APIClient().post(PUBLIC_OBJECTIONS, public_objection(r["record"], target="list_entry"), format="json"))

    objection_answers = {name: api_answer(APIClient().post(PUBLIC_OBJECTIONS, public_objection(r["record"], **changes), format="json"))
                         for name, changes in mismatches.items()}
    repair_answers = {name: api_answer(APIClient().post(PUBLIC_REPAIRS, public_repair(r["record"], **changes), format="multipart"))
                      for name, changes in mismatches.items()}

    assert list_mismatch[0] == 400 and b"non_field_errors" in list_mismatch[1]
    for name in mismatches:
        assert objection_answers[name] == list_mismatch, name
        assert repair_answers[name] == list_mismatch, name
    assert not RepairApplication.objects.exists()

    objection = APIClient().post(PUBLIC_OBJECTIONS, public_objection(r["record"]), format="json")
    assert objection.status_code == 201
    assert Objection.objects.get(receipt_number=objection.json()["receipt_number"]).record == r["record"]
    status = APIClient().get(f"{PUBLIC_OBJECTIONS}{objection.json()['receipt_number']}/").json()
    assert status["decision_number"] == r["record"].decision_number and status["provider_department"] == "区市场监督管理局"

    # Not yet three months: filed, and refused by the platform with the date the receipt shows.
    repair = APIClient().post(PUBLIC_REPAIRS, public_repair(r["record"]), format="multipart")
    assert repair.status_code == 201 and repair.json()["state"] == "refused"
    receipt = APIClient().get(f"{PUBLIC_REPAIRS}{repair.json()['receipt_number']}/").json()
    assert receipt["eligible_from"] == r["record"].repair_possible_from.isoformat()
    assert receipt["decision_number"] == r["record"].decision_number
    assert "行政处罚信息的最短公示期" in RepairApplication.objects.get().refusal_reason
    assert RepairApplication.objects.get().record == r["record"]

    # The default target is the list entry, as before.
    default = APIClient().post(PUBLIC_OBJECTIONS, {k: v for k, v in public_objection(r["entry"]).items() if k != "target"}, format="json")
    assert default.status_code == 201 and Objection.objects.get(receipt_number=default.json()["receipt_number"]).list_entry == r["entry"]


def test_the_public_pages_take_a_record_and_answer_every_mismatch_alike(world, public_registry):
    r = public_registry

    def objection_page(**changes):
        return page_answer(Client().post("/credit/objections/", public_objection(r["record"], **changes)))

    def repair_page(**changes):
        data = {k: ("on" if v is True else v) for k, v in public_repair(r["record"], **changes).items() if not k.startswith("document")}
        return page_answer(Client().post("/credit/repairs/", {**data, **form_files(REPAIR_KINDS)}))

    objections = {name: objection_page(**changes) for name, changes in record_mismatches(r).items()}
    repairs = {name: repair_page(**changes) for name, changes in record_mismatches(r).items()}
    first_objection, first_repair = objections["unknown identifier"], repairs["unknown identifier"]
    assert first_objection[0] == 400 and "相符的公示信息" in first_objection[1]
    assert first_repair[0] == 400 and "相符的公示信息" in first_repair[1]
    for name in objections:
        assert objections[name] == first_objection, name
        assert repairs[name] == first_repair, name

    filed = Client().post("/credit/objections/", public_objection(r["record"]))
    assert filed.status_code == 302 and Objection.objects.filter(record=r["record"], channel="public").count() == 1
    form = Client().get("/credit/objections/").content.decode()
    assert 'name="target"' in form and "双公示" in form


# --- race safety -----------------------------------------------------------------------------------


@pytest.fixture
def racing_world(seeded_rule_sets):
    demo.seed()
    return RecordWorld()


def test_two_dismissals_at_the_same_moment_restore_the_record_once(racing_world):
    world = racing_world
    market = world.user("market")
    for n in range(6):
        record = world.penalty(decision_number=f"甘示市监处罚〔2026〕{300 + n}号", publish=True)
        first, second = (
            objection_services.objection_file(subject=record.subject, record=record, grounds="有误", contact="0936", channel=Objection.Channel.PUBLIC)
            for _ in range(2)
        )
        objection_services.objection_accept(objection=first, actor=market)
        objection_services.objection_accept(objection=second, actor=market)
        record.refresh_from_db()
        assert record.state == RecordState.SUSPENDED

        errors = race(
            lambda: objection_services.objection_dismiss(objection=first, actor=market, reason="记录无误"),
            lambda: objection_services.objection_dismiss(objection=second, actor=market, reason="记录无误"),
        )

        assert errors == []
        record.refresh_from_db()
        assert record.state == RecordState.PUBLISHED
        resumed = AuditEvent.objects.filter(stream=audit.stream_for(record), action=record_events.record_resumed.code)
        assert resumed.count() == 1


def test_an_accept_racing_a_dismissal_keeps_the_record_held(racing_world):
    world = racing_world
    market = world.user("market")
    for n in range(6):
        record = world.penalty(decision_number=f"甘示市监处罚〔2026〕{400 + n}号", publish=True)
        held, waiting = (
            objection_services.objection_file(subject=record.subject, record=record, grounds="有误", contact="0936", channel=Objection.Channel.PUBLIC)
            for _ in range(2)
        )
        objection_services.objection_accept(objection=held, actor=market)

        errors = race(
            lambda: objection_services.objection_dismiss(objection=held, actor=market, reason="记录无误"),
            lambda: objection_services.objection_accept(objection=waiting, actor=market),
        )

        assert errors == []
        record.refresh_from_db()
        assert record.state == RecordState.SUSPENDED  # the second objection still verifies



def test_the_lists_stay_bounded_with_records(world, api, django_assert_max_num_queries):
    for n in range(3):
        record = world.penalty(decision_number=f"甘示市监处罚〔2026〕{500 + n}号", publish=True)
        objection_services.objection_file(subject=record.subject, record=record, grounds="有误", contact="0936", channel=Objection.Channel.PUBLIC)
        CreditRecord.objects.filter(pk=record.pk).update(repair_possible_from=days_ago(1))
        assert api("market").post(REPAIRS, repair_body(record), format="multipart").status_code == 201
    client = api("market")

    with django_assert_max_num_queries(3):  # the rows (record and its type joined), their evidence or documents
        objections = client.get(OBJECTIONS)
    with django_assert_max_num_queries(3):
        repairs = client.get(REPAIRS)

    assert [row["record"]["record_type"] for row in objections.json()["results"]] == ["administrative-penalty"] * 3
    assert len([row for row in repairs.json()["results"] if row["record"]]) == 3


def test_the_admin_add_forms_take_a_record(world, client):
    record = world.penalty(publish=True)
    client.force_login(world.user("market"))
    fields = {"record": record.pk, "contact": "13900000000", "evidence": "罚款已缴清", "commitment_signed": "on"}

    early = client.post("/admin/repair/repairapplication/add/", {**fields, **form_files(REPAIR_KINDS)})
    assert early.status_code == 200 and record.repair_possible_from.isoformat() in early.content.decode()
    CreditRecord.objects.filter(pk=record.pk).update(repair_possible_from=days_ago(1))
    entered = client.post("/admin/repair/repairapplication/add/", {**fields, **form_files(REPAIR_KINDS)})

    application = RepairApplication.objects.get()
    assert entered.status_code == 302 and application.record == record and application.list_entry is None

    client.force_login(world.user("tax"))
    filed = client.post("/admin/objections/objection/add/", {"record": record.pk, "grounds": "处罚有误", "contact": "税务局"})
    objection = Objection.objects.get()
    assert filed.status_code == 302 and objection.record == record and objection.provider_department.code == "market"
