"""Hostile probes of credit reports (issue 15): the verification states the report's own snapshot,
a wrong code or an odd number tells nothing, the public self-request refuses near misses alike."""
from checks.report_models import CreditReport
from checks.report_public import NO_MATCH, PERSONS_AT_THE_COUNTER
from credit_platform.models import Subject
from tests.checks.test_credit_reports import COMPANY_NAME, PERSON_ID, SELF_NAME, SELF_USCC, VERIFY, issue, world  # noqa: F401 (fixture)
from tests.lists.conftest import api  # noqa: F401 - the API clients

REQUEST = "/credit/report/request/"


def test_a_renamed_companys_report_verifies_under_the_name_it_bears(world, api):
    answer = issue(api, world).json()
    Subject.objects.filter(pk=world.company.pk).update(name="示范区金川建设集团有限公司")
    response = api(None).get(VERIFY, {"number": answer["number"], "code": answer["verification_code"]})
    assert response.json()["valid"] is True and response.json()["subject_name"] == COMPANY_NAME


def test_odd_numbers_and_codes_answer_not_valid_and_nothing_else(world, api):
    answer = issue(api, world).json()
    for number, code in [(answer["number"], answer["verification_code"][:-1]), (answer["number"], "ǆ" * 40),
                         ("ǆ" * 40, answer["verification_code"]), ("X" * 5000, "A"), ("", "")]:
        body = api(None).get(VERIFY, {"number": number, "code": code}).json()
        assert body == {"valid": False, "subject_name": None, "issued_at": None, "issued_by": None}


def test_the_self_request_refuses_a_near_miss_with_one_answer_and_issues_nothing(world, client):
    good = {"identifier": SELF_USCC, "name": SELF_NAME, "representative_id": PERSON_ID, "purpose": "参加招标投标"}
    near_misses = [
        {**good, "representative_id": "620702197804128519"},  # another person's valid ID
        {**good, "name": SELF_NAME + "分公司"},
        {**good, "identifier": PERSON_ID, "name": "李秀英"},  # a person: to the counter
    ]
    answers = [client.post(REQUEST, data) for data in near_misses]
    assert [a.status_code for a in answers] == [400, 400, 400]
    assert all(NO_MATCH in a.content.decode() for a in answers[:2])
    assert PERSONS_AT_THE_COUNTER in answers[2].content.decode()
    assert not CreditReport.objects.exists()
