"""The repair admin: the deciding department's inbox and buttons, entering an application, and the
lifting progress of the entry's cases, department by department."""
import datetime
import re

import pytest

from credit_platform.rules import add_months
from lists.models import EntryState
from repair import services
from repair.models import RepairApplication, RepairState
from sanctions import services as case_services
from sanctions.models import Assignment, JointCase
from tests.repair.documents import documents, form_files

INBOX = "/admin/repair/repairapplication/"


def months_ago(n: int) -> datetime.date:
    return add_months(datetime.date.today(), -n)


def application_url(application, action=""):
    return f"{INBOX}{application.pk}/" + (f"do/{action}/" if action else "change/")


def buttons_on(page: str) -> set[str]:
    return set(re.findall(r'<(?:button|a) [^>]*data-action="([a-z_]+)"', page))


def listed_ids(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<th class="field-receipt_number"><a href="/admin/repair/repairapplication/(\d+)/change/', page)]


def apply(world, entry, actor="court"):
    return services.repair_apply(
        entry=entry, evidence="已履行", commitment_signed=True, contact="13900000000", actor=world.user(actor), documents=documents(),
    )


@pytest.fixture
def entry(world):
    entry = world.published(severity="severe", decided_on=months_ago(13))
    case_services.case_push(case=JointCase.objects.get(list_entry_id=entry.pk), actor=world.user("court"))
    return entry


def test_the_deciding_department_works_the_application_with_buttons(world, client, entry):
    application = apply(world, entry)
    client.force_login(world.user("court"))
    assert buttons_on(client.get(application_url(application)).content.decode()) == {"accept", "refuse", "extend"}

    client.post(application_url(application, "accept"))
    application.refresh_from_db()
    assert application.state == RepairState.REVIEWING
    assert buttons_on(client.get(application_url(application)).content.decode()) == {"approve", "reject", "extend"}
    client.post(application_url(application, "extend"), {"reason": "需核实履行情况"})
    application.refresh_from_db()
    assert application.extended and "extend" not in buttons_on(client.get(application_url(application)).content.decode())

    response = client.post(application_url(application, "approve"), follow=True)

    assert response.status_code == 200
    application.refresh_from_db()
    entry.refresh_from_db()
    assert application.state == RepairState.APPROVED and entry.state == EntryState.REMOVED


def test_reject_with_false_materials(world, client, entry):
    application = apply(world, entry)
    services.repair_accept(application=application, actor=world.user("court"))
    client.force_login(world.user("court"))

    empty = client.post(application_url(application, "reject"), {"reason": ""})
    assert empty.status_code == 200 and "This field is required" in empty.content.decode()
    client.post(application_url(application, "reject"), {"reason": "履行证明系伪造", "false_materials": "on"})

    application.refresh_from_db()
    assert application.state == RepairState.REJECTED and application.false_materials


def test_other_departments_see_nothing_and_readers_get_no_buttons(world, client, entry):
    application = apply(world, entry)

    client.force_login(world.user("finance"))
    assert application.pk not in listed_ids(client.get(INBOX).content.decode())
    assert client.get(application_url(application)).status_code in (302, 404)
    assert client.post(application_url(application, "accept")).status_code in (302, 404)

    client.force_login(world.user("leadership_office"))
    assert application.pk in listed_ids(client.get(INBOX).content.decode())
    assert buttons_on(client.get(application_url(application)).content.decode()) == set()
    assert client.get(INBOX + "add/").status_code == 403
    application.refresh_from_db()
    assert application.state == RepairState.SUBMITTED


def test_the_inbox_puts_overdue_applications_first(world, client, entry):
    first = apply(world, entry)
    other = world.published(severity="general", decided_on=months_ago(5), decision_number="（2026）甘0702执8号")
    second = apply(world, other)
    RepairApplication.objects.filter(pk=first.pk).update(answer_due=datetime.date(2020, 1, 6))
    client.force_login(world.user("court"))

    assert listed_ids(client.get(INBOX).content.decode()) == [first.pk, second.pk]
    assert listed_ids(client.get(INBOX + "?overdue=yes").content.decode()) == [first.pk]


def test_entering_an_ineligible_application_shows_the_reasons_and_the_date(world, client):
    early = world.published(severity="severe", decided_on=months_ago(8))
    client.force_login(world.user("court"))

    response = client.post(INBOX + "add/", {"list_entry": early.pk, "contact": "13900000000", "evidence": "已履行",
                                            "commitment_signed": "on", **form_files()})

    page = response.content.decode()
    assert response.status_code == 200
    assert "12 months" in page and early.repair_possible_from.isoformat() in page
    assert not RepairApplication.objects.exists()


def test_entering_an_application_from_the_admin(world, client, entry):
    client.force_login(world.user("court"))

    response = client.post(INBOX + "add/", {"list_entry": entry.pk, "contact": "13900000000", "evidence": "已履行",
                                            "commitment_signed": "on", **form_files()})

    application = RepairApplication.objects.get()
    assert response.status_code == 302 and response["Location"] == application_url(application)
    assert application.channel == RepairApplication.Channel.DEPARTMENT and application.filing_department.code == "court"
    assert sorted(application.documents.values_list("kind", flat=True)) == ["commitment", "proof", "training"]


def test_entering_a_ticked_commitment_without_its_documents_is_refused_on_the_form(world, client):
    new = world.published(severity="severe", decided_on=datetime.date(2026, 4, 15))  # order 36: training asked for
    client.force_login(world.user("court"))
    fields = {"list_entry": new.pk, "contact": "13900000000", "evidence": "已履行", "commitment_signed": "on"}

    ticked_only = client.post(INBOX + "add/", fields)
    without_training = client.post(INBOX + "add/", {**fields, **form_files(("proof", "commitment"))})

    assert ticked_only.status_code == 200
    errors = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', ticked_only.content.decode(), re.S)
    assert len([e for e in errors if "This field is required" in e]) == 2  # the proof and the commitment inputs
    assert without_training.status_code == 200 and "“training”" in without_training.content.decode()
    assert not RepairApplication.objects.exists()


def test_the_page_shows_the_lifting_of_each_department(world, client, entry):
    application = apply(world, entry)
    services.repair_accept(application=application, actor=world.user("court"))
    services.repair_approve(application=application, actor=world.user("court"))
    pushes = list(Assignment.objects.filter(case__list_entry_id=entry.pk).select_related("department").order_by("department__code"))
    confirmed, late = pushes[0], pushes[1]
    case_services.assignment_confirm_lift(assignment=confirmed, actor=world.user(confirmed.department.code))
    Assignment.objects.filter(pk=late.pk).update(lift_due=datetime.date(2020, 1, 6))
    client.force_login(world.user("court"))

    page = client.get(application_url(application)).content.decode()

    rows = re.findall(r'<tr class="lifting-row lifting-([a-z_]+)[^"]*" data-department="[a-z_]+" data-assignment="(\d+)"', page)
    status = {int(pk): state for state, pk in rows}
    assert status[confirmed.pk] == "lifted"
    assert status[late.pk] == "late"
    assert set(status) == {p.pk for p in pushes}
    assert set(status.values()) == {"lifted", "late", "lifting"}


def test_the_urge_task_points_to_the_overdue_inbox(world, client, entry, django_capture_on_commit_callbacks):
    from credit_platform.models import Notification
    from repair.tasks import repairs_urge_task

    application = apply(world, entry)
    RepairApplication.objects.filter(pk=application.pk).update(answer_due=datetime.date(2020, 1, 6))
    with django_capture_on_commit_callbacks(execute=True):
        assert repairs_urge_task.delay().get() == 1

    assert Notification.objects.get(verb="repair_overdue").department.code == "court"
    summary = Notification.objects.get(verb="repairs_overdue")
    client.force_login(world.user("leadership_office"))
    assert listed_ids(client.get(summary.url).content.decode()) == [application.pk]


def test_documents_are_listed_and_downloaded_only_by_those_who_see_the_application(world, client, entry, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    pdf = b"%PDF-1.4\n%%EOF\n"
    application = services.repair_apply(
        entry=entry, evidence="已履行", commitment_signed=True, contact="13900000000", actor=world.user("court"),
        documents=[("proof", SimpleUploadedFile("结案.pdf", pdf + b"proof", "application/pdf")),
                   ("commitment", SimpleUploadedFile("承诺书.pdf", pdf, "application/pdf"))],
    )
    client.force_login(world.user("court"))
    page = client.get(application_url(application)).content.decode().replace("'", '"')

    for document, content in zip(application.documents.order_by("pk"), [pdf + b"proof", pdf], strict=True):
        download = f"{INBOX}{application.pk}/documents/{document.pk}/"
        client.force_login(world.user("court"))
        response = client.get(download)
        client.force_login(world.user("trading"))
        stranger = client.get(download)
        assert f'href="{download}"' in page and document.original_name in page and document.get_kind_display() in page
        assert response.status_code == 200 and b"".join(response.streaming_content) == content
        assert stranger.status_code == 404
