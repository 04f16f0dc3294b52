"""The public side of credit repair: ``/api/v1/public/repairs/`` and the pages under ``/credit/repairs/``."""
import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from credit_platform.rules import add_months
from repair import services
from repair.models import RepairApplication, RepairState
from sanctions import services as case_services
from sanctions.models import AssignmentState, CaseState, JointCase

PUBLIC = "/api/v1/public/repairs/"
NEW, RECEIPT, STATUS = "/credit/repairs/", "/credit/repairs/receipt/", "/credit/repairs/status/"


def months_ago(n: int) -> datetime.date:
    return add_months(datetime.date.today(), -n)


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


def body_for(entry, **changes) -> dict:
    return {
        "identifier": entry.subject.identifier, "name": entry.subject.name, "decision_number": entry.decision_number,
        "evidence": "已全部履行判决义务，见执行结案通知书", "commitment_signed": True, "training_completed": True,
        "contact": "王建国 13900000000", **changes,
    }


# --- the API ---------------------------------------------------------------------------------------


def test_a_severe_entry_decided_8_months_ago_is_a_400_with_the_date(world):
    entry = world.published(severity="severe", decided_on=months_ago(8))

    response = APIClient().post(PUBLIC, body_for(entry), format="json")

    assert response.status_code == 400
    assert response.json()["eligible_from"] == entry.repair_possible_from.isoformat()
    assert add_months(entry.decided_on, 12) <= entry.repair_possible_from <= add_months(entry.decided_on, 12) + datetime.timedelta(days=1)
    assert response.json()["reasons"]
    assert not RepairApplication.objects.exists()


def test_a_severe_entry_decided_13_months_ago_is_repaired_and_lifted(world):
    entry = world.published(severity="severe", decided_on=months_ago(13))
    case = JointCase.objects.get(list_entry_id=entry.pk)
    case_services.case_push(case=case, actor=world.user("court"))

    response = APIClient().post(PUBLIC, body_for(entry), format="json")

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

    response = APIClient().post(PUBLIC, body_for(entry, **changes), format="json")

    assert response.status_code == 400 and list(response.json()) == ["non_field_errors"]


def test_the_receipt_shows_this_application_only_and_a_wrong_one_is_404(world):
    entry = world.published(severity="severe", decided_on=months_ago(13))
    other = world.published(subject=world.subject("91620702MA55TH2835"), severity="severe", decided_on=months_ago(14),
                            decision_number="（2025）甘0702执66号")
    mine = APIClient().post(PUBLIC, body_for(entry), format="json").json()["receipt_number"]
    APIClient().post(PUBLIC, body_for(other, contact="李四 13800000000", evidence="另一份申请"), format="json")
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


def form_data(entry, **changes) -> dict:
    data = body_for(entry, **changes)
    return {key: ("on" if value is True else value) for key, value in data.items() if value is not False}


def test_the_form_is_in_chinese_with_csrf(world, client):
    page = client.get(NEW).content.decode()

    assert "申请信用修复" in page and "csrfmiddlewaretoken" in page and 'enctype="multipart/form-data"' in page


def test_an_ineligible_application_on_the_page_says_why_and_from_when(world, client):
    entry = world.published(severity="severe", decided_on=months_ago(8))

    response = client.post(NEW, form_data(entry))

    page = response.content.decode()
    assert response.status_code == 400
    assert "暂不符合信用修复申请条件" in page and f"{entry.repair_possible_from:%Y年%m月%d日}" in page
    assert "最短公示期为 12 个月" in page
    assert "已全部履行判决义务" in page and "王建国 13900000000" in page  # nothing typed is lost
    assert not RepairApplication.objects.exists()


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
