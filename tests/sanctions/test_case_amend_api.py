"""Amending a live case over the API (issue 17 item 1): measures added are pushed at once, measures
withdrawn are lifted (per measure, confirmed by their department), the dashboard counts the new push."""
import datetime

import pytest
from django.test import Client

from credit_platform import calendar
from credit_platform.models import AuditEvent, Department, Notification, WebhookDelivery
from sanctions import services
from sanctions.models import Assignment, CaseState, MeasureLifting
from supervision import tallies
from tests.sanctions.test_api_support import API, api, feedback_items, measure_id  # noqa: F401 (fixture)

CASE_MEASURES = ["P-FIN-01", "P-CRD-01", "P-CRD-02", "P-GOV-01"]
CLEAN = {tallies.ASSIGNMENT_TALLY: 0, tallies.CASE_TALLY: 0, tallies.OPEN_WORK_TALLY: 0}


def _measures(*codes):
    return [measure_id(code) for code in codes]


@pytest.fixture
def live_case(world, api):
    """A court case pushed to finance, the credit office and the government service centre, every push fed back."""
    case = world.pushed_case(measures=[m for m in world.memorandum("judgement-defaulters").measures.filter(code__in=CASE_MEASURES)])
    for department in ("finance", "credit_office", "gov_service"):
        client = api(department)
        for push in client.get(f"{API}/assignments/", {"case": case.pk, "department": department}).json()["results"]:
            assert client.post(f"{API}/assignments/{push['id']}/acknowledge/").status_code == 200
            fed = client.post(f"{API}/assignments/{push['id']}/feedback/", {"items": feedback_items(push)}, format="json")
            assert fed.status_code == 200, fed.json()
    case.refresh_from_db()
    assert case.state == CaseState.FEEDBACK_COMPLETE
    return case


def _inbox(client, case, department):
    return client.get(f"{API}/assignments/", {"case": case.pk, "department": department}).json()["results"]


def _task(client, code):
    return next(task for task in client.get(f"{API}/workbench/").json()["tasks"] if task["code"] == code)


def _department_row(client, code):
    rows = client.get(f"{API}/dashboard/summary/").json()["departments"]
    return next((row for row in rows if row["code"] == code), {"received": 0, "lifts_unconfirmed": 0})


def test_one_measure_added_and_one_withdrawn_reach_both_inboxes_and_the_dashboard(world, api, live_case, django_capture_on_commit_callbacks):
    court, leader = api("court"), api("leader")
    trading_before = _department_row(leader, "trading")["received"]

    with django_capture_on_commit_callbacks(execute=True):
        answer = court.post(
            f"{API}/cases/{live_case.pk}/amend/",
            {"add_measures": _measures("P-TRD-01"), "withdraw_measures": _measures("P-CRD-02"), "reason": "补充招投标限制；债券审核不再适用"},
            format="json",
        )

    assert answer.status_code == 200, answer.json()
    case = answer.json()
    assert case["state"] == CaseState.EXECUTING  # it gained a push to work on
    assert "P-TRD-01" in case["measures"] and "P-CRD-02" not in case["measures"]
    assert "amend" in case["allowed_transitions"]
    (amendment,) = case["amendments"]
    assert amendment["added"] == ["P-TRD-01"] and amendment["withdrawn"] == ["P-CRD-02"]
    assert amendment["reason"] == "补充招投标限制；债券审核不再适用" and amendment["actor"] == "court"

    # the trading centre finds the new push in its inbox, pending, with its own deadlines
    trading = api("trading")
    (push,) = _inbox(trading, live_case, "trading")
    assert push["state"] == "pending" and push["amendment"] == amendment["id"]
    assert [m["code"] for m in push["measures"]] == ["P-TRD-01"]
    assert push["sign_for_due"] and push["feedback_due"] >= push["sign_for_due"]
    assert Notification.objects.filter(department__code="trading", verb="assignment_pushed").count() == 1

    # the credit office's push goes on with its other measure and asks it to confirm the withdrawn one lifted
    office = api("credit_office")
    (own,) = _inbox(office, live_case, "credit_office")
    assert own["state"] == "fed_back"
    assert [m["code"] for m in own["measures"]] == ["P-CRD-01"]
    (lifting,) = own["measure_liftings"]
    assert lifting["measure"]["code"] == "P-CRD-02" and lifting["confirmed_at"] is None and lifting["due"]
    assert Notification.objects.filter(department__code="credit_office", verb="measure_withdrawn").count() == 1
    # the other departments' pushes are untouched
    assert {a["state"] for a in _inbox(api("finance"), live_case, "finance")} == {"fed_back"}

    # 待确认解除 counts the push whose withdrawn measure awaits confirmation, and its link lists it
    task = _task(office, "confirm_lift")
    assert task["count"] == 1 and task["overdue"] == 0
    clerk = Client()
    clerk.force_login(world.user("credit_office"))
    listed = clerk.get(task["url"])
    assert listed.status_code == 200 and live_case.number in listed.content.decode()

    confirmed = office.post(f"{API}/assignments/{own['id']}/confirm_measure_lift/", {"measure": measure_id("P-CRD-02")}, format="json")
    assert confirmed.status_code == 200, confirmed.json()
    assert _task(office, "confirm_lift")["count"] == 0
    assert confirmed.json()["measure_liftings"][0]["confirmed_at"] and confirmed.json()["measure_liftings"][0]["confirmed_on_time"]
    again = office.post(f"{API}/assignments/{own['id']}/confirm_measure_lift/", {"measure": measure_id("P-CRD-02")}, format="json")
    assert again.status_code == 409

    # the dashboard counts the new push at once, and its tallies equal the tables
    assert _department_row(leader, "trading")["received"] == trading_before + 1
    assert tallies.verify() == CLEAN

    # the new push worked to the end completes the case again
    assert trading.post(f"{API}/assignments/{push['id']}/acknowledge/").status_code == 200
    assert trading.post(f"{API}/assignments/{push['id']}/feedback/", {"items": feedback_items(push)}, format="json").status_code == 200
    assert court.get(f"{API}/cases/{live_case.pk}/").json()["state"] == CaseState.FEEDBACK_COMPLETE

    stream = f"sanctions.jointcase:{live_case.pk}"
    assert AuditEvent.objects.filter(stream=stream, action="case_amended").count() == 1
    assert AuditEvent.objects.filter(stream=f"sanctions.assignment:{own['id']}", action__in=["measure_withdrawn", "measure_lift_confirmed"]).count() == 2


def test_withdrawing_a_departments_only_measure_lifts_its_push_as_a_case_end_does(world, api, live_case):
    court, finance, leader = api("court"), api("finance"), api("leader")

    answer = court.post(
        f"{API}/cases/{live_case.pk}/amend/", {"withdraw_measures": _measures("P-FIN-01"), "reason": "采购限制撤回"}, format="json",
    )

    assert answer.status_code == 200, answer.json()
    assert answer.json()["state"] == CaseState.FEEDBACK_COMPLETE  # nothing new to work on
    (push,) = _inbox(finance, live_case, "finance")
    assert push["state"] == "lifting" and push["lift_due"] and push["measure_liftings"] == []
    assert _task(finance, "confirm_lift")["count"] == 1  # 待确认解除 on its workbench

    confirmed = finance.post(f"{API}/assignments/{push['id']}/confirm_lift/")
    assert confirmed.status_code == 200 and confirmed.json()["state"] == "lifted"
    assert _task(finance, "confirm_lift")["count"] == 0
    assert _department_row(leader, "finance")["received"] >= 1
    assert tallies.verify() == CLEAN


def test_adding_a_measure_of_a_department_that_has_a_push_gives_it_a_second_push_with_its_own_deadlines(world, api):
    case = world.pushed_case(measures=list(world.memorandum("judgement-defaulters").measures.filter(code="P-CRD-01")))

    answer = api("court").post(
        f"{API}/cases/{case.pk}/amend/", {"add_measures": _measures("P-CRD-02"), "reason": "补充"}, format="json",
    )

    assert answer.status_code == 200, answer.json()
    assert answer.json()["state"] == CaseState.PUSHED
    pushes = _inbox(api("credit_office"), case, "credit_office")
    assert sorted((a["state"], [m["code"] for m in a["measures"]][0]) for a in pushes) == [("pending", "P-CRD-01"), ("pending", "P-CRD-02")]


def test_the_credit_office_may_amend_any_live_case(world, api, live_case):
    answer = api("credit_office").post(
        f"{API}/cases/{live_case.pk}/amend/", {"add_measures": _measures("P-TRD-01"), "reason": "信用办补充"}, format="json",
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["amendments"][0]["actor"] == "credit_office"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"add_measures": ["P-TAX-01"], "reason": "x"}, "add_measures"),  # not of the memorandum
        ({"add_measures": ["P-FIN-01"], "reason": "x"}, "add_measures"),  # already on the case
        ({"withdraw_measures": ["P-TRD-01"], "reason": "x"}, "withdraw_measures"),  # not on the case
        ({"add_measures": ["P-TRD-01"], "withdraw_measures": ["P-TRD-01"], "reason": "x"}, "withdraw_measures"),
        ({"withdraw_measures": CASE_MEASURES, "reason": "x"}, "withdraw_measures"),  # nothing left: revoke instead
        ({"add_measures": [], "withdraw_measures": [], "reason": "x"}, "add_measures"),
        ({"reason": "x"}, "add_measures"),
        ({"add_measures": ["P-TRD-01"]}, "reason"),
        ({"add_measures": ["P-TRD-01"], "reason": "  "}, "reason"),
        ({"add_measures": [999999], "reason": "x"}, "add_measures"),  # unknown id
    ],
)
def test_a_wrong_amendment_is_a_400_by_field_and_changes_nothing(world, api, live_case, body, field):
    body = {key: [measure_id(v) if isinstance(v, str) else v for v in value] if isinstance(value, list) else value for key, value in body.items()}
    pushes, measures = Assignment.objects.count(), sorted(live_case.measures.values_list("code", flat=True))

    answer = api("court").post(f"{API}/cases/{live_case.pk}/amend/", body, format="json")

    assert answer.status_code == 400, answer.json()
    assert field in answer.json()
    assert Assignment.objects.count() == pushes
    assert sorted(live_case.measures.values_list("code", flat=True)) == measures
    assert not MeasureLifting.objects.exists()
    assert not live_case.amendments.exists()


@pytest.mark.parametrize("username", ["finance", "leader"])
def test_who_sees_the_case_but_does_not_manage_it_gets_403(world, api, live_case, username):
    answer = api(username).post(f"{API}/cases/{live_case.pk}/amend/", {"add_measures": _measures("P-TRD-01"), "reason": "x"}, format="json")
    assert answer.status_code == 403
    assert not live_case.amendments.exists()


@pytest.mark.parametrize("username", ["tax", "trading", "market"])
def test_another_department_gets_404(world, api, live_case, username):
    answer = api(username).post(f"{API}/cases/{live_case.pk}/amend/", {"add_measures": _measures("P-TRD-01"), "reason": "x"}, format="json")
    assert answer.status_code == 404
    assert api(None).post(f"{API}/cases/{live_case.pk}/amend/", {}, format="json").status_code == 401


def test_another_department_cannot_confirm_a_withdrawn_measures_lifting(world, api, live_case):
    services.case_amend(case=live_case, actor=world.user("court"), add_measures=[], withdraw_measures=list(live_case.measures.filter(code="P-CRD-02")), reason="x")
    push = Assignment.objects.get(case=live_case, department__code="credit_office")
    body = {"measure": measure_id("P-CRD-02")}

    assert api("finance").post(f"{API}/assignments/{push.pk}/confirm_measure_lift/", body, format="json").status_code == 404
    assert api("court").post(f"{API}/assignments/{push.pk}/confirm_measure_lift/", body, format="json").status_code == 403
    wrong = api("credit_office").post(f"{API}/assignments/{push.pk}/confirm_measure_lift/", {"measure": measure_id("P-CRD-01")}, format="json")
    assert wrong.status_code == 400 and "measure" in wrong.json()
    assert MeasureLifting.objects.get().confirmed_at is None


def test_a_case_not_live_is_a_409(world, api):
    court = api("court")
    initiated = world.defaulter_case()
    services.case_initiate(case=initiated, actor=world.user("court"))
    revoked = world.pushed_case()
    services.case_revoke(case=revoked, actor=world.user("court"), reason="错误")
    held = world.pushed_case()
    services.case_suspend(case=held, actor=world.user("court"), reason="异议核查")

    for case in (initiated, revoked, held):
        answer = court.post(f"{API}/cases/{case.pk}/amend/", {"add_measures": _measures("P-TRD-01"), "reason": "x"}, format="json")
        assert answer.status_code == 409, answer.json()
        assert answer.json()["state"] == case.__class__.objects.get(pk=case.pk).state
        assert "amend" not in answer.json()["allowed"]
        assert not case.amendments.exists()


def test_the_departments_webhooks_are_told_as_for_a_push(world, api, live_case):
    Department.objects.filter(code__in=["trading", "credit_office"]).update(webhook_url="https://hooks.example.test/credit")

    answer = api("court").post(
        f"{API}/cases/{live_case.pk}/amend/",
        {"add_measures": _measures("P-TRD-01"), "withdraw_measures": _measures("P-CRD-02"), "reason": "补充"}, format="json",
    )

    assert answer.status_code == 200
    sent = sorted(WebhookDelivery.objects.values_list("department__code", "event"))
    assert sent == [("credit_office", "measure_withdrawn"), ("trading", "assignment_pushed")]
    assert all(p["url"].startswith("/admin/sanctions/assignment/") for p in WebhookDelivery.objects.values_list("payload", flat=True))


def test_a_withdrawn_measures_provisional_confirm_by_date_is_recomputed_with_the_official_calendar(world, live_case, django_capture_on_commit_callbacks):
    services.case_amend(case=live_case, actor=world.user("court"), add_measures=[], withdraw_measures=list(live_case.measures.filter(code="P-CRD-02")), reason="x")
    lifting = MeasureLifting.objects.get()
    # Notified just before a year no calendar knows yet (2027): the date is provisional.
    MeasureLifting.objects.filter(pk=lifting.pk).update(opened_on=datetime.date(2027, 2, 5), due=datetime.date(2027, 2, 12), due_provisional=True)
    days = [(datetime.date(2027, 2, 6) + datetime.timedelta(days=i), False, "春节") for i in range(7)]

    with django_capture_on_commit_callbacks(execute=True):
        calendar.calendar_publish_year(year=2027, source="test", days=days, actor=world.user("admin"))

    lifting.refresh_from_db()
    assert not lifting.due_provisional
    assert lifting.due == calendar.add_working_days(datetime.date(2027, 2, 5), live_case.rule_set.lift_confirm_days).date
    assert lifting.due > datetime.date(2027, 2, 12)  # the holidays pushed it on
    assert AuditEvent.objects.filter(stream=f"sanctions.assignment:{lifting.assignment_id}", action="assignment_due_dates_recomputed").exists()


def test_a_returned_push_is_reassigned_with_the_measures_still_on_the_case(world, api):
    case = world.pushed_case(measures=list(world.memorandum("judgement-defaulters").measures.filter(code__in=["P-FIN-01", "P-CRD-01"])))
    returned = Assignment.objects.get(case=case, department__code="finance")
    services.assignment_return(assignment=returned, actor=world.user("finance"), reason="非本部门职责")
    services.case_amend(case=case, actor=world.user("court"), add_measures=[], withdraw_measures=list(case.measures.filter(code="P-FIN-01")), reason="撤回")

    answer = api("court").post(f"{API}/assignments/{returned.pk}/reassign/", {"department": "trading"}, format="json")

    assert answer.status_code == 400 and "department" in answer.json()
    assert not Assignment.objects.filter(case=case, department__code="trading").exists()
