"""The list entry admin: proposal form, buttons shown only when open, refusals as messages, visibility."""
import re

import pytest
from django.utils import timezone

from credit_platform.models import AuditEvent
from lists.models import EntryState, ListEntry
from sanctions.models import JointCase
from tests.lists.conftest import BASIS, CONTENT, DECISION, days_ago

ADD = "/admin/lists/listentry/add/"
CHANGELIST = "/admin/lists/listentry/"


def entry_url(entry, action=""):
    return f"/admin/lists/listentry/{entry.pk}/" + (f"do/{action}/" if action else "change/")


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def buttons_on(page: str) -> set[str]:
    return set(re.findall(r'<(?:button|a) [^>]*data-action="([a-z_]+)"', page))


def proposal(world, **overrides) -> dict:
    data = {
        "subject": world.company.pk, "list_type": "black", "severity": "severe", "domain": "judicial",
        "basis": BASIS, "decision_number": DECISION, "decided_on": days_ago(40).isoformat(), **CONTENT,
    }
    data.update(overrides)
    return data


def as_user(client, world, username):
    client.force_login(world.user(username))
    return client


# --- proposing ------------------------------------------------------------------------------------


def test_the_clerk_proposes_through_the_service(world, client):
    as_user(client, world, "court")
    page = client.get(ADD)
    assert page.status_code == 200
    assert "admin/js/autocomplete.js" in page.content.decode()  # the subject is searched, never listed
    response = client.post(ADD, proposal(world))
    entry = ListEntry.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(entry_url(entry))
    assert entry.identifying_department.code == "court" and entry.state == EntryState.PROPOSED
    assert AuditEvent.objects.filter(stream=f"lists.listentry:{entry.pk}", action="entry_proposed").exists()


def test_the_services_refusals_show_on_the_form(world, client):
    world.propose()
    as_user(client, world, "court")
    response = client.post(ADD, proposal(world))
    assert response.status_code == 200
    assert "already has an entry" in str(response.context["adminform"].form.errors["decision_number"])
    future = (timezone.localdate() + timezone.timedelta(days=5)).isoformat()
    response = client.post(ADD, proposal(world, decision_number="X-2", decided_on=future))
    assert "decided_on" in response.context["adminform"].form.errors
    assert ListEntry.objects.count() == 1


@pytest.mark.parametrize("username", ["finance", "leader"])
def test_departments_that_do_not_identify_cannot_propose(world, client, username):
    as_user(client, world, username)
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, proposal(world)).status_code == 403
    assert not ListEntry.objects.exists()


# --- buttons ------------------------------------------------------------------------------------------


def test_the_proposing_clerk_walks_the_entry_through_its_buttons(world, client):
    entry = world.propose()
    as_user(client, world, "court")
    assert buttons_on(client.get(entry_url(entry)).content.decode()) == {"notify"}

    # Notify today: the window is open, so the page offers the statement and withdrawal, not publication.
    assert client.get(entry_url(entry, "notify")).status_code == 200
    response = client.post(entry_url(entry, "notify"), {"method": "direct service", "notified_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.state == EntryState.NOTIFIED
    page = client.get(entry_url(entry))
    assert buttons_on(page.content.decode()) == {"statement", "withdraw"}
    assert "can be published from" in page.content.decode()

    # Pressing publish anyway (an old page): refused with the reason as a message, never a 500.
    response = client.post(entry_url(entry, "publish"), follow=True)
    assert response.status_code == 200
    assert any("can be published from" in m for m in messages_of(response))
    entry.refresh_from_db()
    assert entry.state == EntryState.NOTIFIED

    # The subject waives its statement: publication opens.
    response = client.post(entry_url(entry, "statement"), {"text": "", "waived": "on"})
    assert response.status_code == 302
    assert "publish" in buttons_on(client.get(entry_url(entry)).content.decode())
    response = client.post(entry_url(entry, "publish"), follow=True)
    entry.refresh_from_db()
    assert entry.state == EntryState.PUBLISHED
    case = JointCase.objects.get(list_entry_id=entry.pk)
    page = client.get(entry_url(entry)).content.decode()
    assert buttons_on(page) == {"remove"}
    assert case.number in page and f"/admin/sanctions/jointcase/{case.pk}/change/" in page


def test_form_errors_of_an_action_stay_on_its_form(world, client):
    entry = world.propose()
    as_user(client, world, "court")
    future = (timezone.localdate() + timezone.timedelta(days=3)).isoformat()
    response = client.post(entry_url(entry, "notify"), {"method": "post", "notified_on": future})
    assert response.status_code == 200
    assert "notified_on" in response.context["form"].errors
    entry.refresh_from_db()
    assert entry.state == EntryState.PROPOSED


def test_remove_with_a_reason(world, client):
    entry = world.published()
    as_user(client, world, "court")
    response = client.post(entry_url(entry, "remove"), {"reason": "revoked", "note": "判决撤销"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.state == EntryState.REMOVED and entry.removal_reason == "revoked"


# --- visibility ---------------------------------------------------------------------------------------


def test_another_department_does_not_see_a_proposed_entry(world, client):
    entry = world.propose()
    as_user(client, world, "tax")
    changelist = client.get(CHANGELIST)
    assert changelist.status_code == 200
    assert entry not in changelist.context["cl"].result_list
    assert client.get(entry_url(entry)).status_code == 302  # like a deleted object
    client.post(entry_url(entry, "notify"), {"method": "post", "notified_on": days_ago(1).isoformat()})
    entry.refresh_from_db()
    assert entry.state == EntryState.PROPOSED


def test_another_department_reads_a_published_entry_without_buttons(world, client):
    entry = world.published()
    as_user(client, world, "tax")
    assert entry in client.get(CHANGELIST).context["cl"].result_list
    page = client.get(entry_url(entry))
    assert page.status_code == 200
    assert buttons_on(page.content.decode()) == set()
    response = client.post(entry_url(entry, "remove"), {"reason": "revoked"}, follow=True)
    assert any("Only the identifying department" in m or "not open to you" in m for m in messages_of(response))
    entry.refresh_from_db()
    assert entry.state == EntryState.PUBLISHED


def test_the_leadership_office_sees_everything_and_has_no_buttons(world, client):
    entry = world.propose()
    as_user(client, world, "leader")
    assert entry in client.get(CHANGELIST).context["cl"].result_list
    assert buttons_on(client.get(entry_url(entry)).content.decode()) == set()


def test_search_filters_and_the_export_action(world, client):
    entry = world.published()
    world.propose(actor="tax", list_type="watch", severity="general", domain="tax", decision_number="税罚〔2026〕1号")
    as_user(client, world, "credit_office")
    response = client.get(CHANGELIST, {"q": world.company.identifier.lower()})
    assert len(response.context["cl"].result_list) == 2
    response = client.get(CHANGELIST, {"list_type__exact": "black", "state__exact": "published"})
    assert list(response.context["cl"].result_list) == [entry]
    response = client.get(CHANGELIST, {"q": "税罚"})
    assert [e.decision_number for e in response.context["cl"].result_list] == ["税罚〔2026〕1号"]
    actions = [name for name, _label in response.context["action_form"].fields["action"].choices]
    assert "export_entries_action" in actions


def test_the_changelist_makes_a_bounded_number_of_queries(world, client, django_assert_max_num_queries):
    for n in range(5):
        world.propose(decision_number=f"（2026）甘0702执9{n}号")
    as_user(client, world, "court")
    client.get(CHANGELIST)  # warm the session and content types
    with django_assert_max_num_queries(12):
        response = client.get(CHANGELIST)
    assert len(response.context["cl"].result_list) == 5


def test_role_permissions_open_the_module(world):
    assert world.user("court").has_perms(["lists.view_listentry", "lists.add_listentry", "lists.change_listentry"])
    assert world.user("finance").has_perm("lists.view_listentry")
    assert not world.user("finance").has_perm("lists.add_listentry")
    assert not world.user("leader").has_perm("lists.add_listentry")
    office = world.user("credit_office")
    assert office.has_perms(["lists.add_listentry", "lists.add_importbatch", "lists.view_importbatch"])
    assert not world.user("court").has_perm("lists.add_importbatch")
