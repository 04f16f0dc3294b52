"""Every credit check logged (check_id), the batch check of a tender's bidders, and the feedback of a
check's hit (DESIGN.md "Credit file, check, report" and "Contract details": credit check)."""
import pytest

from checks.models import CheckChannel, CreditCheckLog
from credit_platform.models import Subject, SubjectKind
from tests.checks.test_credit_check import CHECK, entry, world  # noqa: F401 (fixtures)
from tests.factories import make_citizen_id, make_uscc
from tests.sanctions.test_api_support import COMPANY, OTHER_COMPANIES, REPRESENTATIVE, api  # noqa: F401 (fixture)

BATCH = f"{CHECK}batch/"
UNKNOWN = make_uscc(987654, "620702")


def hit_url(check_id) -> str:
    return f"{CHECK}{check_id}/feedback/"


def checked(api, username="finance", identifier=COMPANY, **params):
    response = api(username).get(CHECK, {"identifier": identifier, **params})
    assert response.status_code == 200, response.json()
    return response.json()


# --- the single check, logged --------------------------------------------------------------------


def test_finance_checks_a_judgement_defaulter_and_the_check_is_logged_with_its_hit(api, world, entry):
    body = checked(api, purpose="政府采购资格审查", business_reference="ZFCG-2026-017")
    assert body["green_channel"] is False and body["clean_since"] is None
    assert [m["measure_code"] for m in body["measures_to_apply"]] == ["P-FIN-01"]
    log = CreditCheckLog.objects.get(pk=body["check_id"])
    assert (log.subject.identifier, log.department.code, log.user.username) == (COMPANY, "finance", "finance")
    assert (log.purpose, log.business_reference, log.channel) == ("政府采购资格审查", "ZFCG-2026-017", CheckChannel.API)
    assert (log.hit, log.green_channel, log.fed_back_at) == (True, False, None)


def test_an_untouched_demo_company_is_in_the_green_channel_and_its_check_logged_without_hit(api, world):
    body = checked(api, identifier=OTHER_COMPANIES[0])
    assert (body["green_channel"], body["entries"], body["measures_to_apply"]) == (True, [], [])
    log = CreditCheckLog.objects.get(pk=body["check_id"])
    assert (log.hit, log.green_channel) == (False, True)


def test_an_unknown_identifier_is_logged_as_no_record_and_a_malformed_one_is_not(api, world):
    assert api("finance").get(CHECK, {"identifier": UNKNOWN}).status_code == 404
    log = CreditCheckLog.objects.get()
    assert (log.identifier, log.subject, log.hit, log.green_channel) == (UNKNOWN, None, False, None)
    malformed = api("finance").get(CHECK, {"identifier": "91620702MA0000000X"})
    assert malformed.status_code == 400 and "identifier" in malformed.json()  # a typing error, not "not registered"
    assert CreditCheckLog.objects.count() == 1


def test_a_person_needs_the_purpose_and_nothing_is_read_or_logged_without_it(api, world):
    response = api("market").get(CHECK, {"identifier": REPRESENTATIVE})
    assert response.status_code == 400 and "purpose" in response.json()
    assert not CreditCheckLog.objects.exists()
    body = checked(api, "market", REPRESENTATIVE, purpose="市场准入审批")
    assert CreditCheckLog.objects.get(pk=body["check_id"]).purpose == "市场准入审批"


# --- feedback of a check's hit -------------------------------------------------------------------


def test_the_checking_department_feeds_back_its_hit_once(api, world, entry):
    check_id = checked(api)["check_id"]
    response = api("finance").post(hit_url(check_id), {"measure_applied": True, "note": "投标资格被否决"}, format="json")
    assert response.status_code == 201, response.json()
    assert (response.json()["check_id"], response.json()["measure_applied"]) == (check_id, True)
    log = CreditCheckLog.objects.get(pk=check_id)
    assert log.fed_back_at and log.fed_back_by.username == "finance" and log.feedback_note == "投标资格被否决"
    again = api("finance").post(hit_url(check_id), {"measure_applied": False}, format="json")
    assert again.status_code == 409 and again.json()["state"] == "fed_back"


def test_a_check_without_a_hit_has_nothing_to_feed_back(api, world):
    check_id = checked(api, identifier=OTHER_COMPANIES[0])["check_id"]
    response = api("finance").post(hit_url(check_id), {"measure_applied": True}, format="json")
    assert response.status_code == 409 and response.json()["state"] == "no_hit"


@pytest.mark.parametrize("body", [{}, {"measure_applied": "perhaps"}, {"measure_applied": True, "note": "x" * 1001}])
def test_the_feedback_body_is_validated(api, world, entry, body):
    check_id = checked(api)["check_id"]
    assert api("finance").post(hit_url(check_id), body, format="json").status_code == 400
    assert CreditCheckLog.objects.get(pk=check_id).fed_back_at is None


# --- the actor matrix ----------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["trading", "court", "credit_office", "leader"])
def test_another_department_feeding_back_a_check_gets_404(api, world, entry, username):
    check_id = checked(api)["check_id"]
    response = api(username).post(hit_url(check_id), {"measure_applied": True}, format="json")
    assert response.status_code == 404
    assert CreditCheckLog.objects.get(pk=check_id).fed_back_at is None


def test_anonymous_gets_401_on_every_check_endpoint(api, world, entry):
    check_id = checked(api)["check_id"]
    anonymous = api(None)
    assert anonymous.get(CHECK, {"identifier": COMPANY}).status_code == 401
    assert anonymous.post(BATCH, {"identifiers": [COMPANY]}, format="json").status_code == 401
    assert anonymous.post(hit_url(check_id), {"measure_applied": True}, format="json").status_code == 401
    assert CreditCheckLog.objects.count() == 1


def test_an_unknown_check_id_is_404(api, world):
    response = api("finance").post(hit_url("00000000-0000-4000-8000-000000000000"), {"measure_applied": True}, format="json")
    assert response.status_code == 404


# --- the batch check -----------------------------------------------------------------------------


def test_a_batch_answers_in_input_order_with_an_error_per_bad_item(api, world, entry):
    given = [OTHER_COMPANIES[1], "not-a-code", f" {COMPANY.lower()} ", UNKNOWN, REPRESENTATIVE, OTHER_COMPANIES[1]]
    response = api("finance").post(BATCH, {"identifiers": given, "purpose": "招标 ZB-2026-3", "business_reference": "ZB-2026-3"},
                                   format="json")
    assert response.status_code == 200, response.json()
    results = response.json()["results"]
    assert [r["identifier"] for r in results] == given
    assert [r["error"]["code"] if r["error"] else None for r in results] == [None, "invalid", None, "not_found", "person", None]
    assert results[3]["error"]["detail"] == "No subject is registered with this identifier."
    company = results[2]["result"]
    assert (company["subject"]["identifier"], company["green_channel"]) == (COMPANY, False)
    assert [m["measure_code"] for m in company["measures_to_apply"]] == ["P-FIN-01"]
    assert results[0]["result"]["green_channel"] is True
    logs = CreditCheckLog.objects.filter(channel=CheckChannel.BATCH)
    # The valid organisation codes are logged, each occurrence; the malformed one and the person are not.
    assert logs.count() == 4 and set(logs.values_list("business_reference", flat=True)) == {"ZB-2026-3"}
    assert {str(pk) for pk in logs.filter(subject__isnull=False).values_list("pk", flat=True)} == {
        results[i]["result"]["check_id"] for i in (0, 2, 5)}
    assert logs.get(identifier=COMPANY).hit is True


@pytest.mark.parametrize("body", [
    {"identifiers": []}, {"identifiers": [COMPANY] * 1001}, {"identifiers": "91620702MAQJWYL7XF"}, {},
    {"identifiers": [COMPANY], "purpose": "x" * 501},
])
def test_a_batch_body_out_of_bounds_is_refused(api, world, body):
    assert api("finance").post(BATCH, body, format="json").status_code == 400
    assert not CreditCheckLog.objects.exists()


@pytest.fixture
def bidders(world):
    """1,000 registered companies (the demo company among them, black-listed with its case pushed)."""
    Subject.objects.bulk_create(
        [Subject(kind=SubjectKind.LEGAL_PERSON, name=f"投标企业{n}", identifier=make_uscc(n, "620702")) for n in range(999)]
    )
    return [make_uscc(n, "620702") for n in range(999)]


def test_a_batch_of_1000_answers_in_order_in_the_same_bounded_queries_as_10(api, world, entry, bidders,
                                                                             django_assert_max_num_queries):
    client = api("finance")
    client.post(BATCH, {"identifiers": [COMPANY]}, format="json")  # warm caches
    small = [*bidders[:9], COMPANY]
    with django_assert_max_num_queries(6):
        response = client.post(BATCH, {"identifiers": small}, format="json")
    assert [r["identifier"] for r in response.json()["results"]] == small
    large = [*bidders[:500], COMPANY, *bidders[500:]]
    with django_assert_max_num_queries(6):
        response = client.post(BATCH, {"identifiers": large, "purpose": "招标"}, format="json")
    results = response.json()["results"]
    assert [r["identifier"] for r in results] == large
    assert all(r["error"] is None for r in results)
    assert results[500]["result"]["measures_to_apply"] and results[0]["result"]["green_channel"] is True
    assert CreditCheckLog.objects.filter(channel=CheckChannel.BATCH).count() == 1 + 10 + 1000


def test_a_person_in_a_batch_is_refused_per_item_without_reading_it(api, world):
    person = make_citizen_id(5, division="620702")
    results = api("finance").post(BATCH, {"identifiers": [person], "purpose": "招标"}, format="json").json()["results"]
    assert results[0]["error"]["code"] == "person" and results[0]["result"] is None


def test_the_other_department_of_a_batch_sees_only_its_own_measures(api, world, entry):
    results = api("trading").post(BATCH, {"identifiers": [COMPANY]}, format="json").json()["results"]
    assert [m["measure_code"] for m in results[0]["result"]["measures_to_apply"]] == ["P-TRD-01"]


def test_a_feedback_after_a_batch_check_works_like_after_a_single_check(api, world, entry):
    result = api("finance").post(BATCH, {"identifiers": [COMPANY]}, format="json").json()["results"][0]["result"]
    response = api("finance").post(hit_url(result["check_id"]), {"measure_applied": True}, format="json")
    assert response.status_code == 201
    assert CreditCheckLog.objects.get(pk=result["check_id"]).measure_applied is True
