"""The public side of objections: ``/api/v1/public/objections/`` and the pages under ``/credit/objections/``.

No login; an unknown subject or record is one 400 that does not say which (test_public_matching);
the receipt shows the state and the decision of this objection only — no contact, no grounds, no other subject, no clerk."""
import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from lists.models import EntryState
from objections import services
from objections.models import Objection, ObjectionState
from tests.objections.test_objection_services import pushed_entry

PUBLIC = "/api/v1/public/objections/"
PDF = b"%PDF-1.4\n%%EOF\n"
OTHER_COMPANY = "91350100M000100Y43"  # a valid code of no subject of the demo


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()  # the pages' per-address limits live in the cache


@pytest.fixture
def held(world):
    return pushed_entry(world)


def body_for(entry, **changes) -> dict:
    return {
        "identifier": entry.subject.identifier, "name": entry.subject.name, "decision_number": entry.decision_number,
        "grounds": "判决确定的义务已于2026年10月全部履行", "contact": "王建国 13900000000", **changes,
    }


# --- the API ---------------------------------------------------------------------------------------


def test_the_public_files_an_objection_and_gets_a_receipt(world, held):
    entry, _case = held
    client = APIClient()

    response = client.post(PUBLIC, body_for(entry, identifier=entry.subject.identifier.lower()), format="json")

    assert response.status_code == 201, response.content
    assert set(response.json()) == {"receipt_number", "state"} and response.json()["state"] == "submitted"
    objection = Objection.objects.get(receipt_number=response.json()["receipt_number"])
    assert objection.channel == Objection.Channel.PUBLIC and objection.list_entry == entry and objection.filing_department is None
    assert objection.provider_department.code == "court"


def test_the_public_may_send_evidence_files(world, held):
    entry, _case = held

    response = APIClient().post(
        PUBLIC, {**body_for(entry), "evidence": [SimpleUploadedFile("结案通知书.pdf", PDF, "application/pdf")]}, format="multipart",
    )

    assert response.status_code == 201, response.content
    objection = Objection.objects.get(receipt_number=response.json()["receipt_number"])
    assert [e.original_name for e in objection.evidence.all()] == ["结案通知书.pdf"]
    bad = APIClient().post(PUBLIC, {**body_for(entry), "evidence": [SimpleUploadedFile("a.exe", b"MZ", "application/pdf")]}, format="multipart")
    assert bad.status_code == 400 and "evidence" in bad.json()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"identifier": OTHER_COMPANY}, "non_field_errors"),
        ({"name": "别的公司"}, "non_field_errors"),
        ({"decision_number": "（2026）甘0702执999号"}, "non_field_errors"),
        ({"decision_number": "", "case_number": "LJ-2026-999999"}, "non_field_errors"),
        ({"decision_number": ""}, "decision_number"),
    ],
)
def test_an_unknown_subject_or_record_is_a_400_that_does_not_say_which(world, held, changes, field):
    entry, _case = held

    response = APIClient().post(PUBLIC, body_for(entry, **changes), format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field] and response.json()[field][0]
    assert not Objection.objects.exists()


def test_an_objection_to_a_case_by_its_number(world, held):
    entry, case = held

    response = APIClient().post(PUBLIC, body_for(entry, decision_number="", case_number=case.number.lower()), format="json")

    assert response.status_code == 201
    assert Objection.objects.get().case == case


def test_the_receipt_shows_this_objection_only(world, held):
    entry, _case = held
    other = world.published(subject=world.subject("91620702MA55TH2835"), decision_number="（2026）甘0702执555号")  # 祁连商贸
    mine = APIClient().post(PUBLIC, body_for(entry), format="json").json()["receipt_number"]
    APIClient().post(PUBLIC, body_for(other, grounds="另一份异议", contact="李四 13800000000"), format="json")
    objection = Objection.objects.get(receipt_number=mine)
    services.objection_refuse(objection=objection, actor=world.user("court"), reason="不属于本院认定的信息")

    response = APIClient().get(f"{PUBLIC}{mine.lower()}/")

    assert response.status_code == 200
    body = response.json()
    assert body["receipt_number"] == mine and body["state"] == "refused" and body["refusal_reason"] == "不属于本院认定的信息"
    assert body["decision_number"] == entry.decision_number and body["provider_department"] == "区人民法院"
    text = response.content.decode()
    for secret in ["13900000000", "13800000000", "判决确定的义务", "另一份异议", "（2026）甘0702执555号", "祁连商贸", "91620702MA55TH2835",
                   world.user("court").username]:
        assert secret not in text, secret


def test_the_receipt_follows_the_decision(world, held):
    entry, _case = held
    receipt = APIClient().post(PUBLIC, body_for(entry), format="json").json()["receipt_number"]
    objection = Objection.objects.get(receipt_number=receipt)
    services.objection_accept(objection=objection, actor=world.user("court"))
    verifying = APIClient().get(f"{PUBLIC}{receipt}/").json()
    assert verifying["state"] == "verifying" and verifying["accepted_on"] and verifying["verify_due"]

    services.objection_uphold(objection=objection, actor=world.user("court"), outcome="revoke", reason="被执行人已履行")

    upheld = APIClient().get(f"{PUBLIC}{receipt}/").json()
    assert upheld["state"] == "upheld" and upheld["decision"] == "revoke" and upheld["decision_reason"] == "被执行人已履行"
    assert upheld["decided_on"]


def test_a_wrong_receipt_is_404(world, held):
    assert APIClient().get(f"{PUBLIC}YYNOSUCHRECEIPT/").status_code == 404
    assert APIClient().get(f"{PUBLIC}{'Y' * 40}/").status_code == 404


# --- the pages -------------------------------------------------------------------------------------

NEW, RECEIPT, STATUS = "/credit/objections/", "/credit/objections/receipt/", "/credit/objections/status/"


def form_data(entry, **changes):
    data = body_for(entry, **changes)
    data.setdefault("case_number", "")
    return data


def test_the_form_is_in_chinese_with_csrf(world, client):
    response = client.get(NEW)

    page = response.content.decode()
    assert response.status_code == 200
    assert "提出异议申请" in page and "csrfmiddlewaretoken" in page and 'enctype="multipart/form-data"' in page
    assert "<script src=\"http" not in page and "cdn" not in page.lower()


def test_a_filing_on_the_page_shows_the_receipt_and_can_be_followed(world, held, client):
    entry, _case = held

    response = client.post(NEW, form_data(entry))

    assert response.status_code == 302 and response["Location"] == RECEIPT
    objection = Objection.objects.get()
    assert objection.receipt_number not in response["Location"]
    receipt = client.get(RECEIPT).content.decode()
    assert objection.receipt_number in receipt and "已提交，等待受理" in receipt

    status = Client().post(STATUS, {"receipt_number": objection.receipt_number.lower()})
    assert status.status_code == 200 and "已提交，等待受理" in status.content.decode() and "区人民法院" in status.content.decode()
    assert "13900000000" not in status.content.decode()


def test_field_errors_are_shown_and_nothing_typed_is_lost(world, held, client):
    entry, _case = held

    response = client.post(NEW, form_data(entry, identifier=OTHER_COMPANY, grounds="所列债务已清偿完毕"))

    page = response.content.decode()
    assert response.status_code == 400
    assert "未查询到与所填统一社会信用代码或身份证号码、名称和文号（编号）相符的公示信息" in page
    assert "所列债务已清偿完毕" in page and entry.subject.name in page and "王建国 13900000000" in page
    assert not Objection.objects.exists()
    missing = client.post(NEW, form_data(entry, decision_number="", grounds=""))
    assert "请填写决定文号或联合奖惩案件编号" in missing.content.decode()


def test_a_wrong_receipt_number_on_the_page_is_404(world, client):
    response = client.post(STATUS, {"receipt_number": "YYWRONGNUMBER0"})

    assert response.status_code == 404 and "未查询到该回执号" in response.content.decode()
    assert client.get(RECEIPT).status_code == 302  # nothing filed in this session


def test_an_accepted_objection_shows_under_verification_on_the_search(world, held, client):
    entry, _case = held
    receipt = APIClient().post(PUBLIC, body_for(entry), format="json").json()["receipt_number"]
    services.objection_accept(objection=Objection.objects.get(receipt_number=receipt), actor=world.user("court"))
    entry.refresh_from_db()
    assert entry.state == EntryState.SUSPENDED
    assert Objection.objects.get().state == ObjectionState.VERIFYING

    page = client.get("/credit/", {"q": entry.subject.identifier}).content.decode()

    assert "异议核查中" in page



