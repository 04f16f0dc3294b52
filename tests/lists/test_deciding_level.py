"""Deciding level (RULES.md, black list, 国办发〔2020〕49号): black-list entries are decided at county
level or above; a township department's black-list proposal or publication is refused, citing the
rule. Other lists, and departments at county level or above, are unaffected."""
import pytest
from django.core.exceptions import ValidationError

from credit_platform.models import AuditEvent, Department, DepartmentLevel
from lists import services
from lists.models import EntryState, ListEntry
from tests.factories import make_uscc
from tests.lists.test_api import URL, body
from tests.lists.test_import import csv_bytes, post, row

RULE = "国办发〔2020〕49号"


def _set_level(code, level):
    Department.objects.filter(code=code).update(level=level)


def test_demo_departments_are_at_county_level(world):
    assert set(Department.objects.values_list("level", flat=True)) == {DepartmentLevel.COUNTY}
    assert all(d.decides_black_list for d in Department.objects.all())


@pytest.mark.parametrize(
    ("level", "decides"),
    [("township", False), ("county", True), ("city", True), ("province", True), ("national", True)],
)
def test_county_level_or_above_decides_black_entries(world, level, decides):
    _set_level("court", level)
    assert Department.objects.get(code="court").decides_black_list is decides


def test_a_township_department_cannot_propose_a_black_entry(world):
    _set_level("court", DepartmentLevel.TOWNSHIP)

    with pytest.raises(ValidationError) as refused:
        world.propose()

    message = " ".join(refused.value.message_dict["list_type"])
    assert RULE in message and "county level or above" in message
    assert not ListEntry.objects.exists()
    assert not AuditEvent.objects.filter(action="entry_proposed").exists()


def test_a_township_department_still_proposes_watch_and_red_entries(world):
    _set_level("court", DepartmentLevel.TOWNSHIP)
    watch = world.propose(list_type="watch", severity="general")
    assert watch.state == EntryState.PROPOSED


def test_publishing_a_black_entry_of_a_department_now_below_county_is_refused(world):
    entry = world.notified()
    _set_level("court", DepartmentLevel.TOWNSHIP)

    with pytest.raises(ValidationError) as refused:
        services.entry_publish(entry=entry, actor=world.user("court"))

    assert RULE in " ".join(refused.value.messages)
    entry.refresh_from_db()
    assert entry.state == EntryState.NOTIFIED
    # Nor may the credit office publish it for them: the decision is the identifying department's.
    with pytest.raises(ValidationError):
        services.entry_publish(entry=entry, actor=world.user("credit_office"))


def test_over_the_api_the_refusal_is_a_400_citing_the_rule(world, api):
    _set_level("court", DepartmentLevel.TOWNSHIP)

    response = api("court").post(URL, body(world), format="json")

    assert response.status_code == 400
    assert RULE in str(response.json()["list_type"])
    _set_level("court", DepartmentLevel.CITY)
    assert api("court").post(URL, body(world), format="json").status_code == 201


def test_api_and_admin_show_the_level(world, api, client):
    assert api("court").get("/api/v1/departments/court/").json()["level"] == "county"
    client.force_login(world.user("admin"))
    court = Department.objects.get(code="court")
    page = client.get(f"/admin/credit_platform/department/{court.pk}/change/").content.decode()
    assert 'name="level"' in page


def test_the_admin_edits_the_level(world, client):
    client.force_login(world.user("admin"))
    court = Department.objects.get(code="court")
    data = {
        "name": court.name, "name_en": court.name_en, "parent": "", "region_code": court.region_code, "level": "township",
        "is_active": "on", "is_initiating": "on", "contact_name": "", "contact_phone": "", "contact_email": "",
        "webhook_url": "", "webhook_secret": "",
    }

    response = client.post(f"/admin/credit_platform/department/{court.pk}/change/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    court.refresh_from_db()
    assert (court.level, court.is_initiating) == (DepartmentLevel.TOWNSHIP, True)
    with pytest.raises(ValidationError):
        world.propose()


def test_a_township_department_imports_no_black_entries(world, api):
    _set_level("court", DepartmentLevel.TOWNSHIP)
    rows = [
        row(make_uscc(70101, "620702"), "示范区乡镇甲有限公司", number="（2026）甘0702执301号"),
        row(make_uscc(70102, "620702"), "示范区乡镇乙有限公司", list_type="watch", severity="general", number="（2026）甘0702执302号"),
    ]

    answer = post(api("court"), csv_bytes(rows), open_cases="false").json()

    assert answer["created"] == 1
    assert [(e["row"], e["field"]) for e in answer["errors"]] == [(2, "list_type")]
    assert RULE in answer["errors"][0]["reason"]
    assert set(ListEntry.objects.values_list("list_type", flat=True)) == {"watch"}
