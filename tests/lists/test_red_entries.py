"""Red entries are not dishonesty (issue 17 item 4): no severity, no repair date or publication
period, their own validity (default 2 years, configurable) after which they leave the list; a
dishonesty of the subject while red-listed proposes the red entry's removal to its department."""
import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from credit_platform.models import AuditEvent, Notification
from credit_platform.rules import add_months, rule_set_in_force
from lists import services
from lists.models import EntryState, ListEntry
from sanctions import services as case_services
from sanctions.models import AssignmentState, CaseState, JointCase
from tests.lists.conftest import days_ago
from tests.lists.test_import import DEMO_COMPANY, OTHER_COMPANY, csv_bytes, post, row

RED_NUMBER = "A级纳税人〔2026〕1号"


def publish_red(world, **kwargs) -> ListEntry:
    return world.published(actor="tax", list_type="red", domain="tax", decision_number=RED_NUMBER, **kwargs)


def events(entry, action):
    return AuditEvent.objects.filter(stream=f"lists.listentry:{entry.pk}", action=action)


# --- no severity, its own validity ---------------------------------------------------------------------


def test_a_red_entry_has_no_severity_no_periods_and_a_validity_of_two_years(world):
    entry = world.propose(actor="tax", list_type="red", domain="tax", decision_number=RED_NUMBER, decided_on=days_ago(40))
    assert (entry.severity, entry.repair_possible_from, entry.publication_ends_on) == ("", None, None)
    assert entry.valid_until == add_months(days_ago(40), 24)
    assert entry.ends_on == entry.valid_until
    assert events(entry, "entry_proposed").get().extra["valid_until"] == entry.valid_until.isoformat()


def test_a_severity_on_a_red_entry_is_refused_and_a_dishonesty_needs_one(world):
    with pytest.raises(ValidationError) as refused:
        world.propose(actor="tax", list_type="red", severity="general", domain="tax", decision_number=RED_NUMBER)
    assert "no severity" in " ".join(refused.value.message_dict["severity"])
    for list_type in ("black", "watch"):
        with pytest.raises(ValidationError) as refused:
            world.propose(list_type=list_type, severity="")
        assert "severity" in refused.value.message_dict
    assert not ListEntry.objects.exists()


def test_the_validity_follows_the_rule_set_and_a_decision_may_give_its_own(world):
    rule_set = rule_set_in_force(days_ago(40))
    rule_set.red_valid_months = 12
    rule_set.save(update_fields=["red_valid_months"])
    entry = world.propose(actor="tax", list_type="red", domain="tax", decision_number=RED_NUMBER, decided_on=days_ago(40))
    assert entry.valid_until == add_months(days_ago(40), 12)

    own = timezone.localdate() + datetime.timedelta(days=200)
    entry = world.propose(actor="tax", list_type="red", domain="tax", decision_number="A级纳税人〔2026〕2号", valid_until=own)
    assert entry.valid_until == own
    # A dishonesty has no validity of its own; a validity cannot end before the decision.
    with pytest.raises(ValidationError) as refused:
        world.propose(valid_until=own)
    assert "valid_until" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        world.propose(actor="tax", list_type="red", domain="tax", decision_number="A级纳税人〔2026〕3号", decided_on=days_ago(40),
                      valid_until=days_ago(41))
    assert "valid_until" in refused.value.message_dict


def test_the_api_takes_a_red_entry_without_severity_and_refuses_one_with(world, api):
    tax = api("tax")
    body = {"subject": world.company.pk, "list_type": "red", "domain": "tax", "basis": "纳税信用A级", "decision_number": RED_NUMBER,
            "decided_on": days_ago(40).isoformat()}
    refused = tax.post("/api/v1/list-entries/", {**body, "severity": "general"}, format="json")
    assert refused.status_code == 400 and "severity" in refused.json()
    created = tax.post("/api/v1/list-entries/", body, format="json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["severity"], data["repair_possible_from"], data["publication_ends_on"]) == ("", None, None)
    assert data["valid_until"] == add_months(days_ago(40), 24).isoformat()
    black = {**body, "list_type": "black", "domain": "judicial", "decision_number": "（2026）甘0702执9号"}
    refused = api("court").post("/api/v1/list-entries/", black, format="json")
    assert refused.status_code == 400 and "severity" in refused.json()


def test_the_admin_and_the_public_site_show_the_validity_not_a_severity(world, client):
    entry = publish_red(world)
    client.force_login(world.user("tax"))
    page = client.get(f"/admin/lists/listentry/{entry.pk}/change/").content.decode()
    assert "field-valid_until" in page
    assert "field-severity" not in page and "field-repair_possible_from" not in page
    changelist = client.get("/admin/lists/listentry/").content.decode()
    assert entry.valid_until.isoformat() in changelist
    public = client.get("/credit/", {"q": world.company.name}).content.decode()
    assert "有效期" in public and entry.valid_until.strftime("%Y-%m-%d") in public
    answer = client.get("/api/v1/public/list-entries/", {"q": world.company.name}).json()
    row = answer["results"][0]
    assert (row["list_type"], row["valid_until"], row["publication_ends_on"]) == ("red", entry.valid_until.isoformat(), None)


def test_a_case_opened_from_a_red_entry_has_no_severity(world):
    entry = publish_red(world)
    case = JointCase.objects.get(list_entry_id=entry.pk)
    assert (case.kind, case.severity, case.period_end) == ("reward", "", entry.valid_until)


# --- it ends by itself --------------------------------------------------------------------------------


def test_the_red_entry_expires_with_its_validity_and_its_reward_case_is_lifted(world, django_capture_on_commit_callbacks):
    entry = publish_red(world)
    case = JointCase.objects.get(list_entry_id=entry.pk)
    case_services.case_push(case=case, actor=world.user("tax"))
    # The last day of its validity: still on the list.
    assert services.entries_expire_due(today=entry.valid_until) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.entries_expire_due(today=entry.valid_until + datetime.timedelta(days=1)) == 1
    entry.refresh_from_db()
    case.refresh_from_db()
    assert (entry.state, entry.removal_reason) == (EntryState.REMOVED, "expired")
    assert "validity" in events(entry, "entry_removed").get().reason
    assert case.state == CaseState.EXPIRED
    assert set(case.assignments.values_list("state", flat=True)) == {AssignmentState.LIFTING}
    assert Notification.objects.filter(verb="entry_expired", department__code="tax").count() == 1


def test_a_red_entry_past_its_validity_is_not_public(world, client):
    entry = publish_red(world)
    ListEntry.objects.filter(pk=entry.pk).update(valid_until=days_ago(1))
    answer = client.get("/api/v1/public/list-entries/", {"q": world.company.name}).json()
    assert answer["results"] == []


# --- a dishonesty while red-listed -------------------------------------------------------------------


def test_a_black_entry_proposes_the_removal_of_the_red_entry_to_its_department(world, django_capture_on_commit_callbacks):
    red = publish_red(world)
    with django_capture_on_commit_callbacks(execute=True):
        black = world.published()  # the court lists the same company as a judgement defaulter
    red.refresh_from_db()
    assert red.state == EntryState.PUBLISHED and red.removal_proposed_at is not None
    assert black.decision_number in red.removal_proposal_reason
    assert red.removal_pending
    told = Notification.objects.filter(verb="entry_red_removal_proposed")
    assert list(told.values_list("department__code", flat=True)) == ["tax"]
    assert black.decision_number in told.get().body
    event = events(red, "entry_removal_proposed").get()
    assert event.extra["source"] == {"list_entry": black.pk}
    # Another dishonesty does not propose (nor tell) twice.
    with django_capture_on_commit_callbacks(execute=True):
        world.published(decision_number="（2026）甘0702执124号")
    assert told.count() == 1 and events(red, "entry_removal_proposed").count() == 1


@pytest.mark.parametrize(("severity", "proposed"), [("general", False), ("severe", True)])
def test_a_watch_entry_proposes_the_removal_only_when_severe(world, severity, proposed):
    red = publish_red(world)
    world.published(actor="ecology", list_type="watch", severity=severity, domain="environment", decision_number="环罚〔2026〕2号")
    red.refresh_from_db()
    assert (red.removal_proposed_at is not None) == proposed


def test_the_records_app_may_propose_the_removal_for_a_dishonesty_record(world):
    red = publish_red(world)
    marked = services.red_entries_review_for_dishonesty(
        subject=world.company, source_description="行政处罚 · 严重 · 环罚〔2026〕7号", actor=world.user("ecology"),
    )
    assert [e.pk for e in marked] == [red.pk]
    red.refresh_from_db()
    assert red.removal_proposal_reason == "行政处罚 · 严重 · 环罚〔2026〕7号"


def test_the_department_removes_the_red_entry_with_one_click(world, client, django_capture_on_commit_callbacks):
    red = publish_red(world)
    case = JointCase.objects.get(list_entry_id=red.pk)
    case_services.case_push(case=case, actor=world.user("tax"))
    world.published()
    change = f"/admin/lists/listentry/{red.pk}/change/"
    # Another department sees the red entry (it is on the list) but gets no button.
    client.force_login(world.user("court"))
    assert "remove_red" not in client.get(change).content.decode()
    client.post(f"/admin/lists/listentry/{red.pk}/do/remove_red/")  # refused by the service (a message)
    assert ListEntry.objects.get(pk=red.pk).state == EntryState.PUBLISHED
    client.force_login(world.user("tax"))
    listed = client.get("/admin/lists/listentry/", {"removal_proposed": "yes"}).content.decode()
    assert f"/admin/lists/listentry/{red.pk}/change/" in listed
    page = client.get(change).content.decode()
    assert set(re.findall(r'data-action="(remove_red)"', page)) == {"remove_red"}
    assert red.removal_proposal_reason in page
    chinese = client.get(change, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "移出红名单" in chinese and "建议移出的原因" in chinese
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/lists/listentry/{red.pk}/do/remove_red/", follow=True)
    assert response.status_code == 200
    red.refresh_from_db()
    case.refresh_from_db()
    assert (red.state, red.removal_reason) == (EntryState.REMOVED, "revoked")
    assert case.state == CaseState.REVOKED
    assert "remove_red" not in client.get(change).content.decode()
    assert f"/admin/lists/listentry/{red.pk}/change/" not in client.get("/admin/lists/listentry/", {"removal_proposed": "yes"}).content.decode()


def test_the_api_lists_the_proposed_removals(world, api):
    red = publish_red(world)
    tax = api("tax")
    assert tax.get("/api/v1/list-entries/", {"removal_proposed": "true"}).json()["results"] == []
    world.published()
    rows = tax.get("/api/v1/list-entries/", {"removal_proposed": "true"}).json()["results"]
    assert [r["id"] for r in rows] == [red.pk] and rows[0]["removal_proposed_at"]
    answer = tax.post(f"/api/v1/list-entries/{red.pk}/remove/", {"reason": "revoked", "note": rows[0]["removal_proposal_reason"]}, format="json")
    assert answer.status_code == 200 and answer.json()["state"] == "removed"


def test_an_imported_black_entry_proposes_the_removal_too(world, api, django_capture_on_commit_callbacks):
    red = publish_red(world)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(api("court"), csv_bytes([row(DEMO_COMPANY, world.company.name, number="（2026）甘0702执301号")]))
    assert response.status_code == 200, response.content
    red.refresh_from_db()
    assert red.removal_pending and "（2026）甘0702执301号" in red.removal_proposal_reason
    assert Notification.objects.filter(verb="entry_red_removal_proposed", department__code="tax").count() == 1


def test_an_imported_red_row_has_no_severity_and_gets_its_validity(world, api):
    with_severity = row(OTHER_COMPANY, "示范区宏达商贸有限公司", list_type="red", severity="general", domain="tax", number="A-2026-02")
    answer = post(api("tax"), csv_bytes([with_severity]), open_cases="false").json()
    assert answer["created"] == 0 and [(e["row"], e["field"]) for e in answer["errors"]] == [(2, "severity")]
    black_without = row(OTHER_COMPANY, "示范区宏达商贸有限公司", severity="", number="（2026）甘0702执302号")
    answer = post(api("court"), csv_bytes([black_without]), open_cases="false").json()
    assert [(e["row"], e["field"]) for e in answer["errors"]] == [(2, "severity")]


def test_correcting_a_red_entry_moves_its_default_validity_and_refuses_a_severity(world):
    red = publish_red(world)
    office = world.user("credit_office")
    red = services.entry_correct(entry=red, actor=office, corrections={"decided_on": days_ago(30).isoformat()})
    assert (red.valid_until, red.publication_ends_on, red.severity) == (add_months(days_ago(30), 24), None, "")
    with pytest.raises(ValidationError) as refused, transaction.atomic():  # entry_correct runs in its caller's transaction
        services.entry_correct(entry=red, actor=office, corrections={"severity": "general"})
    assert "severity" in refused.value.message_dict
    red = services.entry_correct(entry=red, actor=office, corrections={"valid_until": "2030-06-30"})
    assert red.valid_until == datetime.date(2030, 6, 30)
    # A validity the decision gave stays when the decision date is corrected.
    red = services.entry_correct(entry=red, actor=office, corrections={"decided_on": days_ago(20).isoformat()})
    assert red.valid_until == datetime.date(2030, 6, 30)
