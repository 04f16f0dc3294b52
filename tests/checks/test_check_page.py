"""The credit check page in the admin (信用核查, /admin/credit-check/): the API's answer for clerks
without a connected system, logged like the API, printable; a person's ID masked without a purpose."""
from django.urls import reverse

from checks.models import CheckChannel, CreditCheckLog
from credit_platform import identifiers
from credit_platform.menus import links
from tests.checks.test_credit_check import entry, world  # noqa: F401 (fixtures)
from tests.sanctions.test_api_support import COMPANY, OTHER_COMPANIES, REPRESENTATIVE

PAGE = "/admin/credit-check/"


def test_the_page_answers_the_check_and_logs_it(client, world, entry):
    client.force_login(world.user("finance"))
    assert client.get(PAGE).status_code == 200
    response = client.post(PAGE, {"identifier": COMPANY.lower(), "purpose": "政府采购资格审查", "business_reference": "ZFCG-2026-017"})
    assert response.status_code == 200
    text = response.content.decode()
    log = CreditCheckLog.objects.get()
    assert (log.channel, log.department.code, log.business_reference, log.hit) == (CheckChannel.ADMIN, "finance", "ZFCG-2026-017", True)
    assert str(log.pk) in text and entry.decision_number in text and "P-FIN-01" in text
    assert world.company.name in text and 'id="green-channel"' in text
    assert "data-print" in text and "credit/credit_check.css" in text  # the print button and stylesheet (local)


def test_an_untouched_company_shows_the_green_channel(client, world):
    client.force_login(world.user("finance"))
    response = client.post(PAGE, {"identifier": OTHER_COMPANIES[0]})
    assert response.context["result"].standing.green_channel is True
    assert CreditCheckLog.objects.get().green_channel is True


def test_a_persons_identifier_is_masked_without_a_purpose_and_nothing_is_logged(client, world, entry):
    client.force_login(world.user("market"))
    response = client.post(PAGE, {"identifier": REPRESENTATIVE, "purpose": ""})
    text = response.content.decode()
    assert response.status_code == 200 and 'id="purpose-missing"' in text
    assert REPRESENTATIVE not in text and identifiers.mask_identifier(REPRESENTATIVE) in text
    assert "result" not in response.context and not CreditCheckLog.objects.exists()
    shown = client.post(PAGE, {"identifier": REPRESENTATIVE, "purpose": "市场准入审批"})
    assert REPRESENTATIVE in shown.content.decode() and "P-MKT-01" in shown.content.decode()
    assert CreditCheckLog.objects.get().purpose == "市场准入审批"


def test_an_unknown_subject_is_a_form_error(client, world):
    client.force_login(world.user("finance"))
    response = client.post(PAGE, {"identifier": "91620702MA0000000X"})
    assert response.context["form"].errors["identifier"]


def test_the_page_is_in_the_menu_of_department_users_and_behind_the_admin_login(client, world):
    link = next(link for link in links() if link.url_name == "credit-check-page")
    assert link.visible(world.user("finance")) and reverse(link.url_name) == PAGE
    response = client.get(PAGE)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_page_feeds_back_the_hit_of_its_own_check_only(client, world, entry):
    client.force_login(world.user("finance"))
    response = client.post(PAGE, {"identifier": COMPANY, "purpose": "政府采购"})
    log = CreditCheckLog.objects.get()
    url = f"{PAGE}{log.pk}/feedback/"
    assert url in response.content.decode()
    client.force_login(world.user("trading"))
    assert client.post(url, {"measure_applied": "yes"}).status_code == 404
    client.force_login(world.user("finance"))
    done = client.post(url, {"measure_applied": "yes", "note": "资格审查未通过"}, follow=True)
    log.refresh_from_db()
    assert (log.measure_applied, log.feedback_note, log.fed_back_by.username) == (True, "资格审查未通过", "finance")
    assert done.status_code == 200 and str(log.pk) in done.content.decode()
    again = client.post(url, {"measure_applied": "no"}, follow=True)
    assert "already fed back" in again.content.decode() or "已反馈" in again.content.decode()
    assert CreditCheckLog.objects.get().measure_applied is True
