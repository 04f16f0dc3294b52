"""The credit file (信用档案): GET /api/v1/subjects/{id}/credit-file/ and the admin page /admin/credit-file/.

Each department sees in the file what it sees elsewhere; a person's file needs a reason and is logged;
another department's draft is never shown; unknown or out-of-reach subjects are 404.
"""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from credit_platform import demo
from credit_platform.models import AuditEvent
from tests.lists.conftest import api  # noqa: F401 - the API clients
from tests.records.conftest import LICENCE_NUMBER, PENALTY_NUMBER, RecordWorld

PERSON_ID = "620702198509234268"  # 李秀英, legal representative of 示范区祁连商贸有限公司


class FileWorld(RecordWorld):
    def file_url(self, subject) -> str:
        return f"/api/v1/subjects/{subject.pk}/credit-file/"


@pytest.fixture
def world(db):
    demo.seed()
    return FileWorld()


def numbers(rows) -> set[str]:
    return {row["decision_number"] for row in rows}


def test_the_providing_department_sees_its_drafts_others_the_published_records_only(world, api):
    world.penalty(publish=True)
    world.licence()  # a draft
    url = world.file_url(world.food_company)

    mine = api("market").get(url)
    theirs = api("finance").get(url)

    assert mine.status_code == 200, mine.content
    assert numbers(mine.data["records"]["penalty"]) == {PENALTY_NUMBER}
    assert numbers(mine.data["records"]["licensing"]) == {LICENCE_NUMBER}
    assert mine.data["records"]["licensing"][0]["state"] == "draft"
    assert theirs.status_code == 200
    assert numbers(theirs.data["records"]["penalty"]) == {PENALTY_NUMBER}
    assert theirs.data["records"]["licensing"] == []
    assert theirs.data["subject"]["name"] == "示范区绿洲食品有限公司"
    assert set(theirs.data) == {"subject", "basic", "records", "list_entries", "cases", "commitments"}


def test_entries_and_cases_follow_the_departments_access(world, api):
    case = world.pushed_case()  # the court's case on 示范区金川建筑工程有限公司, pushed to finance and others
    url = world.file_url(world.company)

    court = api("court").get(url).data
    finance = api("finance").get(url).data
    hrss = api("hrss").get(url).data  # not pushed to: sees no case

    assert [row["number"] for row in court["cases"]] == [case.number]
    assert [row["number"] for row in finance["cases"]] == [case.number]
    assert finance["cases"][0]["state"] == "pushed"
    assert hrss["cases"] == []
    assert api("leader").get(url).data["cases"][0]["number"] == case.number


def test_a_persons_file_needs_a_reason_and_is_logged(world, api):
    person = world.subject(PERSON_ID)
    world.penalty(subject=person, publish=True, decision_number="甘示市监处罚〔2026〕21号")
    url = world.file_url(person)

    without = api("market").get(url)
    assert without.status_code == 400 and "reason" in without.data
    before = AuditEvent.objects.filter(action="person_record_viewed").count()

    response = api("market").get(url, {"reason": "案件 甘示市监处罚〔2026〕21号 复核"})

    assert response.status_code == 200
    assert response.data["subject"]["identifier"] == PERSON_ID
    assert numbers(response.data["records"]["penalty"]) == {"甘示市监处罚〔2026〕21号"}
    logged = AuditEvent.objects.filter(action="person_record_viewed").order_by("-pk")
    assert logged.count() == before + 1
    assert logged.first().actor == world.user("market")


def test_a_person_the_department_has_no_work_about_is_404_like_an_unknown_subject(world, api):
    person = world.subject(PERSON_ID)

    outsider = api("hrss").get(world.file_url(person), {"reason": "curiosity"})
    unknown = api("hrss").get("/api/v1/subjects/999999999/credit-file/")

    assert outsider.status_code == 404 and unknown.status_code == 404
    assert api(None).get(world.file_url(world.company)).status_code == 401


def test_an_organisations_responsible_persons_are_masked_without_a_reason(world, api):
    url = world.file_url(world.company)

    masked = api("finance").get(url).data["subject"]["responsible_persons"]
    full = api("finance").get(url, {"reason": "政府采购 供应商审查"}).data["subject"]["responsible_persons"]

    assert masked and "*" in masked[0]["identifier"]
    assert full[0]["identifier"] == "620702197804128519"


def test_the_file_is_read_in_a_bounded_number_of_queries(world, api):
    for n in range(5):
        world.penalty(publish=True, decision_number=f"甘示市监处罚〔2026〕{100 + n}号")
        world.licence(publish=True, decision_number=f"甘示市监许可〔2026〕{100 + n}号")
    client = api("market")
    url = world.file_url(world.food_company)
    client.get(url)  # warm the caches (content types, rule sets)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert response.status_code == 200
    assert len(response.data["records"]["penalty"]) == 5
    assert len(queries) <= 8, [q["sql"][:120] for q in queries.captured_queries]


# --- the admin page ------------------------------------------------------------------------------


def test_the_admin_page_shows_the_file_and_finds_a_subject_by_post(client, world):
    world.penalty(publish=True)
    world.licence()  # market's draft: never in finance's file
    client.force_login(world.user("finance"))

    page = client.get(reverse("credit-file", args=[world.food_company.pk]))
    found = client.post(reverse("credit-file-lookup"), {"identifier": "91620702map3mr1488", "reason": ""})

    assert page.status_code == 200
    text = page.content.decode()
    assert PENALTY_NUMBER in text and LICENCE_NUMBER not in text
    assert "示范区绿洲食品有限公司" in text
    assert found.status_code == 302 and found["Location"] == reverse("credit-file", args=[world.food_company.pk])


def test_the_admin_asks_the_reason_for_a_person_and_logs_the_look_up(client, world):
    person = world.subject(PERSON_ID)
    world.penalty(subject=person, publish=True, decision_number="甘示市监处罚〔2026〕21号")
    client.force_login(world.user("market"))
    url = reverse("credit-file", args=[person.pk])

    asked = client.get(url).content.decode()
    assert "李秀英" not in asked and "person-reason-form" in asked
    shown = client.get(url, {"reason": "复核"}).content.decode()

    assert "李秀英" in shown and "甘示市监处罚〔2026〕21号" in shown
    assert AuditEvent.objects.filter(action="person_record_viewed", actor=world.user("market")).exists()


def test_the_admin_lookup_of_a_person_by_exact_identifier_needs_the_reason(client, world):
    client.force_login(world.user("hrss"))  # no work about her: the exact identifier with a reason reads her file

    refused = client.post(reverse("credit-file-lookup"), {"identifier": PERSON_ID, "reason": ""})
    shown = client.post(reverse("credit-file-lookup"), {"identifier": PERSON_ID, "reason": "劳动保障监察 线索核查"})
    unknown = client.post(reverse("credit-file-lookup"), {"identifier": "91620702MA0000000X", "reason": ""})

    assert refused.status_code == 200 and refused.context["form"].errors["reason"]
    assert shown.status_code == 200 and "李秀英" in shown.content.decode()
    assert unknown.status_code == 200 and unknown.context["form"].errors["identifier"]


def test_the_admin_page_of_a_person_out_of_reach_is_404(client, world):
    client.force_login(world.user("hrss"))

    response = client.get(reverse("credit-file", args=[world.subject(PERSON_ID).pk]), {"reason": "x"})

    assert response.status_code == 404
