"""Need-to-know for persons beyond the subject registry (issue 12, item 7; DESIGN.md Contract details):
the rows that name a person (cases, pushes, objections) show them masked unless the request gives a
reason, and then log every person shown; the subject autocomplete shows persons masked; a person a
department registers is work for it, so its own registration is not "not found"."""
import datetime

import pytest

from credit_platform.models import AuditEvent, Subject
from objections import services as objection_services
from sanctions import services as case_services
from sanctions.models import JointCase
from tests.factories import make_citizen_id

ZHANG = "620702196901079769"  # 张丽华
WANG = "620702197804128519"  # 王建国, legal representative of the demo company
MASKED_ZHANG = "620702********9769"  # written out: the test does not reuse the code's masking


def logged(subject):
    return list(AuditEvent.objects.filter(action="person_record_viewed", object_id=str(subject.pk)).values_list("actor__username", "reason"))


@pytest.fixture
def zhang_case(world):
    """The court lists 张丽华 and pushes her case (the judgement-defaulter memorandum)."""
    entry = world.published(subject=world.subject(ZHANG))
    case = JointCase.objects.get(list_entry_id=entry.pk)
    case_services.case_push(case=case, actor=world.user("court"))
    return case


def test_the_cases_api_masks_a_person_without_a_reason_and_logs_nothing(api, world, zhang_case):
    row = api("court").get("/api/v1/cases/", {"number": zhang_case.number}).json()["results"][0]
    detail = api("court").get(f"/api/v1/cases/{zhang_case.pk}/").json()

    for shown in (row["subject"], detail["subject"]):
        assert (shown["name"], shown["identifier"]) == ("张**", MASKED_ZHANG)
    assert "张丽华" not in str(detail) and ZHANG not in str(detail)
    assert logged(world.subject(ZHANG)) == []


def test_with_a_reason_the_cases_api_shows_the_person_and_logs_each_read(api, world, zhang_case):
    zhang = world.subject(ZHANG)

    row = api("court").get("/api/v1/cases/", {"number": zhang_case.number, "reason": "执行案件核对"}).json()["results"][0]
    detail = api("court").get(f"/api/v1/cases/{zhang_case.pk}/", {"reason": "执行案件核对"}).json()

    assert (row["subject"]["name"], detail["subject"]["identifier"]) == ("张丽华", ZHANG)
    assert logged(zhang) == [("court", "执行案件核对")] * 2


def test_a_push_shows_its_person_masked_to_the_executing_department_until_a_reason(api, world, zhang_case):
    zhang = world.subject(ZHANG)
    department = zhang_case.assignments.order_by("pk").first().department.code

    masked = api(department).get("/api/v1/assignments/", {"case": zhang_case.pk}).json()["results"]
    assert masked and {r["case"]["subject"]["name"] for r in masked} == {"张**"}
    assert logged(zhang) == []

    full = api(department).get(f"/api/v1/assignments/{masked[0]['id']}/", {"reason": "签收前核对"}).json()
    assert full["case"]["subject"]["name"] == "张丽华"
    assert logged(zhang) == [(department, "签收前核对")]


def test_an_objection_about_a_person_is_masked_without_a_reason(api, world):
    zhang = world.subject(ZHANG)
    entry = world.published(subject=zhang)
    objection = objection_services.objection_file(subject=zhang, list_entry=entry, grounds="已履行", contact="0936-1234567",
                                                  actor=world.user("court"))

    masked = api("court").get(f"/api/v1/objections/{objection.pk}/").json()
    full = api("court").get(f"/api/v1/objections/{objection.pk}/", {"reason": "异议核查"}).json()

    assert masked["subject"]["name"] == "张**" and full["subject"]["name"] == "张丽华"
    assert logged(zhang) == [("court", "异议核查")]


def test_the_schema_documents_the_reason_on_the_rows_that_name_persons(api, world):
    schema = api("court").get("/api/schema/", {"format": "json"}).json()
    for path in ("/api/v1/cases/", "/api/v1/cases/{id}/", "/api/v1/assignments/", "/api/v1/objections/", "/api/v1/repairs/", "/api/v1/list-entries/"):
        names = [p["name"] for p in schema["paths"][path]["get"].get("parameters", [])]
        assert names.count("reason") == 1, path
    feedback = schema["paths"]["/api/v1/assignments/{id}/feedback/"]["get"].get("parameters", [])
    assert "reason" not in [p["name"] for p in feedback]


def test_the_subject_autocomplete_shows_a_person_masked(client, world, zhang_case):
    client.force_login(world.user("court"))
    params = {"app_label": "sanctions", "model_name": "jointcase", "field_name": "subject"}

    by_identifier = client.get("/admin/autocomplete/", {**params, "term": WANG}).json()["results"]
    worked_on = client.get("/admin/autocomplete/", {**params, "term": "张丽华"}).json()["results"]
    organisation = client.get("/admin/autocomplete/", {**params, "term": "金川"}).json()["results"]

    assert [r["text"] for r in by_identifier] == ["王** (620702********8519)"]
    assert [r["text"] for r in worked_on] == [f"张** ({MASKED_ZHANG})"]
    assert organisation[0]["text"] == str(world.company)
    assert not AuditEvent.objects.filter(action="person_record_viewed").exists()


def _register_in_admin(client, identifier, name):
    return client.post("/admin/credit_platform/subject/add/", {
        "kind": "natural_person", "name": name, "identifier": identifier, "_continue": "1",
        "responsible_persons-TOTAL_FORMS": "0", "responsible_persons-INITIAL_FORMS": "0",
    })


def test_a_person_registered_in_the_admin_is_found_by_the_registering_department(client, world):
    identifier = make_citizen_id(4711, birth=datetime.date(1985, 3, 2), division="620702")
    client.force_login(world.user("tax"))

    added = _register_in_admin(client, identifier, "赵志强")
    person = Subject.objects.get(identifier=identifier)
    assert added.status_code == 302 and added.url.endswith(f"/{person.pk}/change/")

    asked = client.get(added.url)  # no "does not exist": the page asks why, as for any person
    assert asked.status_code == 200 and "赵**" in asked.content.decode()
    shown = client.get(added.url, {"reason": "登记后核对"})
    assert shown.status_code == 200 and "赵志强" in shown.content.decode()
    assert logged(person) == [("tax", "登记后核对")]

    # Another department has no work about them: not found, nothing logged.
    client.force_login(world.user("finance"))
    assert client.get(added.url, {"reason": "curious"}).status_code == 302
    assert logged(person) == [("tax", "登记后核对")]


def test_a_person_registered_through_the_api_is_found_by_the_registering_department(api, world):
    identifier = make_citizen_id(4712, birth=datetime.date(1979, 11, 20), division="620702")
    created = api("tax").post("/api/v1/subjects/", {"kind": "natural_person", "identifier": identifier, "name": "钱立新"}, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]

    assert api("tax").get(f"/api/v1/subjects/{pk}/", {"reason": "登记后核对"}).status_code == 200
    listed = api("tax").get("/api/v1/subjects/", {"kind": "natural_person", "reason": "登记后核对"}).json()["results"]
    assert pk in [r["id"] for r in listed]
    assert api("finance").get(f"/api/v1/subjects/{pk}/", {"reason": "curious"}).status_code == 404
    # The registration itself logged nothing: only the two reads.
    assert logged(Subject.objects.get(pk=pk)) == [("tax", "登记后核对")] * 2
