"""A case keeps its list entry by id (sanctions imports nothing from lists: lists checks and names the
entry through credit_platform.origins) and carries its own severity, copied from the entry it was
opened from or chosen for a case opened by hand."""
import datetime

import pytest
from django.core.exceptions import ValidationError

from credit_platform import demo, origins
from lists import services as list_services
from sanctions import services
from sanctions.models import JointCase
from tests.lists.conftest import ListWorld
from tests.sanctions.test_admin_cases import ADD, form_data
from tests.sanctions.test_api_support import API, case_body

OTHER_COMPANY = "91620702MA55TH2835"
UNSEEN = "No list entry with this id that your department may see."


@pytest.fixture
def world(db):
    demo.seed()
    return ListWorld()


@pytest.fixture
def api(world):
    from rest_framework.test import APIClient

    def make(username):
        client = APIClient()
        client.force_authenticate(world.user(username))
        return client

    return make


def test_the_case_a_published_entry_opens_keeps_its_id_and_copies_its_severity(world, api):
    entry = world.published(severity="general")

    case = JointCase.objects.get(list_entry_id=entry.pk)

    assert case.severity == "general"
    body = api("court").get(f"{API}/cases/{case.pk}/").json()
    assert (body["list_entry"], body["severity"]) == (entry.pk, "general")
    listed = api("court").get(f"{API}/list-entries/{entry.pk}/").json()
    assert [c["id"] for c in listed["cases"]] == [case.pk]


def test_a_manual_case_may_rest_on_a_published_entry_and_takes_its_severity(world, api):
    entry = world.published()

    response = api("court").post(f"{API}/cases/", case_body(world, list_entry=entry.pk), format="json")

    assert response.status_code == 201, response.json()
    assert (response.json()["list_entry"], response.json()["severity"]) == (entry.pk, "severe")
    assert JointCase.objects.filter(list_entry_id=entry.pk).count() == 2  # the one publication opened, and this one


@pytest.mark.parametrize(
    ("make_entry", "username", "overrides", "field", "message"),
    [
        (None, "court", {}, "list_entry", UNSEEN),
        # Another department's entry not yet on the list: invisible, answered like an unknown one.
        (lambda world: world.propose(), "tax", {"memorandum": "major-tax-violations"}, "list_entry", UNSEEN),
        (lambda world: world.propose(), "court", {}, "list_entry", "Only a published list entry can be a case's basis; this one is proposed."),
        (lambda world: world.published(), "tax", {"kind": "reward", "memorandum": "a-grade-taxpayers"}, "list_entry",
         "A joint punishment rests on a black-list entry, a joint reward on a red-list entry."),
        (lambda world: world.published(), "court", {"subject": OTHER_COMPANY}, "list_entry", "This list entry is about another subject."),
        (lambda world: world.published(), "court", {"severity": "minor"}, "severity",
         "A case resting on a list entry takes the entry's severity (severe)."),
    ],
)
def test_case_create_refuses_an_entry_it_cannot_rest_on(world, api, make_entry, username, overrides, field, message):
    entry_id = make_entry(world).pk if make_entry else 999999
    before = JointCase.objects.count()
    if "memorandum" in overrides:
        overrides["memorandum"] = world.memorandum(overrides["memorandum"]).pk
    if "subject" in overrides:
        overrides["subject"] = world.subject(overrides["subject"]).pk

    response = api(username).post(f"{API}/cases/", case_body(world, list_entry=entry_id, **overrides), format="json")

    assert response.status_code == 400
    assert response.json()[field] == [message]
    assert JointCase.objects.count() == before


@pytest.mark.parametrize(
    ("username", "overrides", "severity"),
    [
        ("court", {}, "severe"),  # a punishment by default: the black list is severe dishonesty
        ("court", {"severity": "general", "period_end": "2027-10-31"}, "general"),  # a year at most (过惩相当)
        ("tax", {"kind": "reward", "memorandum": "a-grade-taxpayers"}, ""),  # a reward: not graded
    ],
)
def test_a_case_opened_by_hand_takes_the_chosen_severity_or_the_default(world, api, username, overrides, severity):
    if "memorandum" in overrides:
        overrides["memorandum"] = world.memorandum(overrides["memorandum"]).pk

    response = api(username).post(f"{API}/cases/", case_body(world, **overrides), format="json")

    assert response.status_code == 201, response.json()
    assert (response.json()["list_entry"], response.json()["severity"]) == (None, severity)
    assert JointCase.objects.get().severity == severity


def test_an_unknown_severity_is_400(world, api):
    response = api("court").post(f"{API}/cases/", case_body(world, severity="grave"), format="json")

    assert response.status_code == 400
    assert "severity" in response.json()


def test_a_punishment_needs_a_severity(world):
    with pytest.raises(ValidationError) as refused:
        services.case_create(
            actor=world.user("court"), subject=world.company, kind="punishment", memorandum=world.memorandum("judgement-defaulters"),
            basis="判决", period_start=datetime.date(2026, 11, 1), period_end=datetime.date(2029, 10, 31), severity="",
        )
    assert "severity" in refused.value.message_dict
    assert not JointCase.objects.exists()


def test_an_origin_no_app_registered_is_refused():
    with pytest.raises(ValidationError, match="Cases cannot rest on a record on this platform."):
        origins.case_origin_resolve("record", 1, user=None, case_kind="punishment")
    assert origins.case_origin_label("record", 7) == "#7"


def test_the_case_page_names_and_links_its_entry_and_shows_its_severity(world, client):
    entry = world.published(severity="general")
    case = JointCase.objects.get(list_entry_id=entry.pk)
    client.force_login(world.user("court"))

    page = client.get(f"/admin/sanctions/jointcase/{case.pk}/change/").content.decode()

    assert f"<a href='/admin/lists/listentry/{entry.pk}/change/'>{entry}</a>" in page
    assert "general" in page


def test_the_admin_form_opens_a_case_with_the_chosen_severity(world, client):
    client.force_login(world.user("court"))
    fitting = services.measures_fitting(memorandum=world.memorandum("judgement-defaulters"), subject=world.company)

    response = client.post(ADD, form_data(world, severity="general", period_end="2027-10-31", measures=[m.pk for m in fitting]))

    assert response.status_code == 302
    assert JointCase.objects.get().severity == "general"


def test_removing_the_entry_ends_every_case_resting_on_it(world, api):
    entry = world.published()
    court = api("court")
    manual = court.post(f"{API}/cases/", case_body(world, list_entry=entry.pk), format="json").json()
    assert court.post(f"{API}/cases/{manual['id']}/initiate/").status_code == 200

    list_services.entry_remove(entry=entry, actor=world.user("court"), reason="revoked")

    assert list(JointCase.objects.filter(list_entry_id=entry.pk).values_list("state", flat=True)) == ["revoked", "revoked"]
