"""Hostile input and actor probes of the credit check (issue 15): Unicode digits in an identifier,
the leadership office feeding back a hit of its own check."""
import pytest
from django.test import Client

from checks.models import CreditCheckLog
from credit_platform import identifiers
from credit_platform.models import AuditEvent
from tests.checks.test_credit_check import CHECK, entry, world  # noqa: F401 (fixtures)
from tests.sanctions.test_api_support import COMPANY, REPRESENTATIVE, api  # noqa: F401 (fixture)

BATCH = f"{CHECK}batch/"
# str.isdigit() holds for these, int() refuses the first; the second is REPRESENTATIVE in full-width digits.
SUPERSCRIPT_ID = "62070²197804128519"
FULL_WIDTH_ID = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in REPRESENTATIVE)


@pytest.mark.parametrize("value", [SUPERSCRIPT_ID, FULL_WIDTH_ID, "¹" * 18, "١٢٣٤٥٦١٩٨٠٠١٠١١٢٣٤"])
def test_a_citizen_id_of_non_ascii_digits_is_invalid_not_a_crash(value):
    with pytest.raises(identifiers.ValidationError):
        identifiers.validate_citizen_id(value)


@pytest.mark.parametrize("value", [SUPERSCRIPT_ID, FULL_WIDTH_ID])
def test_the_check_answers_400_invalid_for_unicode_digits_and_logs_nothing(api, world, value):
    response = api("finance").get(CHECK, {"identifier": value, "purpose": "市场准入审批"})
    assert response.status_code == 400 and "identifier" in response.json()
    assert not CreditCheckLog.objects.exists()


def test_a_batch_marks_unicode_digits_invalid(api, world):
    response = api("finance").post(BATCH, {"identifiers": [SUPERSCRIPT_ID, FULL_WIDTH_ID, COMPANY]}, format="json")
    assert response.status_code == 200
    assert [item["error"] and item["error"]["code"] for item in response.json()["results"]] == ["invalid", "invalid", None]


def test_the_admin_check_page_answers_unicode_digits_with_a_form_error(world):
    client = Client()
    client.force_login(world.user("finance"))
    response = client.post("/admin/credit-check/", {"identifier": SUPERSCRIPT_ID, "purpose": "市场准入审批"})
    assert response.status_code == 200
    assert response.context["form"].errors["identifier"]


@pytest.mark.parametrize("username", ["leader", "leadership_office"])
def test_the_leadership_office_checks_but_feeds_back_no_hit(api, world, entry, username):
    body = api(username).get(CHECK, {"identifier": COMPANY}).json()
    assert CreditCheckLog.objects.get(pk=body["check_id"]).hit is True
    response = api(username).post(f"{CHECK}{body['check_id']}/feedback/", {"measure_applied": True}, format="json")
    assert response.status_code == 403
    assert CreditCheckLog.objects.get(pk=body["check_id"]).fed_back_at is None


def test_the_admin_page_offers_the_leadership_office_no_feedback_and_refuses_one(world, entry):
    client = Client()
    client.force_login(world.user("leader"))
    page = client.post("/admin/credit-check/", {"identifier": COMPANY})
    assert page.status_code == 200 and page.context["result"].hit
    assert b'id="check-feedback"' not in page.content
    check_id = page.context["result"].check_id
    assert client.post(f"/admin/credit-check/{check_id}/feedback/", {"measure_applied": "yes"}).status_code == 403
    assert CreditCheckLog.objects.get(pk=check_id).fed_back_at is None


def test_a_fed_back_hit_is_audited(api, world, entry):
    check_id = api("finance").get(CHECK, {"identifier": COMPANY}).json()["check_id"]
    assert api("finance").post(f"{CHECK}{check_id}/feedback/", {"measure_applied": True}, format="json").status_code == 201
    event = AuditEvent.objects.get(action="credit_check_fed_back", object_id=check_id)
    assert event.actor.username == "finance" and event.extra["measure_applied"] is True


@pytest.mark.parametrize("typed", [COMPANY[:8] + " " + COMPANY[8:], COMPANY + "\u200b", "\ufeff" + COMPANY.lower(), COMPANY[:6] + "\u3000" + COMPANY[6:]])
def test_a_listed_company_typed_with_spaces_or_invisible_characters_is_still_found_and_logged(api, world, entry, typed):
    body = api("finance").get(CHECK, {"identifier": typed}).json()
    assert body["subject"]["identifier"] == COMPANY and body["entries"]
    assert CreditCheckLog.objects.get(pk=body["check_id"]).identifier == COMPANY


def test_a_batch_finds_a_pasted_code_with_a_zero_width_space(api, world, entry):
    response = api("finance").post(BATCH, {"identifiers": [COMPANY + "\u200b"]}, format="json")
    [item] = response.json()["results"]
    assert item["error"] is None and item["result"]["subject"]["identifier"] == COMPANY
