"""Personal data in the subject registry (issue 12, item 7): a department reads natural persons only
with a reason, logged with every person shown, and only the persons it has work about (its cases and
pushes, the entries it identified, the objections and repairs it decides) or the one whose exact
identifier it gives. The credit office sees every person, with a reason."""
import pytest

from credit_platform import selectors
from credit_platform.models import AuditEvent, Subject
from objections import services as objection_services

URL = "/api/v1/subjects/"
WANG = "620702197804128519"  # 王建国, legal representative of the demo company
ZHANG = "620702196901079769"  # 张丽华
LIU = "620702199106307519"  # 刘伟


def logged(subject):
    return list(AuditEvent.objects.filter(action="person_record_viewed", object_id=str(subject.pk)).values_list("actor__username", "reason"))


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def zhang_listed_by_court(world):
    """The court identified 张丽华 for the black list."""
    world.propose(subject=world.subject(ZHANG))
    return world.subject(ZHANG)


@pytest.mark.parametrize("params", [{"kind": "natural_person"}, {"identifier": WANG}, {"kind": "natural_person", "reason": "  "}])
def test_a_department_reading_persons_without_a_reason_gets_400(api, world, params):
    response = api("tax").get(URL, params)

    assert response.status_code == 400
    assert "reason" in response.json()
    assert "logged" in response.json()["reason"][0]
    assert not AuditEvent.objects.filter(action="person_record_viewed").exists()


def test_without_a_reason_a_list_shows_organisations_only(api, world, zhang_listed_by_court):
    rows = api("court").get(URL, {"page_size": 100}).json()["results"]

    assert rows and {row["kind"] for row in rows} != {"natural_person"}
    assert "natural_person" not in {row["kind"] for row in rows}
    assert api("court").get(URL, {"identifier": world.company.identifier}).json()["results"][0]["id"] == world.company.pk


def test_with_a_reason_a_department_lists_only_the_persons_it_has_work_about(api, world, zhang_listed_by_court):
    court = ids(api("court").get(URL, {"kind": "natural_person", "reason": "（2026）甘0702执123号"}))
    tax = ids(api("tax").get(URL, {"kind": "natural_person", "reason": "tax audit"}))
    mixed = ids(api("court").get(URL, {"reason": "（2026）甘0702执123号", "page_size": 100}))

    assert court == [zhang_listed_by_court.pk]
    assert tax == []
    assert zhang_listed_by_court.pk in mixed and world.subject(LIU).pk not in mixed
    assert logged(zhang_listed_by_court) == [("court", "（2026）甘0702执123号")] * 2


def test_a_pushed_case_about_a_person_is_work_for_the_executing_department(api, world):
    liu = world.subject(LIU)
    world.pushed_case(subject=liu)

    assert ids(api("market").get(URL, {"kind": "natural_person", "reason": "executing the measures"})) == [liu.pk]
    assert ids(api("court").get(URL, {"kind": "natural_person", "reason": "my case"})) == [liu.pk]
    assert ids(api("tax").get(URL, {"kind": "natural_person", "reason": "curious"})) == []


def test_an_exact_identifier_finds_one_person_and_logs_the_reason(api, world):
    wang = world.subject(WANG)

    response = api("tax").get(URL, {"identifier": f" {WANG.lower()} ", "reason": "licence application 2026-17"})

    assert ids(response) == [wang.pk]
    assert response.json()["results"][0]["birth_date"] == "1978-04-12"
    assert logged(wang) == [("tax", "licence application 2026-17")]
    # A part of the identifier is no exact identifier: nothing found, nothing logged.
    assert ids(api("tax").get(URL, {"identifier": WANG[:17], "reason": "guess"})) == []
    assert logged(wang) == [("tax", "licence application 2026-17")]


def test_person_detail_needs_work_about_them_and_a_reason(api, world, zhang_listed_by_court):
    url = f"{URL}{zhang_listed_by_court.pk}/"

    other = api("tax").get(url, {"reason": "tax audit"})
    other_without_reason = api("tax").get(url)
    without_reason = api("court").get(url)
    with_reason = api("court").get(url, {"reason": "serving the decision"})

    assert other.status_code == 404 and other_without_reason.status_code == 404
    assert without_reason.status_code == 400 and "reason" in without_reason.json()
    assert with_reason.status_code == 200 and with_reason.json()["identifier"] == ZHANG
    assert logged(zhang_listed_by_court) == [("court", "serving the decision")]


def test_the_credit_office_sees_every_person_but_gives_a_reason(api, world):
    zhang = world.subject(ZHANG)

    assert api("credit_office").get(URL, {"kind": "natural_person"}).status_code == 400
    assert api("credit_office").get(f"{URL}{zhang.pk}/").status_code == 400
    listed = ids(api("credit_office").get(URL, {"kind": "natural_person", "reason": "annual review", "page_size": 100}))
    detail = api("credit_office").get(f"{URL}{zhang.pk}/", {"reason": "annual review"})

    assert sorted(listed) == sorted(Subject.objects.filter(kind="natural_person").values_list("pk", flat=True))
    assert detail.status_code == 200
    assert logged(zhang) == [("credit_office", "annual review")] * 2


def test_every_scope_is_registered_by_its_app():
    assert {scope.__module__ for scope in selectors._subject_scopes} >= {"sanctions.access", "lists.access", "objections.access", "repair.access"}


def test_an_objection_is_work_for_the_department_that_filed_it_and_the_one_that_decides(api, world):
    zhang = world.subject(ZHANG)
    entry = world.propose(subject=zhang)
    assert ids(api("finance").get(URL, {"kind": "natural_person", "reason": "her objection"})) == []

    objection_services.objection_file(subject=zhang, list_entry=entry, grounds="已履行", contact="0936-1234567", actor=world.user("finance"))

    assert ids(api("finance").get(URL, {"kind": "natural_person", "reason": "her objection"})) == [zhang.pk]
    assert ids(api("court").get(URL, {"kind": "natural_person", "reason": "deciding it"})) == [zhang.pk]
