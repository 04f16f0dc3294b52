"""Credit reports (信用报告, issue 15 item 2): issued over the API, at the counter and, for an
organisation itself, on the public site; downloaded as a PDF in Chinese read back here; verified by
anyone with the number and the code. Who issues and who downloads: the actor matrix below."""
import io
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from pypdf import PdfReader
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from checks.report_content import report_content
from checks.report_models import CreditReport
from credit_platform import demo
from credit_platform.models import AuditEvent, Subject
from records import services as record_services
from tests.lists.conftest import DECISION, ListWorld, days_ago
from tests.lists.conftest import api  # noqa: F401 - the API clients
from tests.records.conftest import PENALTY_NUMBER, RecordWorld

URL = "/api/v1/credit-reports/"
VERIFY = "/api/v1/public/credit-reports/verify/"
COMPANY_NAME = "示范区金川建筑工程有限公司"  # world.company
PERSON_ID = "620702198509234268"  # 李秀英
SELF_USCC, SELF_NAME = "91620702MA55TH2835", "示范区祁连商贸有限公司"  # its legal representative: 李秀英


class ReportWorld(ListWorld, RecordWorld):
    pass


@pytest.fixture
def world(db):
    demo.seed()
    cache.clear()  # the public limits count per address and minute, across tests
    return ReportWorld()


def pdf_text(response) -> str:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)


def issue(api, world, username="finance", subject=None, **body):
    body = {"subject": (subject or world.company).pk, "purpose": "政府采购项目投标资格审查", "business_reference": "ZFCG-2026-018", **body}
    return api(username).post(URL, body, format="json")


def test_a_report_of_a_demo_company_reads_back_with_its_entries_records_and_code(world, api):
    world.published()  # the court's black entry DECISION on world.company
    world.penalty(subject=world.company, publish=True)
    case = world.pushed_case()  # its measures are in force
    response = issue(api, world)
    assert response.status_code == 201, response.content
    answer = response.json()
    assert set(answer) == {"number", "verification_code", "issued_at", "pdf"}
    assert re.fullmatch(r"XYBG-\d{4}-\d{6}", answer["number"])
    assert answer["pdf"].endswith(f"/api/v1/credit-reports/{answer['number']}/pdf/")

    text = pdf_text(api("finance").get(answer["pdf"]))

    assert "信用报告" in text
    assert COMPANY_NAME in text and world.company.identifier in text
    assert "".join(DECISION.split()) in text and "失信黑名单" in text
    assert "".join(PENALTY_NUMBER.split()) in text and "行政处罚" in text
    assert answer["verification_code"] in text and answer["number"] in text
    assert case.number in text and "限制参加政府采购活动" in text
    assert "政府采购项目投标资格审查" in text
    assert world.department("finance").name in text  # the issuing office
    assert "/credit/report/verify/" in text


def test_the_report_states_the_day_of_issue_and_never_changes(world, api):
    entry = world.published()
    answer = issue(api, world).json()
    report = CreditReport.objects.get(number=answer["number"])
    type(entry).objects.filter(pk=entry.pk).update(state="removed")  # later the entry leaves the list

    text = pdf_text(api("finance").get(answer["pdf"]))

    assert "".join(DECISION.split()) in text
    assert report.content_hash in text


def test_numbers_follow_each_other_and_codes_differ(world, api):
    first, second = issue(api, world).json(), issue(api, world, username="credit_office").json()
    assert int(second["number"][-6:]) == int(first["number"][-6:]) + 1
    assert first["verification_code"] != second["verification_code"]


def test_a_retried_issue_with_its_idempotency_key_issues_one_report(world, api):
    client = api("finance")
    body = {"subject": world.company.pk, "purpose": "政府采购项目投标资格审查"}
    first = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="report-2026-018")
    again = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="report-2026-018")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert CreditReport.objects.count() == 1


def test_each_issue_is_audited(world, api):
    number = issue(api, world).json()["number"]
    event = AuditEvent.objects.get(action="credit_report_issued", object_id=str(CreditReport.objects.get(number=number).pk))
    assert event.actor.username == "finance"
    assert event.extra["purpose"] == "政府采购项目投标资格审查" and event.extra["channel"] == "api"


def test_non_public_records_only_with_consent(world, api):
    record_services.record_create(
        actor=world.user("tax"), subject=world.company, record_type=world.type("tax-arrears"), decision_number="甘示税欠〔2026〕3号",
        decided_on=days_ago(10), severity="", domain="tax", basis="《税收征收管理法》第三十二条",
        content={"tax_category": "增值税", "tax_amount": "120000"}, consent_reference="企业授权书 2026-7", publish=True,
    )
    without = pdf_text(api("finance").get(issue(api, world).json()["pdf"]))
    consented = pdf_text(api("finance").get(issue(api, world, consent_reference="企业授权书 2026-9").json()["pdf"]))

    assert "甘示税欠〔2026〕3号" not in without and "不含非公开的信用信息" in without
    assert "甘示税欠〔2026〕3号" in consented and "欠缴税款信息" in consented


# --- persons -----------------------------------------------------------------------------------------


def person_issue(api, world, username="finance", **body):
    """A person's report is asked for by his exact identifier (need-to-know), not by counting through ids."""
    body = {"identifier": PERSON_ID, "purpose": "政府采购项目投标资格审查", "business_reference": "ZFCG-2026-018", **body}
    return api(username).post(URL, body, format="json")


def test_a_persons_report_needs_consent(world, api):
    response = person_issue(api, world)
    assert response.status_code == 400
    assert "consent_reference" in response.json()
    assert not CreditReport.objects.exists()


def test_a_persons_report_with_consent_masks_the_id_and_logs_the_look_up(world, api):
    person = world.subject(PERSON_ID)
    answer = person_issue(api, world, consent_reference="授权书 2026-031").json()
    text = pdf_text(api("finance").get(answer["pdf"]))
    assert PERSON_ID not in text and "620702********4268" in text
    assert "授权书2026-031" in text
    assert AuditEvent.objects.filter(action="person_record_viewed", object_id=str(person.pk), actor__username="finance").exists()


def test_a_person_the_department_has_no_work_about_is_not_found_by_id(world, api):
    person = world.subject(PERSON_ID)
    by_id = issue(api, world, subject=person, consent_reference="授权书 2026-031")
    missing = issue(api, world, subject=Subject(pk=10**9), consent_reference="授权书 2026-031")
    # answered as an id that does not exist: counting through ids tells nothing about who is there
    assert by_id.status_code == missing.status_code == 400
    assert by_id.json()["subject"][0].replace(str(person.pk), "N") == missing.json()["subject"][0].replace(str(10**9), "N")
    assert not CreditReport.objects.exists()
    # the credit office reaches every person by id
    assert issue(api, world, username="credit_office", subject=person, consent_reference="授权书 2026-031").status_code == 201


def test_subject_or_identifier_one_of_them(world, api):
    neither = api("finance").post(URL, {"purpose": "投标"}, format="json")
    both = person_issue(api, world, subject=world.company.pk, consent_reference="授权书")
    unknown = person_issue(api, world, identifier="11010519491231002X", consent_reference="授权书")
    assert (neither.status_code, both.status_code, unknown.status_code) == (400, 400, 400)
    assert "subject" in neither.json() and "identifier" in both.json() and "identifier" in unknown.json()


# --- who ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("username", "status"), [(None, 401), ("leadership_office", 403), ("tax", 201), ("credit_office", 201)])
def test_who_issues(world, api, username, status):
    assert issue(api, world, username=username).status_code == status


@pytest.mark.parametrize(("username", "status"), [(None, 401), ("tax", 404), ("leadership_office", 404), ("finance", 200), ("credit_office", 200)])
def test_only_the_issuing_department_and_the_credit_office_download(world, api, username, status):
    answer = issue(api, world, username="finance").json()
    response = api(username).get(f"{URL}{answer['number']}/pdf/")
    assert response.status_code == status


# --- verification ------------------------------------------------------------------------------------


def test_the_verify_api_says_genuine_for_the_right_code_only(world, api):
    answer = issue(api, world).json()
    anonymous = api(None)

    genuine = anonymous.get(VERIFY, {"number": answer["number"], "code": answer["verification_code"].lower()})
    wrong = anonymous.get(VERIFY, {"number": answer["number"], "code": "ABCDEFGHJK"})
    unknown = anonymous.get(VERIFY, {"number": "XYBG-2026-999999", "code": answer["verification_code"]})

    assert genuine.status_code == 200
    assert genuine.json()["valid"] is True
    assert genuine.json()["subject_name"] == COMPANY_NAME
    assert genuine.json()["issued_by"] == world.department("finance").name
    assert wrong.json() == unknown.json() == {"valid": False, "subject_name": None, "issued_at": None, "issued_by": None}


def test_the_verify_api_masks_a_person(world, api):
    answer = person_issue(api, world, consent_reference="授权书 2026-031").json()
    response = api(None).get(VERIFY, {"number": answer["number"], "code": answer["verification_code"]})
    assert response.json()["subject_name"] == "李**"


def test_the_verify_page_says_genuine_or_not(world, api, client):
    answer = issue(api, world).json()
    page = reverse("credit_reports:verify")

    genuine = client.post(page, {"number": answer["number"], "code": answer["verification_code"]})
    wrong = client.post(page, {"number": answer["number"], "code": "ABCDEFGHJK"})

    assert "真实有效" in genuine.content.decode() and COMPANY_NAME in genuine.content.decode()
    assert "未通过验证" in wrong.content.decode()
    assert COMPANY_NAME not in wrong.content.decode() and "真实有效" not in wrong.content.decode()


def test_verification_is_throttled(world, api, client, settings, monkeypatch):
    answer = issue(api, world).json()
    query = {"number": answer["number"], "code": answer["verification_code"]}
    cache.clear()  # the limits count per address and minute: earlier tests' look-ups too
    settings.CREDIT_PUBLIC_LOOKUPS_PER_MINUTE = 1
    page = reverse("credit_reports:verify")
    assert [client.post(page, query).status_code for _ in range(2)] == [200, 429]
    cache.clear()
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"public": "2/min"})
    anonymous = APIClient()
    assert [anonymous.get(VERIFY, query).status_code for _ in range(3)] == [200, 200, 429]


def test_the_content_takes_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    world.published()
    world.published(decision_number="（2026）甘0702执124号")
    world.pushed_case()
    world.pushed_case()
    company = world.company
    with django_assert_max_num_queries(5):
        content = report_content(company)
    assert len(content["entries"]) == 2 and len({row["case"] for row in content["measures"]}) == 2


def test_the_public_site_links_both_pages(world, client):
    html = client.get(reverse("credit:search")).content.decode()
    assert reverse("credit_reports:verify") in html and reverse("credit_reports:request") in html


# --- the organisation's own report on the public site -------------------------------------------------


def self_request(client, **overrides):
    data = {"identifier": SELF_USCC, "name": SELF_NAME, "representative_id": PERSON_ID, "purpose": "参加招标投标", **overrides}
    return client.post(reverse("credit_reports:request"), data)


def test_an_organisation_obtains_its_own_report(world, client):
    response = self_request(client)
    assert response.status_code == 302 and response["Location"] == reverse("credit_reports:issued")
    report = CreditReport.objects.get()
    assert report.channel == "public_self" and report.issued_by.is_credit_office and report.issued_by_user is None
    assert report.subject.identifier == SELF_USCC

    page = client.get(reverse("credit_reports:issued")).content.decode()
    text = pdf_text(client.get(reverse("credit_reports:issued-pdf")))

    assert report.number in page and report.verification_code in page
    assert SELF_NAME in text and report.verification_code in text
    assert AuditEvent.objects.filter(action="credit_report_issued", object_id=str(report.pk), actor=None).exists()


@pytest.mark.parametrize("overrides", [
    {"name": "示范区祁连商贸公司"},  # not its exact name
    {"representative_id": "620702197804128519"},  # someone else's ID
    {"identifier": "91620702MAQJWYL7XF"},  # another company (its name does not match)
])
def test_any_mismatch_is_one_generic_error(world, client, overrides):
    response = self_request(client, **overrides)
    assert response.status_code == 400
    assert "未能核验您提供的信息" in response.content.decode()
    assert not CreditReport.objects.exists()
    assert client.get(reverse("credit_reports:issued-pdf")).status_code == 404


def test_a_person_is_sent_to_the_counter(world, client):
    response = self_request(client, identifier=PERSON_ID, name="李秀英")
    assert response.status_code == 400
    assert "信用办窗口" in response.content.decode()
    assert not CreditReport.objects.exists()


def test_self_requests_are_throttled(world, client, settings):
    cache.clear()
    settings.CREDIT_PUBLIC_FILINGS_PER_MINUTE = 1
    self_request(client, name="不符")
    assert self_request(client).status_code == 429
    assert not CreditReport.objects.exists()


# --- the counter (admin) ------------------------------------------------------------------------------


ADMIN = "/admin/checks/creditreport/"


def test_the_counter_issues_a_persons_report_with_consent_and_downloads_it(world, client):
    client.force_login(world.user("tax"))
    form = {"identifier": PERSON_ID, "purpose": "申请人才补贴", "business_reference": "", "consent_reference": ""}
    refused = client.post(f"{ADMIN}add/", form)
    assert refused.status_code == 200 and "consent_reference" in refused.context["adminform"].form.errors

    response = client.post(f"{ADMIN}add/", {**form, "consent_reference": "本人到窗口申请"})

    report = CreditReport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{ADMIN}{report.pk}/change/"
    assert report.channel == "counter" and report.issued_by.code == "tax"
    listing = client.get(ADMIN).content.decode()
    assert report.number in listing and "Issue a credit report" in listing
    assert report.verification_code in pdf_text(client.get(f"{ADMIN}{report.pk}/pdf/"))


def test_another_department_does_not_see_the_report_in_the_admin(world, client, api):
    report = CreditReport.objects.get(number=issue(api, world, username="finance").json()["number"])
    client.force_login(world.user("tax"))
    assert report.number not in client.get(ADMIN).content.decode()
    assert client.get(f"{ADMIN}{report.pk}/change/").status_code == 404
    assert client.get(f"{ADMIN}{report.pk}/pdf/").status_code == 404
    client.force_login(world.user("credit_office"))
    assert client.get(f"{ADMIN}{report.pk}/change/").status_code == 200
