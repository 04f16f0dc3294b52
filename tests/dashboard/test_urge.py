"""Urging (督办): the leadership office (and the credit office) urges an overdue item; nobody else can."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from credit_platform.models import AuditEvent, Notification
from objections import services as objection_services
from sanctions.models import Assignment
from supervision import selectors, services
from supervision.models import Urge
from tests.dashboard.conftest import on_day
from tests.repair.documents import documents

FRIDAY = datetime.date(2026, 11, 13)
MONDAY = datetime.date(2026, 11, 16)
TUESDAY = datetime.date(2026, 11, 17)
WEDNESDAY = datetime.date(2026, 11, 18)


@pytest.fixture
def overdue(world):
    """Finance's push of a case pushed on Friday, not signed for by Monday: overdue on Tuesday."""
    with on_day(FRIDAY):
        case = world.pushed_case()
    return Assignment.objects.get(case=case, department__code="finance", target=case.subject)


def test_leader_urges_an_overdue_push(world, overdue, django_capture_on_commit_callbacks):
    # when
    with on_day(TUESDAY), django_capture_on_commit_callbacks(execute=True):
        urge = services.urge_send(actor=world.user("leader"), kind="assignment", item_id=overdue.pk, note="请今日办结")

    # then the count, the row, the notification and the audit event
    overdue.refresh_from_db()
    assert overdue.urge_count == 1
    assert (urge.kind, urge.assignment_id, urge.department.code, urge.urged_on, urge.urged_by.username) == (
        "assignment", overdue.pk, "finance", TUESDAY, "leader")
    notification = Notification.objects.get(verb="urged")
    assert notification.department.code == "finance"
    assert notification.url == f"/admin/sanctions/assignment/{overdue.pk}/change/"
    event = AuditEvent.objects.filter(stream=f"sanctions.assignment:{overdue.pk}").order_by("-seq").first()
    assert (event.action, event.actor.username, event.reason, event.extra["urge_count"]) == ("assignment_urged", "leader", "请今日办结", 1)
    # and the scorecard counts it
    scope = selectors.scope_for(user=world.user("leader"), filters=selectors.Filters(department="finance"), today=TUESDAY)
    assert selectors.scorecard(scope)["rows"][0]["times_urged"] == 1


def test_one_urge_per_item_per_day(world, overdue):
    with on_day(TUESDAY):
        services.urge_send(actor=world.user("leader"), kind="assignment", item_id=overdue.pk)
        with pytest.raises(ValidationError):
            services.urge_send(actor=world.user("admin"), kind="assignment", item_id=overdue.pk)
    with on_day(WEDNESDAY):
        services.urge_send(actor=world.user("credit_office"), kind="assignment", item_id=overdue.pk)

    overdue.refresh_from_db()
    assert overdue.urge_count == 2 == Urge.objects.filter(assignment=overdue).count()


def test_work_that_is_not_overdue_cannot_be_urged(world, overdue):
    with on_day(MONDAY), pytest.raises(ValidationError):
        services.urge_send(actor=world.user("leader"), kind="assignment", item_id=overdue.pk)

    overdue.refresh_from_db()
    assert overdue.urge_count == 0
    assert not Urge.objects.exists()


@pytest.mark.parametrize("username", ["finance", "court", "trading", "market"])
def test_only_supervisors_urge(world, overdue, username):
    with on_day(TUESDAY), pytest.raises(PermissionDenied):
        services.urge_send(actor=world.user(username), kind="assignment", item_id=overdue.pk)

    assert not Urge.objects.exists()
    overdue.refresh_from_db()
    assert overdue.urge_count == 0


def test_urge_button_posts_for_the_leader(world, overdue, client):
    client.force_login(world.user("leader"))
    back = "/dashboard/list/?kind=assignments&figure=overdue_now"

    with on_day(TUESDAY):
        page = client.get(back)
        response = client.post("/dashboard/urge/", {"kind": "assignment", "item": overdue.pk, "note": "", "next": back})

    assert 'action="/dashboard/urge/"' in page.content.decode()
    assert response.status_code == 302 and response["Location"] == back
    assert Urge.objects.filter(assignment=overdue).count() == 1


@pytest.mark.parametrize("username", ["finance", "court"])
def test_urge_page_refuses_departments(world, overdue, client, username):
    client.force_login(world.user(username))

    with on_day(TUESDAY):
        page = client.get("/dashboard/list/?kind=assignments&figure=overdue_now")
        response = client.post("/dashboard/urge/", {"kind": "assignment", "item": overdue.pk})

    assert 'action="/dashboard/urge/"' not in page.content.decode()
    assert response.status_code == 403
    assert not Urge.objects.exists()


def test_urge_api(world, overdue, client):
    client.force_login(world.user("leader"))

    with on_day(TUESDAY):
        response = client.post("/api/v1/dashboard/urges/", {"kind": "assignment", "item": overdue.pk, "note": "催办"}, content_type="application/json")

    assert response.status_code == 201
    assert response.json() == {"id": Urge.objects.get().pk, "kind": "assignment", "item": overdue.pk, "department": "finance",
                               "urged_on": "2026-11-17", "note": "催办"}


@pytest.mark.parametrize("username, status", [("finance", 403), ("court", 403), (None, 401)])
def test_urge_api_actor_matrix(world, overdue, client, username, status):
    if username:
        client.force_login(world.user(username))

    with on_day(TUESDAY):
        response = client.post("/api/v1/dashboard/urges/", {"kind": "assignment", "item": overdue.pk}, content_type="application/json")

    assert response.status_code == status
    assert not Urge.objects.exists()


def test_urge_api_unknown_item_is_404_and_not_overdue_is_400(world, overdue, client):
    client.force_login(world.user("leader"))

    with on_day(MONDAY):
        missing = client.post("/api/v1/dashboard/urges/", {"kind": "assignment", "item": 10**9}, content_type="application/json")
        early = client.post("/api/v1/dashboard/urges/", {"kind": "assignment", "item": overdue.pk}, content_type="application/json")

    assert missing.status_code == 404
    assert early.status_code == 400


def test_leader_urges_an_overdue_objection(world, django_capture_on_commit_callbacks):
    with on_day(FRIDAY):
        case = world.pushed_case()
        objection = objection_services.objection_file(
            subject=case.subject, case=case, grounds="已履行", contact="0936-1234567", channel="public",
        )
    # Accept or refuse within 1 working day (Monday): overdue on Tuesday.
    with on_day(TUESDAY), django_capture_on_commit_callbacks(execute=True):
        urge = services.urge_send(actor=world.user("leader"), kind="objection", item_id=objection.pk)

    assert (urge.kind, urge.objection_id, urge.department.code) == ("objection", objection.pk, "court")
    assert Notification.objects.get(verb="urged").department.code == "court"
    assert AuditEvent.objects.filter(stream=f"objections.objection:{objection.pk}", action="objection_urged").exists()
    scope = selectors.scope_for(user=world.user("leader"), today=TUESDAY)
    assert selectors.objections_and_repairs(scope)["objections"]["totals"]["times_urged"] == 1


def test_leader_urges_an_overdue_repair(world):
    from lists import services as list_services
    from repair import services as repair_services

    court = world.user("court")
    decided = datetime.date(2026, 7, 1)
    with on_day(datetime.date(2026, 7, 2)):
        entry = list_services.entry_propose(actor=court, subject=world.company, list_type="black", severity="general", domain="judicial",
                                            basis="民事诉讼法", decision_number="（2026）甘0702执77号", decided_on=decided,
                                            facts="拒不履行判决", exit_conditions="履行判决义务", remedies="可申请复议或诉讼")
        list_services.entry_notify(entry=entry, actor=court, method="直接送达", notified_on=datetime.date(2026, 7, 2))
        list_services.entry_record_statement(entry=entry, actor=court, text="", waived=True)
        list_services.entry_publish(entry=entry, actor=court)
    entry.refresh_from_db()
    with on_day(datetime.date(2026, 11, 2)):
        application = repair_services.repair_apply(entry=entry, evidence="已履行", commitment_signed=True, contact="0936-1234567",
                                                   documents=documents(), channel="public")
    # The platform answers within 10 working days (by the 16th): overdue on the 17th.
    with on_day(TUESDAY):
        urge = services.urge_send(actor=world.user("leader"), kind="repair", item_id=application.pk)

    assert (urge.kind, urge.repair_id, urge.department.code) == ("repair", application.pk, "court")
    with on_day(MONDAY), pytest.raises(ValidationError):
        services.urge_send(actor=world.user("leader"), kind="repair", item_id=application.pk)
