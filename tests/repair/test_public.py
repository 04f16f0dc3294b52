"""The public side of credit repair: ``/api/v1/public/repairs/`` and the pages under ``/credit/repairs/``."""
import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from credit_platform.models import AuditEvent, Notification, RuleSet
from credit_platform.rules import add_months
from repair import services
from repair.models import RepairApplication, RepairState
from sanctions import services as case_services
from sanctions.models import AssignmentState, CaseState, JointCase
from tests.repair.documents import ALL, form_files, multipart

PUBLIC = "/api/v1/public/repairs/"
NEW, RECEIPT, STATUS = "/credit/repairs/", "/credit/repairs/receipt/", "/credit/repairs/status/"


def months_ago(n: int) -> datetime.date:
    return add_months(datetime.date.today(), -n)


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


def body_for(entry, kinds=ALL, **changes) -> dict:
    """A multipart body: the fields and the documents (fresh files each call)."""
    return {
        "identifier": entry.subject.identifier, "name": entry.subject.name, "decision_number": entry.decision_number,
        "evidence": "已全部履行判决义务，见执行结案通知书", "commitment_signed": True,
        "contact": "王建国 13900000000", **multipart(kinds), **changes,
    }


# --- the API ---------------------------------------------------------------------------------------


def test_a_severe_entry_decided_8_months_ago_is_filed_and_refused_at_once_with_the_date(world):
    entry = world.published(severity="severe", decided_on=months_ago(8))

    response = APIClient().post(PUBLIC, body_for(entry), format="multipart")

    assert response.status_code == 201 and response.json()["state"] == "refused"
    application = RepairApplication.objects.get()
    assert application.state == RepairState.REFUSED and application.channel == RepairApplication.Channel.PUBLIC
    assert application.documents.count() == 3 and application.decided_by is None
    assert not Notification.objects.filter(verb="repair_filed").exists()  # nothing for the court to decide
    receipt = APIClient().get(f"{PUBLIC}{application.receipt_number}/").json()
    assert receipt["eligible_from"] == entry.repair_possible_from.isoformat()
    assert add_months(entry.decided_on, 12) <= entry.repair_possible_from <= add_months(entry.decided_on, 12) + datetime.timedelta(days=1)
    assert "最短公示期为 12 个月" in receipt["refusal_reason"] and f"{entry.repair_possible_from:%Y年%m月%d日}" in receipt["refusal_reason"]
    refused = AuditEvent.objects.get(action="repair_refused")
    assert refused.actor_id is None and refused.extra["by"] == "platform" and "12 months" in refused.extra["reasons"][0]


def test_a_second_application_while_one_is_handled_is_filed_and_refused(world):
    entry = world.published(severity="severe", decided_on=months_ago(13))
    first = APIClient().post(PUBLIC, body_for(entry), format="multipart").json()

    second = APIClient().post(PUBLIC, body_for(entry), format="multipart")

    assert first["state"] == "submitted" and second.status_code == 201 and second.json()["state"] == "refused"
    receipt = APIClient().get(f"{PUBLIC}{second.json()['receipt_number']}/").json()
    assert "已有正在办理的信用修复申请" in receipt["refusal_reason"] and receipt["eligible_from"] is None
    assert RepairApplication.objects.get(receipt_number=first["receipt_number"]).state == RepairState.SUBMITTED


def test_the_training_certificate_the_rule_set_asks_for_is_a_refusal_of_the_filed_application(world):
    RuleSet.objects.filter(code="order-58").update(severe_repair_requires_training=True)
    entry = world.published(severity="severe", decided_on=months_ago(13))

    without = APIClient().post(PUBLIC, body_for(entry, kinds=("proof", "commitment")), format="multipart")
    complete = APIClient().post(PUBLIC, body_for(entry), format="multipart")

    assert without.status_code == 201 and without.json()["state"] == "refused"
    assert "信用修复培训证明或信用报告" in APIClient().get(f"{PUBLIC}{without.json()['receipt_number']}/").json()["refusal_reason"]
    assert complete.status_code == 201 and complete.json()["state"] == "submitted"


def test_documents_every_application_holds_are_asked_for_before_the_match(world):
    entry = world.published(severity="severe", decided_on=months_ago(13))

    ticked_only = APIClient().post(PUBLIC, {k: v for k, v in body_for(entry).items() if not k.startswith("document")}, format="multipart")
    no_commitment = APIClient().post(PUBLIC, body_for(entry, kinds=("proof", "training")), format="multipart")

    assert ticked_only.status_code == 400 and list(ticked_only.json()) == ["documents"]
    assert "“proof”" in ticked_only.json()["documents"][0] and "“commitment”" in ticked_only.json()["documents"][0]
    assert no_commitment.status_code == 400 and list(no_commitment.json()) == ["documents"]
    assert "“commitment”" in no_commitment.json()["documents"][0]
    assert not RepairApplication.objects.exists()


def test_a_severe_entry_decided_13_months_ago_is_repaired_and_lifted(world):
    entry = world.published(severity="severe", decided_on=months_ago(13))
    case = JointCase.objects.get(list_entry_id=entry.pk)
    case_services.case_push(case=case, actor=world.user("court"))

    response = APIClient().post(PUBLIC, body_for(entry), format="multipart")

    assert response.status_code == 201 and response.json()["state"] == "submitted"
    application = RepairApplication.objects.get(receipt_number=response.json()["receipt_number"])
    assert application.channel == RepairApplication.Channel.PUBLIC and application.deciding_department.code == "court"
    services.repair_accept(application=application, actor=world.user("court"))
    services.repair_approve(application=application, actor=world.user("court"))
    case.refresh_from_db()
    assert case.state == CaseState.REPAIRED
    assert set(case.assignments.values_list("state", flat=True)) == {AssignmentState.LIFTING}
    assert APIClient().get("/api/v1/public/list-entries/", {"q": entry.subject.identifier}).json()["results"] == []
    receipt = APIClient().get(f"{PUBLIC}{application.receipt_number}/").json()
    assert receipt["state"] == "approved" and receipt["decided_on"]


@pytest.mark.parametrize(
    "changes",
    [{"identifier": "91350100M000100Y43"}, {"name": "别的公司"}, {"decision_number": "（2026）甘0702执999号"}],
)
def test_an_unknown_subject_or_entry_is_a_400_that_does_not_say_which(world, changes):
    entry = world.published(severity="severe", decided_on=months_ago(13))

    response = APIClient().post(PUBLIC, body_for(entry, **changes), format="multipart")

    assert response.status_code == 400 and list(response.json()) == ["non_field_errors"]


def test_the_receipt_shows_this_application_only_and_a_wrong_one_is_404(world):
    entry = world.published(severity="severe", decided_on=months_ago(13))
    other = world.published(subject=world.subject("91620702MA55TH2835"), severity="severe", decided_on=months_ago(14),
                            decision_number="（2025）甘0702执66号")
    mine = APIClient().post(PUBLIC, body_for(entry), format="multipart").json()["receipt_number"]
    APIClient().post(PUBLIC, body_for(other, contact="李四 13800000000", evidence="另一份申请"), format="multipart")
    application = RepairApplication.objects.get(receipt_number=mine)
    services.repair_refuse(application=application, actor=world.user("court"), reason="材料不全，请补充执行结案通知书")

    response = APIClient().get(f"{PUBLIC}{mine}/")

    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "refused" and body["refusal_reason"] == "材料不全，请补充执行结案通知书"
    assert body["deciding_department"] == "区人民法院" and body["decision_number"] == entry.decision_number
    text = response.content.decode()
    for secret in ["13900000000", "13800000000", "另一份申请", "已全部履行", "（2025）甘0702执66号", "祁连商贸", "91620702MA55TH2835", "court"]:
        assert secret not in text, secret
    assert APIClient().get(f"{PUBLIC}XFNOSUCHRECEIPT/").status_code == 404


# --- the pages -------------------------------------------------------------------------------------


def form_data(entry, kinds=ALL, **changes) -> dict:
    data = {key: value for key, value in body_for(entry, **changes).items() if not key.startswith("document")}
    return {**{key: ("on" if value is True else value) for key, value in data.items() if value is not False}, **form_files(kinds)}


def test_the_form_is_in_chinese_with_csrf(world, client):
    page = client.get(NEW).content.decode()

    assert "申请信用修复" in page and "csrfmiddlewaretoken" in page and 'enctype="multipart/form-data"' in page


def test_an_ineligible_application_on_the_page_gets_a_receipt_saying_why_and_from_when(world, client):
    entry = world.published(severity="severe", decided_on=months_ago(8))

    response = client.post(NEW, form_data(entry))

    assert response.status_code == 302 and response["Location"] == RECEIPT
    page = client.get(RECEIPT).content.decode()
    assert "不予受理" in page and "最短公示期为 12 个月" in page
    assert f"{entry.repair_possible_from:%Y-%m-%d}" in page and f"{entry.repair_possible_from:%Y年%m月%d日}" in page
    assert RepairApplication.objects.get().state == RepairState.REFUSED


def test_an_application_on_the_page_shows_the_receipt_and_can_be_followed(world, client):
    entry = world.published(severity="severe", decided_on=months_ago(13))

    response = client.post(NEW, form_data(entry))

    assert response.status_code == 302 and response["Location"] == RECEIPT
    application = RepairApplication.objects.get()
    assert application.state == RepairState.SUBMITTED
    assert application.receipt_number in client.get(RECEIPT).content.decode()
    status = Client().post(STATUS, {"receipt_number": application.receipt_number})
    assert status.status_code == 200 and "已提交，等待受理" in status.content.decode()
    assert Client().post(STATUS, {"receipt_number": "XFWRONG"}).status_code == 404


def test_missing_commitment_is_a_field_error_on_the_page(world, client):
    entry = world.published(severity="severe", decided_on=months_ago(13))

    response = client.post(NEW, form_data(entry, commitment_signed=False))

    assert response.status_code == 400 and "须签署信用承诺书" in response.content.decode()
    assert not RepairApplication.objects.exists()


def test_a_ticked_commitment_without_its_documents_is_refused_on_the_page(world, client):
    entry = world.published(severity="severe", decided_on=months_ago(13))

    response = client.post(NEW, form_data(entry, kinds=("training",)))

    page = response.content.decode()
    assert response.status_code == 400 and "请上传履行法定义务、纠正失信行为的证明材料" in page and "请上传签署的信用承诺书" in page
    assert not RepairApplication.objects.exists()
