"""The objection admin: the provider's inbox, its decision buttons, evidence files, and filing from the admin."""
import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lists.models import EntryState
from objections import services
from objections.models import Objection, ObjectionState
from sanctions.models import CaseState
from tests.objections.test_objection_services import pushed_entry

INBOX = "/admin/objections/objection/"
PDF = b"%PDF-1.4\n%%EOF\n"


def objection_url(objection, action=""):
    return f"{INBOX}{objection.pk}/" + (f"do/{action}/" if action else "change/")


def buttons_on(page: str) -> set[str]:
    return set(re.findall(r'<(?:button|a) [^>]*data-action="([a-z_]+)"', page))


def listed_ids(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<th class="field-receipt_number"><a href="/admin/objections/objection/(\d+)/change/', page)]


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def held(world):
    return pushed_entry(world)


@pytest.fixture
def objection(world, held):
    entry, _case = held
    return services.objection_file(
        subject=entry.subject, list_entry=entry, grounds="判决已履行", contact="0936-1234567", actor=world.user("finance"),
        files=[SimpleUploadedFile("执行结案通知书.pdf", PDF, "application/pdf")],
    )


def test_only_the_provider_gets_the_buttons(world, client, objection):
    client.force_login(world.user("court"))
    page = client.get(objection_url(objection)).content.decode()
    assert buttons_on(page) == {"accept", "refuse"}
    assert "执行结案通知书.pdf" in page and "History" in page

    client.force_login(world.user("finance"))  # the filer reads it, decides nothing
    response = client.get(objection_url(objection))
    assert response.status_code == 200 and buttons_on(response.content.decode()) == set()
    response = client.post(objection_url(objection, "accept"), follow=True)
    assert any("Only the information provider" in m for m in messages_of(response))
    objection.refresh_from_db()
    assert objection.state == ObjectionState.SUBMITTED


def test_another_department_cannot_open_the_objection(world, client, objection):
    client.force_login(world.user("tax"))

    assert objection.pk not in listed_ids(client.get(INBOX).content.decode())
    assert client.get(objection_url(objection)).status_code in (302, 404)
    assert client.post(objection_url(objection, "accept")).status_code in (302, 404)
    evidence = objection.evidence.get()
    assert client.get(f"{INBOX}{objection.pk}/evidence/{evidence.pk}/").status_code == 404
    objection.refresh_from_db()
    assert objection.state == ObjectionState.SUBMITTED


def test_the_inbox_puts_overdue_objections_first(world, client, held):
    entry, _case = held
    finance = world.user("finance")
    first, second, third = (
        services.objection_file(subject=entry.subject, list_entry=entry, grounds=f"异议{n}", contact="x", actor=finance) for n in range(3)
    )
    Objection.objects.filter(pk=second.pk).update(accept_due=datetime.date(2020, 1, 6))
    client.force_login(world.user("court"))

    page = client.get(INBOX).content.decode()

    assert listed_ids(page)[0] == second.pk and set(listed_ids(page)) == {first.pk, second.pk, third.pk}
    assert listed_ids(client.get(INBOX + "?overdue=yes").content.decode()) == [second.pk]


def test_buttons_accept_extend_and_dismiss(world, client, objection, held):
    entry, case = held
    client.force_login(world.user("court"))

    response = client.post(objection_url(objection, "accept"), follow=True)
    assert any("accepted" in m for m in messages_of(response))
    entry.refresh_from_db()
    assert entry.state == EntryState.SUSPENDED
    assert buttons_on(client.get(objection_url(objection)).content.decode()) == {"extend", "uphold", "dismiss"}

    empty = client.post(objection_url(objection, "extend"), {"reason": ""})
    assert empty.status_code == 200 and "This field is required" in empty.content.decode()
    client.post(objection_url(objection, "extend"), {"reason": "需调取执行卷宗"})
    objection.refresh_from_db()
    assert objection.extended
    assert "extend" not in buttons_on(client.get(objection_url(objection)).content.decode())
    again = client.post(objection_url(objection, "extend"), {"reason": "again"}, follow=True)
    assert again.status_code == 200 and any("not" in m for m in messages_of(again))

    client.post(objection_url(objection, "dismiss"), {"reason": "记录准确"})
    objection.refresh_from_db()
    entry.refresh_from_db()
    case.refresh_from_db()
    assert objection.state == ObjectionState.DISMISSED and entry.state == EntryState.PUBLISHED and case.state == CaseState.EXECUTING


def test_uphold_correct_with_the_correctable_fields(world, client, objection, held):
    entry, _case = held
    client.force_login(world.user("court"))
    client.post(objection_url(objection, "accept"))
    form = client.get(objection_url(objection, "uphold"))
    assert form.status_code == 200 and entry.basis in form.content.decode()  # prefilled with the entry's values

    nothing = client.post(objection_url(objection, "uphold"), {"outcome": "correct", "basis": entry.basis})
    assert nothing.status_code == 200 and "Change at least one field" in nothing.content.decode()
    client.post(objection_url(objection, "uphold"), {
        "outcome": "correct", "reason": "依据引用有误", "basis": "更正后的依据", "decision_number": entry.decision_number,
        "decided_on": entry.decided_on.isoformat(), "severity": entry.severity, "domain": entry.domain,
    })

    objection.refresh_from_db()
    entry.refresh_from_db()
    assert objection.state == ObjectionState.UPHELD and objection.corrections == {"basis": "更正后的依据"}
    assert entry.basis == "更正后的依据" and entry.state == EntryState.PUBLISHED


def test_uphold_revoke_and_refusal_need_no_500(world, client, objection, held):
    entry, case = held
    client.force_login(world.user("court"))
    refused = client.post(objection_url(objection, "uphold"), {"outcome": "revoke"}, follow=True)  # not accepted yet
    assert refused.status_code == 200
    client.post(objection_url(objection, "accept"))

    client.post(objection_url(objection, "uphold"), {"outcome": "revoke", "reason": "被执行人已履行"})

    entry.refresh_from_db()
    case.refresh_from_db()
    assert entry.state == EntryState.REMOVED and case.state == CaseState.REVOKED


def test_the_provider_downloads_the_evidence(world, client, objection):
    evidence = objection.evidence.get()
    client.force_login(world.user("court"))

    response = client.get(f"{INBOX}{objection.pk}/evidence/{evidence.pk}/")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF


def test_a_department_files_an_objection_from_the_admin(world, client, held):
    entry, case = held
    client.force_login(world.user("finance"))
    assert client.get(INBOX + "add/").status_code == 200

    missing = client.post(INBOX + "add/", {"grounds": "x", "contact": "y"})
    assert missing.status_code == 200 and "Name the list entry or the case" in missing.content.decode()
    response = client.post(INBOX + "add/", {
        "list_entry": entry.pk, "case": case.pk, "grounds": "判决已履行", "contact": "财政局",
        "evidence": [SimpleUploadedFile("a.pdf", PDF, "application/pdf")],
    })

    objection = Objection.objects.get()
    assert response.status_code == 302 and response["Location"] == objection_url(objection)
    assert objection.filing_department.code == "finance" and objection.case == case and objection.evidence.count() == 1


def test_the_leadership_office_reads_and_files_nothing(world, client, objection):
    client.force_login(world.user("leadership_office"))

    assert objection.pk in listed_ids(client.get(INBOX).content.decode())
    assert buttons_on(client.get(objection_url(objection)).content.decode()) == set()
    assert client.get(INBOX + "add/").status_code == 403


def test_the_urge_task_points_the_provider_and_the_leadership_to_the_overdue_inbox(world, client, objection, django_capture_on_commit_callbacks):
    from credit_platform.models import Notification
    from objections.tasks import objections_urge_task

    Objection.objects.filter(pk=objection.pk).update(accept_due=datetime.date(2020, 1, 6))
    with django_capture_on_commit_callbacks(execute=True):
        assert objections_urge_task.delay().get() == 1

    urged = Notification.objects.get(verb="objection_overdue")
    assert urged.department.code == "court" and urged.url == objection_url(objection)
    summary = Notification.objects.get(verb="objections_overdue")
    assert summary.department.code == "leadership_office"
    client.force_login(world.user("leadership_office"))
    assert listed_ids(client.get(summary.url).content.decode()) == [objection.pk]


def test_the_filing_form_searches_only_what_the_department_sees(world, client, held):
    entry, case = held
    hidden = world.propose(decision_number="（2026）甘0702执777号", subject=world.subject("91620702MA55TH2835"))
    client.force_login(world.user("finance"))

    def found(field, term):
        response = client.get("/admin/autocomplete/", {"app_label": "objections", "model_name": "objection", "field_name": field, "term": term})
        assert response.status_code == 200
        return {int(row["id"]) for row in response.json()["results"]}

    assert entry.pk in found("list_entry", "金川")
    assert hidden.pk not in found("list_entry", "祁连")
    assert case.pk in found("case", case.number)
