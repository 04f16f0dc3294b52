"""The admin's subject pages (issue 12, item 7): persons masked until the clerk gives a reason, then
shown in full and logged with it; a department finds only the persons it has work about, or one by
the exact identifier."""
from urllib.parse import urlencode

import pytest

from credit_platform.models import AuditEvent

WANG = "620702197804128519"  # 王建国, legal representative of the demo company
ZHANG = "620702196901079769"  # 张丽华
LIST = "/admin/credit_platform/subject/"


def logged(subject):
    return list(AuditEvent.objects.filter(action="person_record_viewed", object_id=str(subject.pk)).values_list("actor__username", "reason"))


@pytest.fixture
def court(client, world):
    world.propose(subject=world.subject(ZHANG))  # the court has work about 张丽华
    client.force_login(world.user("court"))
    return client


def test_the_list_masks_persons_until_a_reason_is_given(court, world):
    zhang = world.subject(ZHANG)

    masked = court.get(LIST, {"kind__exact": "natural_person"}).content.decode()
    assert "张**" in masked and ZHANG not in masked and "张丽华" not in masked
    assert "Reason for looking up persons" in masked
    assert logged(zhang) == []

    full = court.get(LIST, {"kind__exact": "natural_person", "reason": "（2026）甘0702执123号"}).content.decode()
    assert "张丽华" in full and ZHANG in full
    # Only the persons the court has work about.
    assert "刘伟" not in full and "王建国" not in full
    # The reason stays in the list's links (sorting, filters, the search form).
    assert "reason=%EF%BC%882026" in full or 'name="reason" value="（2026）甘0702执123号"' in full
    assert logged(zhang) == [("court", "（2026）甘0702执123号")]


def test_an_exact_identifier_finds_a_person_the_department_has_no_work_about(court, world):
    wang = world.subject(WANG)

    by_name = court.get(LIST, {"q": "王建国", "reason": "licence"}).content.decode()
    by_identifier = court.get(LIST, {"q": WANG, "reason": "licence"}).content.decode()

    assert WANG not in by_name
    assert "王建国" in by_identifier and WANG in by_identifier
    assert logged(wang) == [("court", "licence")]


def test_a_persons_page_asks_for_the_reason_then_shows_and_logs(court, world):
    zhang = world.subject(ZHANG)
    url = f"{LIST}{zhang.pk}/change/"

    asked = court.get(url, {"_changelist_filters": "kind__exact=natural_person"})
    page = asked.content.decode()
    assert asked.status_code == 200
    assert "Why do you look up this person?" in page and "张**" in page and ZHANG not in page
    assert 'name="_changelist_filters" value="kind__exact=natural_person"' in page
    assert logged(zhang) == []

    shown = court.get(url, {"_changelist_filters": "kind__exact=natural_person", "reason": "serving the decision"})
    assert shown.status_code == 200 and ZHANG in shown.content.decode()
    assert logged(zhang) == [("court", "serving the decision")]

    # A reason given on the list carries to the page opened from it.
    court.get(url, {"_changelist_filters": urlencode({"reason": "from the list"})})
    assert logged(zhang)[-1] == ("court", "from the list")


def test_another_department_cannot_open_a_person_it_has_no_work_about(client, court, world):
    zhang = world.subject(ZHANG)
    client.force_login(world.user("tax"))

    response = client.get(f"{LIST}{zhang.pk}/change/", {"reason": "curious"})

    assert response.status_code == 302  # the admin's "does not exist" redirect
    assert logged(zhang) == []


def test_an_organisations_responsible_persons_are_shown_once_a_reason_is_given(client, world):
    client.force_login(world.user("tax"))
    wang = world.subject(WANG)
    url = f"{LIST}{world.company.pk}/change/"

    without = client.get(url).content.decode()
    assert world.company.name in without and WANG not in without and "Reason for looking up its responsible persons" in without
    assert logged(wang) == []

    with_reason = client.get(url, {"reason": "tender review"}).content.decode()
    assert "王建国" in with_reason
    assert logged(wang) == [("tax", "tender review")]


def test_the_credit_office_sees_every_person_with_a_reason(client, world):
    client.force_login(world.user("credit_office"))

    page = client.get(LIST, {"kind__exact": "natural_person", "reason": "annual review"}).content.decode()

    assert "王建国" in page and "刘伟" in page
    assert AuditEvent.objects.filter(action="person_record_viewed", reason="annual review").count() >= 8


def test_the_subject_autocomplete_finds_an_unknown_person_only_by_the_exact_identifier(client, world):
    client.force_login(world.user("court"))
    url = "/admin/autocomplete/"
    params = {"app_label": "sanctions", "model_name": "jointcase", "field_name": "subject"}

    by_name = client.get(url, {**params, "term": "王建国"}).json()["results"]
    by_identifier = client.get(url, {**params, "term": WANG.lower()}).json()["results"]
    organisation = client.get(url, {**params, "term": "金川"}).json()["results"]

    assert by_name == []
    assert [row["id"] for row in by_identifier] == [str(world.subject(WANG).pk)]
    assert [row["id"] for row in organisation] == [str(world.company.pk)]


def test_the_credit_office_corrects_a_persons_name_after_giving_the_reason(client, world):
    client.force_login(world.user("credit_office"))
    liu = world.subject("620702199106307519")
    url = f"{LIST}{liu.pk}/change/"

    refused = client.post(url, {"name": "刘伟伟"})
    saved = client.post(f"{url}?reason=correction+request+17", {"name": "刘伟伟"})

    assert refused.status_code == 200 and "Why do you look up this person?" in refused.content.decode()
    assert saved.status_code == 302
    liu.refresh_from_db()
    assert liu.name == "刘伟伟"
