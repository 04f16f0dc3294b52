"""The decision's content (facts, exit conditions, remedies) on the entry, and the notice (告知书) PDF."""
import io
import re

import pytest
from pypdf import PdfReader

from credit_platform.models import AuditEvent
from lists.models import ListEntry
from tests.lists.conftest import CONTENT
from tests.lists.test_api import URL, body
from tests.lists.test_import import csv_bytes, post, row
from tests.factories import make_uscc

ADMIN = "/admin/lists/listentry/"


def text_of(response) -> str:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _flat(text: str) -> str:
    return "".join(text.split())


# --- the decision's content ----------------------------------------------------------------------


@pytest.mark.parametrize("missing", ["facts", "exit_conditions", "remedies"])
def test_a_black_proposal_states_facts_exit_conditions_and_remedies(world, api, missing):
    response = api("court").post(URL, body(world, **{missing: "  "}), format="json")
    assert response.status_code == 400
    assert list(response.json()) == [missing]
    assert not ListEntry.objects.exists()


def test_the_content_is_stored_and_shown(world, api):
    response = api("court").post(URL, body(world), format="json")
    assert response.status_code == 201, response.content
    entry = response.json()
    assert {name: entry[name] for name in CONTENT} == CONTENT


def test_red_and_watch_entries_may_leave_it_out(world):
    empty = {"facts": "", "exit_conditions": "", "remedies": ""}
    red = world.propose(list_type="red", domain="tax", decision_number="A-2026-01", **empty)
    watch = world.propose(list_type="watch", severity="general", domain="tax", decision_number="W-2026-01", **empty)
    assert red.facts == watch.facts == ""


def test_the_admin_form_asks_for_the_content_of_a_black_entry(world, client):
    from tests.lists.test_admin import proposal

    client.force_login(world.user("court"))
    response = client.post(f"{ADMIN}add/", proposal(world, facts=""))
    assert response.status_code == 200
    assert "facts" in response.context["adminform"].form.errors
    response = client.post(f"{ADMIN}add/", proposal(world))
    assert response.status_code == 302
    assert ListEntry.objects.get().exit_conditions == CONTENT["exit_conditions"]


def test_an_import_takes_the_optional_columns_and_does_without_them(world, api):
    header = ["identifier", "name", "kind", "list_type", "severity", "domain", "basis", "decision_number", "decided_on", "失信事实", "移出条件"]
    rows = [
        [*row(make_uscc(72001, "620702"), "示范区有事实有限公司", number="（2026）甘0702执401号"), "拒不履行判决", "履行后移出"],
        [*row(make_uscc(72002, "620702"), "示范区无事实有限公司", number="（2026）甘0702执402号"), "", ""],
    ]
    answer = post(api("court"), csv_bytes(rows, header=header), open_cases="false").json()
    assert answer["created"] == 2 and answer["errors"] == []
    stated = ListEntry.objects.get(decision_number="（2026）甘0702执401号")
    assert (stated.facts, stated.exit_conditions, stated.remedies) == ("拒不履行判决", "履行后移出", "")
    assert ListEntry.objects.get(decision_number="（2026）甘0702执402号").facts == ""


# --- the notice ----------------------------------------------------------------------------------


def test_the_notice_of_a_black_entry_reads_back_in_chinese(world, api):
    entry = world.published()
    response = api("court").get(f"{URL}{entry.pk}/notice/")
    text = _flat(text_of(response))
    assert "信用惩戒告知书" in text
    assert world.company.name in text
    assert _flat(CONTENT["facts"]) in text
    assert _flat(CONTENT["exit_conditions"]) in text
    assert entry.decision_number in text
    assert "限制参加政府采购活动" in text  # a measure of the entry's case
    assert "六十日" in text and "六个月" in text  # reconsideration and litigation deadlines
    assert world.department("court").name in text


def test_the_notice_of_a_red_entry_is_an_incentive_notice(world, api):
    entry = world.published(actor="tax", list_type="red", domain="tax", decision_number="A-2026-07")
    text = _flat(text_of(api("tax").get(f"{URL}{entry.pk}/notice/")))
    assert "信用激励告知书" in text and "信用惩戒告知书" not in text


def test_the_notice_before_publication_tells_of_the_statement_window(world, api):
    entry = world.propose()
    text = _flat(text_of(api("court").get(f"{URL}{entry.pk}/notice/")))
    assert "陈述和申辩" in text
    assert "限制参加政府采购活动" in text  # no case yet: the measures of the memorandum that answers it


@pytest.mark.parametrize(("username", "status"), [(None, 401), ("finance", 404), ("tax", 404), ("court", 200), ("credit_office", 200)])
def test_only_who_sees_the_entry_gets_its_notice(world, api, username, status):
    entry = world.propose()  # proposed: only the court and the supervisors see it
    response = api(username).get(f"{URL}{entry.pk}/notice/")
    assert response.status_code in ({401, 403} if status == 401 else {status})


def test_a_persons_notice_is_a_logged_look_up(world, api):
    person = world.subject("620702197804128519")
    entry = world.published(subject=person)
    text_of(api("finance").get(f"{URL}{entry.pk}/notice/"))  # published: every department reads it
    assert AuditEvent.objects.filter(action="person_record_viewed", object_id=str(person.pk), actor__username="finance").exists()


def test_the_admin_page_has_the_print_button_and_serves_the_pdf(world, client):
    entry = world.published()
    client.force_login(world.user("court"))
    page = client.get(f"{ADMIN}{entry.pk}/change/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    url = f"{ADMIN}{entry.pk}/notice/"
    assert re.search(rf'<a class="button" href="{url}"[^>]*data-document="notice">打印告知书</a>', page)
    assert "信用惩戒告知书" in _flat(text_of(client.get(url)))


def test_the_admin_notice_of_an_entry_another_department_may_not_see_is_404(world, client):
    entry = world.propose()
    client.force_login(world.user("finance"))
    assert client.get(f"{ADMIN}{entry.pk}/notice/").status_code == 404
