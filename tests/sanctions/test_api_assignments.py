"""Assignments over the API: feedback input, later records, return and reassignment, lifting,
the list with its filters (overdue included) and its query count."""
import datetime

import pytest
from django.utils import timezone

from sanctions import services
from sanctions.models import Assignment, AssignmentState, CaseState, MeasureFeedback
from tests.sanctions.test_api_support import API, OTHER_COMPANIES, REPRESENTATIVE, api, count_queries, measure_id  # noqa: F401 (fixture)


@pytest.fixture
def case(world):
    return world.pushed_case()


@pytest.fixture
def credit_push(case):
    """The credit office's push of the case: two measures (P-CRD-01, P-CRD-02)."""
    return case.assignments.get(department__code="credit_office", target=case.subject)


def url(assignment, action=""):
    return f"{API}/assignments/{assignment.pk}/" + (f"{action}/" if action else "")


def signed_for(api, assignment, username):
    response = api(username).post(url(assignment, "acknowledge"))
    assert response.status_code == 200, response.json()
    return response.json()


def all_items(assignment, **fields):
    return [{"measure": m.pk, "outcome": "applied", **fields} for m in assignment.measures.order_by("code")]


# --- feedback input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("items", "fragment"),
    [
        (None, "required"),
        ([], "may not be empty"),
        ([{"measure": 999999, "outcome": "applied"}], "does not exist"),
        ([{"measure": "P-CRD-01", "outcome": "applied"}], "Incorrect type"),
        ([{"outcome": "applied"}], "required"),
        ([{"measure": "CRD1", "outcome": "bitten"}], "not a valid choice"),
    ],
)
def test_malformed_feedback_is_400_naming_items(world, api, credit_push, items, fragment):
    signed_for(api, credit_push, "credit_office")
    for item in items or []:
        if item.get("measure") == "CRD1":
            item["measure"] = measure_id("P-CRD-01")
    body = {} if items is None else {"items": items}

    response = api("credit_office").post(url(credit_push, "feedback"), body, format="json")

    assert response.status_code == 400
    assert fragment in str(response.json()["items"]), response.json()
    credit_push.refresh_from_db()
    assert credit_push.state == AssignmentState.ACKNOWLEDGED
    assert not MeasureFeedback.objects.exists()


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (lambda items: items[:1], "missing: P-CRD-02"),
        (lambda items: [{**items[0], "outcome": "failed"}, items[1]], "give the reason"),
        (lambda items: [{**items[0], "outcome": "not_applicable", "note": "  "}, items[1]], "give the reason"),
        (lambda items: [*items, {"measure": measure_id("P-FIN-01"), "outcome": "applied"}], "not part of this assignment"),
        (lambda items: [items[0], items[0]], "answered twice"),
        (lambda items: [{**items[0], "occurred_on": str(timezone.localdate() + datetime.timedelta(days=2))}, items[1]], "future"),
    ],
)
def test_feedback_the_service_refuses_is_400_naming_items(world, api, credit_push, change, fragment):
    signed_for(api, credit_push, "credit_office")

    response = api("credit_office").post(url(credit_push, "feedback"), {"items": change(all_items(credit_push))}, format="json")

    assert response.status_code == 400
    assert fragment in " ".join(response.json()["items"]), response.json()
    credit_push.refresh_from_db()
    assert credit_push.state == AssignmentState.ACKNOWLEDGED
    assert not MeasureFeedback.objects.exists()


def test_failed_and_not_applicable_with_reasons_are_accepted_with_their_details(world, api, credit_push):
    signed_for(api, credit_push, "credit_office")
    crd1, crd2 = credit_push.measures.order_by("code")
    items = [
        {"measure": crd1.pk, "outcome": "failed", "note": "系统故障，未能拦截", "occurred_on": "2026-11-20", "business_reference": "CZ-1"},
        {"measure": crd2.pk, "outcome": "not_applicable", "note": "无在审项目"},
    ]

    response = api("credit_office").post(url(credit_push, "feedback"), {"items": items}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["state"] == AssignmentState.FED_BACK
    records = {r.measure.code: r for r in MeasureFeedback.objects.select_related("measure")}
    assert records["P-CRD-01"].outcome == "failed"
    assert records["P-CRD-01"].occurred_on == datetime.date(2026, 11, 20)
    assert records["P-CRD-01"].business_reference == "CZ-1"
    assert records["P-CRD-02"].occurred_on == timezone.localdate()


def test_feedback_on_a_pending_push_is_409(world, api, credit_push):
    response = api("credit_office").post(url(credit_push, "feedback"), {"items": all_items(credit_push)}, format="json")

    assert response.status_code == 409
    assert response.json()["state"] == AssignmentState.PENDING
    assert "acknowledge" in response.json()["allowed"]
    assert not MeasureFeedback.objects.exists()


def test_feedback_after_fed_back_is_a_later_record(world, api, credit_push):
    client = api("credit_office")
    signed_for(api, credit_push, "credit_office")
    client.post(url(credit_push, "feedback"), {"items": all_items(credit_push)}, format="json")
    crd1 = credit_push.measures.order_by("code").first()

    later = client.post(
        url(credit_push, "feedback"),
        {"items": [{"measure": crd1.pk, "outcome": "applied", "note": "申请财政资金被拒", "business_reference": "ZJ-2026-9"}]},
        format="json",
    )

    assert later.status_code == 200, later.json()
    assert later.json()["state"] == AssignmentState.FED_BACK
    assert MeasureFeedback.objects.filter(assignment=credit_push, source="later").count() == 1
    records = client.get(url(credit_push, "feedback")).json()["results"]
    assert [(r["measure_code"], r["source"]) for r in records] == [("P-CRD-01", "later"), ("P-CRD-02", "feedback"), ("P-CRD-01", "feedback")]
    assert records[0]["business_reference"] == "ZJ-2026-9"
    assert records[0]["department"] == "credit_office" and records[0]["recorded_by"] == "credit_office"


# --- return, reassign, lifting -------------------------------------------------------------------


def test_return_and_reassign(world, api, case):
    push = case.assignments.get(department__code="natural_resources")

    blank = api("natural_resources").post(url(push, "return"), {"reason": " "}, format="json")
    returned = api("natural_resources").post(url(push, "return"), {"reason": "本局不负责该事项"}, format="json")
    by_executor = api("natural_resources").post(url(push, "reassign"), {"department": "ecology"}, format="json")
    unknown = api("court").post(url(push, "reassign"), {"department": "nowhere"}, format="json")
    taken = api("court").post(url(push, "reassign"), {"department": "housing"}, format="json")
    reassigned = api("court").post(url(push, "reassign"), {"department": "ecology"}, format="json")

    assert blank.status_code == 400 and "reason" in blank.json()
    assert returned.status_code == 200 and returned.json()["state"] == AssignmentState.RETURNED
    assert returned.json()["return_reason"] == "本局不负责该事项"
    assert by_executor.status_code == 403
    assert unknown.status_code == 400 and "department" in unknown.json()
    assert taken.status_code == 400 and "department" in taken.json()
    assert reassigned.status_code == 201, reassigned.json()
    new = reassigned.json()
    assert new["department"] == "ecology" and new["reassigned_from"] == push.pk and new["state"] == AssignmentState.PENDING
    assert [m["code"] for m in new["measures"]] == ["P-NRS-01"]
    # The new department now sees the case and its own push in it.
    assert [a["id"] for a in api("ecology").get(f"{API}/cases/{case.pk}/").json()["assignments"]] == [new["id"]]


def test_a_returned_push_is_reassigned_once(world, api, case):
    push = case.assignments.get(department__code="natural_resources")
    services.assignment_return(assignment=push, actor=world.user("natural_resources"), reason="本局不负责该事项")
    assert api("court").post(url(push, "reassign"), {"department": "ecology"}, format="json").status_code == 201

    again = api("court").post(url(push, "reassign"), {"department": "emergency"}, format="json")

    assert again.status_code == 409
    assert not Assignment.objects.filter(department__code="emergency").exists()


def test_reassigning_a_push_that_was_not_returned_is_409(world, api, case):
    push = case.assignments.get(department__code="natural_resources")

    response = api("court").post(url(push, "reassign"), {"department": "ecology"}, format="json")

    assert response.status_code == 409
    assert response.json()["state"] == AssignmentState.PENDING
    assert not Assignment.objects.filter(department__code="ecology").exists()


def test_confirm_lift_after_revocation(world, api, case):
    push = case.assignments.get(department__code="finance")

    early = api("finance").post(url(push, "confirm_lift"))
    api("court").post(f"{API}/cases/{case.pk}/revoke/", {"reason": "判决已履行，撤销"}, format="json")
    lifting = api("finance").get(url(push)).json()
    confirmed = api("finance").post(url(push, "confirm_lift"))

    assert early.status_code == 409 and early.json()["state"] == AssignmentState.PENDING
    assert lifting["state"] == AssignmentState.LIFTING and lifting["allowed_transitions"] == ["confirm_lift"]
    assert lifting["lift_due"] > lifting["lift_opened_on"]
    assert confirmed.status_code == 200 and confirmed.json()["state"] == AssignmentState.LIFTED
    assert confirmed.json()["allowed_transitions"] == []


# --- the list ------------------------------------------------------------------------------------


def push_cases(world, n):
    court = world.user("court")
    for i in range(n):
        case = world.defaulter_case(subject=world.subject(OTHER_COMPANIES[i % len(OTHER_COMPANIES)]))
        services.case_initiate(case=case, actor=court)
        services.case_push(case=case, actor=court)


@pytest.mark.parametrize("username", ["court", "finance", "leader", "credit_office"])
def test_assignment_list_queries_do_not_grow_with_rows(world, api, django_assert_max_num_queries, username):
    client = api(username)
    push_cases(world, 3)
    few, body = count_queries(client, f"{API}/assignments/?page_size=500")
    rows = len(body["results"])
    assert rows >= 3

    push_cases(world, 9)
    with django_assert_max_num_queries(few):
        response = client.get(f"{API}/assignments/?page_size=500")

    assert len(response.json()["results"]) == rows * 4


def test_overdue_filter_returns_exactly_the_overdue_pushes(world, api, case):
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    pushes = {a.department.code: a for a in case.assignments.filter(target=case.subject).select_related("department")}
    # Not signed for by the sign-for date.
    Assignment.objects.filter(pk=pushes["finance"].pk).update(sign_for_due=yesterday)
    # Signed for, but not fed back by the feedback date.
    services.assignment_acknowledge(assignment=pushes["trading"], actor=world.user("trading"))
    Assignment.objects.filter(pk=pushes["trading"].pk).update(sign_for_due=yesterday, feedback_due=yesterday)
    # Fed back late is no longer overdue; due today is not overdue yet.
    housing = pushes["housing"]
    services.assignment_acknowledge(assignment=housing, actor=world.user("housing"))
    services.assignment_feedback(
        assignment=housing, actor=world.user("housing"),
        items=[services.FeedbackItem(measure=m, outcome="applied") for m in housing.measures.all()],
    )
    Assignment.objects.filter(pk=housing.pk).update(sign_for_due=yesterday, feedback_due=yesterday)
    Assignment.objects.filter(pk=pushes["gov_service"].pk).update(sign_for_due=today)
    court = api("court")

    overdue = court.get(f"{API}/assignments/", {"overdue": "true"}).json()["results"]
    on_time = court.get(f"{API}/assignments/", {"overdue": "false"}).json()["results"]

    assert {a["id"] for a in overdue} == {pushes["finance"].pk, pushes["trading"].pk}
    assert all(a["is_overdue"] for a in overdue)
    assert {a["id"] for a in on_time} == set(case.assignments.values_list("pk", flat=True)) - {pushes["finance"].pk, pushes["trading"].pk}
    assert not any(a["is_overdue"] for a in on_time)
    # Each department sees only its own overdue work.
    assert [a["id"] for a in api("finance").get(f"{API}/assignments/", {"overdue": "true"}).json()["results"]] == [pushes["finance"].pk]
    assert api("housing").get(f"{API}/assignments/", {"overdue": "true"}).json()["results"] == []
    # The case shows the same.
    shown = {a["id"]: a["is_overdue"] for a in court.get(f"{API}/cases/{case.pk}/").json()["assignments"]}
    assert {pk for pk, late in shown.items() if late} == {pushes["finance"].pk, pushes["trading"].pk}


def test_overdue_follows_today(world, api, case, monkeypatch):
    push = case.assignments.get(department__code="finance")
    later = push.sign_for_due + datetime.timedelta(days=1)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: later)

    overdue = api("finance").get(f"{API}/assignments/", {"overdue": "true"}).json()["results"]

    assert [a["id"] for a in overdue] == [push.pk]


def test_overdue_lifting_is_overdue(world, api, case):
    services.case_revoke(case=case, actor=world.user("court"), reason="判决已履行")
    push = case.assignments.get(department__code="finance")
    Assignment.objects.filter(pk=push.pk).update(lift_due=timezone.localdate() - datetime.timedelta(days=1))

    overdue = api("finance").get(f"{API}/assignments/", {"overdue": "true"}).json()["results"]

    assert [(a["id"], a["state"]) for a in overdue] == [(push.pk, AssignmentState.LIFTING)]


def test_assignment_list_filters(world, api, case):
    other = world.pushed_case(subject=world.subject(OTHER_COMPANIES[0]))
    finance_push = case.assignments.get(department__code="finance")
    services.assignment_acknowledge(assignment=finance_push, actor=world.user("finance"))
    court = api("court")

    def ids(**params):
        response = court.get(f"{API}/assignments/", {"page_size": 500, **params})
        assert response.status_code == 200, response.json()
        return {a["id"] for a in response.json()["results"]}

    assert ids(case=case.pk) == set(case.assignments.values_list("pk", flat=True))
    assert ids(case=other.pk, department="finance") == set(other.assignments.filter(department__code="finance").values_list("pk", flat=True))
    assert ids(state="acknowledged") == {finance_push.pk}
    assert ids(department="market") == set(Assignment.objects.filter(department__code="market").values_list("pk", flat=True))
    # The responsible person is reached through the company's case: the target or the case's subject matches.
    assert ids(subject_identifier=REPRESENTATIVE) == set(
        case.assignments.filter(target__identifier=REPRESENTATIVE).values_list("pk", flat=True)
    )
    assert ids(subject_identifier=case.subject.identifier.lower()) == set(case.assignments.values_list("pk", flat=True))
    assert ids(case=999999) == set()
    assert court.get(f"{API}/assignments/", {"overdue": "maybe"}).status_code == 400
    assert court.get(f"{API}/assignments/", {"state": "asleep"}).status_code == 400
    assert case.state == CaseState.PUSHED
