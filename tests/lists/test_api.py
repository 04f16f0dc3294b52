"""``/api/v1/list-entries/``: the procedure over the API, the actor matrix, filters and query counts."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from credit_platform.models import AuditEvent
from lists.models import EntryState, ListEntry
from sanctions import services as case_services
from sanctions.models import CaseState, JointCase
from tests.lists.conftest import BASIS, CONTENT, DECISION, days_ago

URL = "/api/v1/list-entries/"
ACTIONS = [
    ("notify", {"method": "direct service", "notified_on": "2026-11-02"}),
    ("statement", {"text": "已履行", "waived": False}),
    ("publish", {}),
    ("withdraw", {"reason": "申辩成立"}),
    ("remove", {"reason": "revoked"}),
]
OTHER_COMPANIES = ["91620702MA55TH2835", "91620702MAUCCP508N", "91620702MAL23DL45K", "91620702MAP3MR1488",
                   "91620702MAAEMA101X", "91620702MAQ81FT965", "91620702MA76TWP776", "91620702MAJ3PLA601"]


def body(world, **overrides) -> dict:
    data = {
        "subject": world.company.pk, "list_type": "black", "severity": "severe", "domain": "judicial",
        "basis": BASIS, "decision_number": DECISION, "decided_on": days_ago(40).isoformat(), **CONTENT,
    }
    data.update(overrides)
    return data


def detail(entry) -> str:
    return f"{URL}{entry.pk}/"


# --- the procedure ----------------------------------------------------------------------------------


def test_the_procedure_over_the_api(world, api):
    court = api("court")
    # given: the court proposes the demo company as a judgement defaulter
    response = court.post(URL, body(world), format="json")
    assert response.status_code == 201, response.content
    entry = response.json()
    assert entry["state"] == "proposed"
    assert entry["rule_set"] == "order-36"
    assert entry["identifying_department"] == "court"
    assert entry["subject"]["identifier"] == world.company.identifier
    assert entry["allowed_transitions"] == ["notify"]
    assert entry["publication_ends_on"] and entry["repair_possible_from"]
    url = f"{URL}{entry['id']}/"

    # when: the subject is told today, publishing is refused with the date it becomes possible
    response = court.post(f"{url}notify/", {"method": "direct service", "notified_on": timezone.localdate().isoformat()}, format="json")
    assert response.status_code == 200, response.content
    notified = response.json()
    assert notified["state"] == "notified"
    assert notified["allowed_transitions"] == ["statement", "withdraw"]
    response = court.post(f"{url}publish/")
    assert response.status_code == 409
    refusal = response.json()
    publishable_from = datetime.date.fromisoformat(notified["statement_due"]) + datetime.timedelta(days=1)
    assert publishable_from.isoformat() in refusal["detail"]
    assert refusal["state"] == "notified"
    assert refusal["allowed"] == ["statement", "withdraw"]
    assert court.get(url).json()["state"] == "notified"
    assert not JointCase.objects.exists()

    # then: once the subject waives its statement, the entry is published and its case opened
    response = court.post(f"{url}statement/", {"text": "", "waived": True}, format="json")
    assert response.status_code == 200, response.content
    assert "publish" in response.json()["allowed_transitions"]
    response = court.post(f"{url}publish/")
    assert response.status_code == 200, response.content
    published = response.json()
    assert published["state"] == "published" and published["published_at"]
    case = JointCase.objects.get(list_entry_id=entry["id"])
    assert published["cases"] == [{"id": case.pk, "number": case.number, "kind": "punishment", "state": "initiated"}]
    assert case.memorandum.code == "judgement-defaulters"
    assert published["allowed_transitions"] == ["remove"]


def test_publish_after_the_window_passed(world, api):
    entry = world.notified(notified_on=days_ago(30))
    response = api("court").post(f"{detail(entry)}publish/")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "published"


def test_withdraw_and_remove_bodies(world, api):
    court = api("court")
    entry = world.notified()
    assert court.post(f"{detail(entry)}withdraw/", {"reason": ""}, format="json").status_code == 400
    response = court.post(f"{detail(entry)}withdraw/", {"reason": "申辩成立"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "withdrawn"
    published = world.published(decision_number="（2026）甘0702执300号")
    response = court.post(f"{detail(published)}remove/", {"reason": "bored"}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    response = court.post(f"{detail(published)}remove/", {"reason": "corrected", "note": "判决被撤销"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "removed" and response.json()["removal_reason"] == "corrected"
    assert JointCase.objects.get(list_entry_id=published.pk).state == CaseState.REVOKED
    # Removed once: a second removal is an illegal transition.
    response = court.post(f"{detail(published)}remove/", {"reason": "revoked"}, format="json")
    assert response.status_code == 409 and response.json()["state"] == "removed"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"basis": ""}, "basis"),
        ({"decided_on": (timezone.localdate() + datetime.timedelta(days=3)).isoformat()}, "decided_on"),
        ({"domain": "astrology"}, "domain"),
        ({"subject": 999999}, "subject"),
    ],
)
def test_create_answers_field_errors(world, api, changes, field):
    response = api("court").post(URL, body(world, **changes), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not ListEntry.objects.exists()


def test_a_duplicate_decision_is_a_field_error(world, api):
    world.propose()
    response = api("court").post(URL, body(world), format="json")
    assert response.status_code == 400
    assert "already has an entry" in response.json()["decision_number"][0]


def test_notify_refuses_a_future_date(world, api):
    entry = world.propose()
    future = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = api("court").post(f"{detail(entry)}notify/", {"method": "post", "notified_on": future}, format="json")
    assert response.status_code == 400 and "notified_on" in response.json()


def test_idempotency_key_replays_the_proposal(world, api):
    court = api("court")
    first = court.post(URL, body(world), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    second = court.post(URL, body(world), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert ListEntry.objects.count() == 1


# --- the actor matrix -------------------------------------------------------------------------------


@pytest.fixture
def proposed(world):
    return world.propose()


@pytest.fixture
def published(world):
    return world.published(decision_number="（2026）甘0702执400号")


def test_anonymous_gets_401_everywhere(world, api, proposed):
    anonymous = api(None)
    assert anonymous.get(URL).status_code == 401
    assert anonymous.get(detail(proposed)).status_code == 401
    assert anonymous.post(URL, body(world), format="json").status_code == 401
    for name, data in ACTIONS:
        assert anonymous.post(f"{detail(proposed)}{name}/", data, format="json").status_code == 401, name


def test_another_department_does_not_see_a_proposed_entry(world, api, proposed):
    tax = api("tax")
    assert tax.get(detail(proposed)).status_code == 404
    assert proposed.pk not in [e["id"] for e in tax.get(URL).json()["results"]]
    for name, data in ACTIONS:
        assert tax.post(f"{detail(proposed)}{name}/", data, format="json").status_code == 404, name
    proposed.refresh_from_db()
    assert proposed.state == EntryState.PROPOSED


def test_another_department_reads_a_published_entry_but_may_not_act(world, api, published):
    tax = api("tax")
    response = tax.get(detail(published))
    assert response.status_code == 200
    assert response.json()["allowed_transitions"] == []
    # The case waits for the court's push: not the tax bureau's to see.
    assert response.json()["cases"] == []
    assert published.pk in [e["id"] for e in tax.get(URL).json()["results"]]
    for name, data in ACTIONS:
        assert tax.post(f"{detail(published)}{name}/", data, format="json").status_code == 403, name
    published.refresh_from_db()
    assert published.state == EntryState.PUBLISHED


def test_an_executing_department_sees_the_case_pushed_to_it(world, api, published):
    case = JointCase.objects.get(list_entry_id=published.pk)
    case_services.case_push(case=case, actor=world.user("court"))
    response = api("finance").get(detail(published))
    assert [c["number"] for c in response.json()["cases"]] == [case.number]


def test_a_department_without_the_initiating_role_cannot_propose(world, api):
    response = api("finance").post(URL, body(world), format="json")
    assert response.status_code == 403
    assert not ListEntry.objects.exists()


def test_the_leadership_office_reads_everything_and_changes_nothing(world, api, proposed):
    leader = api("leader")
    response = leader.get(detail(proposed))
    assert response.status_code == 200
    assert response.json()["allowed_transitions"] == []
    assert leader.post(URL, body(world, decision_number="X-1"), format="json").status_code == 403
    for name, data in ACTIONS:
        assert leader.post(f"{detail(proposed)}{name}/", data, format="json").status_code == 403, name
    proposed.refresh_from_db()
    assert proposed.state == EntryState.PROPOSED


def test_the_identifying_department_and_the_credit_office_may_act(world, api, proposed):
    office = api("credit_office")
    response = office.get(detail(proposed))
    assert response.json()["allowed_transitions"] == ["notify"]
    response = office.post(f"{detail(proposed)}notify/", {"method": "post", "notified_on": days_ago(30).isoformat()}, format="json")
    assert response.status_code == 200, response.content
    response = api("court").post(f"{detail(proposed)}publish/")
    assert response.status_code == 200, response.content


def test_an_illegal_transition_is_409_with_what_is_allowed(world, api, proposed):
    response = api("court").post(f"{detail(proposed)}publish/")
    assert response.status_code == 409
    assert response.json()["state"] == "proposed"
    assert response.json()["allowed"] == ["notify"]
    response = api("court").post(f"{detail(proposed)}statement/", {"text": "x"}, format="json")
    assert response.status_code == 409


# --- filters, pagination, queries ------------------------------------------------------------------


def test_filters(world, api):
    black = world.published()
    watch = world.propose(actor="tax", list_type="watch", severity="general", domain="tax", decision_number="税罚〔2026〕1号")
    other = world.propose(subject=world.subject(OTHER_COMPANIES[0]), decision_number="（2026）甘0702执500号")
    office = api("credit_office")

    def ids(query):
        response = office.get(f"{URL}?{query}")
        assert response.status_code == 200, response.content
        return {e["id"] for e in response.json()["results"]}

    assert ids("state=published") == {black.pk}
    assert ids("list_type=watch") == {watch.pk}
    assert ids("domain=judicial") == {black.pk, other.pk}
    assert ids("severity=general") == {watch.pk}
    assert ids(f"subject_identifier={world.company.identifier.lower()}") == {black.pk, watch.pk}
    assert ids("department=tax") == {watch.pk}
    assert office.get(f"{URL}?state=bogus").status_code == 400


def test_cursor_pagination(world, api):
    for n, identifier in enumerate(OTHER_COMPANIES[:3]):
        world.propose(subject=world.subject(identifier), decision_number=f"（2026）甘0702执6{n}号")
    response = api("court").get(f"{URL}?page_size=2")
    page = response.json()
    assert len(page["results"]) == 2 and page["next"] and "cursor=" in page["next"]
    assert "count" not in page
    rest = api("court").get(page["next"]).json()
    assert len(rest["results"]) == 1


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("username", ["court", "tax", "credit_office"])
def test_the_list_makes_a_bounded_number_of_queries(world, api, username):
    client = api(username)

    def publish(identifier, n):
        entry = world.published(subject=world.subject(identifier), decision_number=f"（2026）甘0702执7{n}号")
        case_services.case_push(case=JointCase.objects.get(list_entry_id=entry.pk), actor=world.user("court"))

    for n, identifier in enumerate(OTHER_COMPANIES[:2]):
        publish(identifier, n)
    few = _list_queries(client)
    for n, identifier in enumerate(OTHER_COMPANIES[2:], start=2):
        publish(identifier, n)
    assert _list_queries(client) == few
    assert few <= 6


def test_person_look_ups_are_logged(world, api):
    person = world.subject("620702197804128519")
    entry = world.published(subject=person, decision_number="（2026）甘0702执800号")
    response = api("tax").get(f"{detail(entry)}?reason=credit check for a permit")
    assert response.status_code == 200
    event = AuditEvent.objects.get(stream=f"credit_platform.subject:{person.pk}", action="person_record_viewed")
    assert event.reason == "credit check for a permit" and event.department.code == "tax"


def test_unknown_and_malformed_ids_are_404(world, api):
    assert api("court").get(f"{URL}999999/").status_code == 404
    assert api("court").post(f"{URL}999999/publish/").status_code == 404


def test_entries_service_and_api_agree_on_visibility(world, api, proposed, published):
    from lists import access

    for username in ["court", "tax", "finance", "leader", "credit_office"]:
        ids = {e["id"] for e in api(username).get(URL).json()["results"]}
        assert ids == set(access.entries_for_user(world.user(username)).values_list("pk", flat=True)), username


def test_permission_is_checked_before_the_input(world, api, published):
    # An invalid body from a department that may not act is a 403, not a 400 telling it what to fix.
    tax = api("tax")
    assert tax.post(f"{detail(published)}remove/", {"reason": "bored"}, format="json").status_code == 403
    assert tax.post(f"{detail(published)}withdraw/", {}, format="json").status_code == 403


def test_without_a_reason_persons_are_masked_and_nothing_is_logged(world, api):
    person = world.subject("620702197804128519")
    entry = world.published(subject=person, decision_number="（2026）甘0702执801号")
    shown = api("court").get(detail(entry)).json()["subject"]
    assert shown["identifier"] == "620702********8519"
    assert shown["name"].endswith("*") and shown["name"] != person.name
    listed = [e["subject"] for e in api("court").get(URL).json()["results"] if e["subject"]["id"] == person.pk]
    assert listed and listed[0]["identifier"] == "620702********8519"
    assert not AuditEvent.objects.filter(action="person_record_viewed").exists()
    full = api("court").get(detail(entry), {"reason": "enforcement file 2026-9"}).json()["subject"]
    assert (full["identifier"], full["name"]) == (person.identifier, person.name)
    assert AuditEvent.objects.filter(action="person_record_viewed", reason="enforcement file 2026-9").count() == 1
