"""The actor matrix on every sanctions endpoint: anonymous, another department, a department that
sees but may not act, the leadership office, the initiating department and the credit office."""
import pytest

from credit_platform.models import AuditEvent
from sanctions import services
from sanctions.models import Assignment, AssignmentState, CaseState, JointCase
from tests.sanctions.test_api_support import API, api, case_body  # noqa: F401 (fixture)

CASE_ACTIONS = [("initiate", {}), ("push", {}), ("revoke", {"reason": "判决已履行"}), ("discard", {"reason": "录入错误"})]
ASSIGNMENT_ACTIONS = ["acknowledge", "feedback", "return", "reassign", "confirm_lift"]


def assignment_body(action: str, assignment: Assignment) -> dict:
    if action == "feedback":
        return {"items": [{"measure": m.pk, "outcome": "applied"} for m in assignment.measures.all()]}
    if action == "return":
        return {"reason": "本局不负责该事项"}
    if action == "reassign":
        return {"department": "ecology"}
    return {}


@pytest.fixture
def case(world):
    return world.pushed_case()


@pytest.fixture
def finance_push(case):
    return case.assignments.get(department__code="finance")


def unchanged(case: JointCase, state: str) -> bool:
    """Still in ``state``, and nothing recorded on the case since it was pushed."""
    case.refresh_from_db()
    last = AuditEvent.objects.filter(stream=f"sanctions.jointcase:{case.pk}").order_by("-pk").first()
    return case.state == state and last.action == "case_pushed"


# --- anonymous -----------------------------------------------------------------------------------


def all_endpoints(case, assignment, job_id):
    gets = [
        f"{API}/measures/", f"{API}/memoranda/", f"{API}/cases/", f"{API}/cases/{case.pk}/", f"{API}/assignments/",
        f"{API}/assignments/{assignment.pk}/", f"{API}/assignments/{assignment.pk}/feedback/", f"{API}/bulk-push-jobs/{job_id}/",
    ]
    posts = [f"{API}/cases/", f"{API}/cases/bulk-push/"]
    posts += [f"{API}/cases/{case.pk}/{name}/" for name, _body in CASE_ACTIONS]
    posts += [f"{API}/assignments/{assignment.pk}/{name}/" for name in ASSIGNMENT_ACTIONS]
    return [("get", url) for url in gets] + [("post", url) for url in posts]


def test_anonymous_gets_401_everywhere(world, api, case, finance_push):
    job = services.bulk_push_request(actor=world.user("court"), case_ids=[case.pk])
    anonymous = api(None)

    for method, url in all_endpoints(case, finance_push, job.pk):
        response = getattr(anonymous, method)(url, {}, format="json")
        assert response.status_code == 401, (method, url, response.status_code)
    assert unchanged(case, CaseState.PUSHED)


# --- another department: nothing exists ----------------------------------------------------------


def test_another_department_gets_404_on_the_case_its_pushes_and_every_transition(world, api, case, finance_push):
    tax = api("tax")  # the court's case was never pushed to the tax bureau

    assert tax.get(f"{API}/cases/{case.pk}/").status_code == 404
    assert tax.get(f"{API}/assignments/{finance_push.pk}/").status_code == 404
    assert tax.get(f"{API}/assignments/{finance_push.pk}/feedback/").status_code == 404
    for name, body in CASE_ACTIONS:
        assert tax.post(f"{API}/cases/{case.pk}/{name}/", body, format="json").status_code == 404, name
    for name in ASSIGNMENT_ACTIONS:
        response = tax.post(f"{API}/assignments/{finance_push.pk}/{name}/", assignment_body(name, finance_push), format="json")
        assert response.status_code == 404, name
    assert tax.get(f"{API}/cases/").json()["results"] == []
    assert tax.get(f"{API}/assignments/").json()["results"] == []
    assert tax.get(f"{API}/cases/", {"subject_identifier": case.subject.identifier}).json()["results"] == []
    finance_push.refresh_from_db()
    assert finance_push.state == AssignmentState.PENDING
    assert unchanged(case, CaseState.PUSHED)


def test_unknown_ids_answer_404_like_invisible_ones(api, world):
    court = api("court")

    assert court.get(f"{API}/cases/999999/").status_code == 404
    assert court.post(f"{API}/cases/999999/push/").status_code == 404
    assert court.get(f"{API}/assignments/999999/").status_code == 404
    assert court.get(f"{API}/bulk-push-jobs/999999/").status_code == 404


# --- an executing department: sees its part, may not move the case --------------------------------


def test_executing_department_sees_the_case_with_only_its_own_push(api, case, finance_push):
    finance = api("finance")

    response = finance.get(f"{API}/cases/{case.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert [a["id"] for a in body["assignments"]] == [finance_push.pk]
    assert body["allowed_transitions"] == []
    assert [c["id"] for c in finance.get(f"{API}/cases/").json()["results"]] == [case.pk]
    assert {a["department"] for a in finance.get(f"{API}/assignments/").json()["results"]} == {"finance"}


@pytest.mark.parametrize(("name", "body"), CASE_ACTIONS)
def test_executing_department_may_not_move_the_case(api, case, name, body):
    response = api("finance").post(f"{API}/cases/{case.pk}/{name}/", body, format="json")

    assert response.status_code == 403
    assert unchanged(case, CaseState.PUSHED)


def test_executing_department_gets_404_on_another_departments_push(api, case):
    trading = case.assignments.get(department__code="trading")
    finance = api("finance")

    assert finance.get(f"{API}/assignments/{trading.pk}/").status_code == 404
    assert finance.post(f"{API}/assignments/{trading.pk}/acknowledge/").status_code == 404
    trading.refresh_from_db()
    assert trading.state == AssignmentState.PENDING


def test_executing_department_never_sees_another_departments_feedback(world, api, case, finance_push):
    trading = case.assignments.get(department__code="trading")
    for push, user in [(finance_push, "finance"), (trading, "trading")]:
        api(user).post(f"{API}/assignments/{push.pk}/acknowledge/")
        body = {"items": [{"measure": m.pk, "outcome": "applied", "business_reference": f"REF-{user}"} for m in push.measures.all()]}
        assert api(user).post(f"{API}/assignments/{push.pk}/feedback/", body, format="json").status_code == 200

    finance_view = api("finance").get(f"{API}/assignments/{finance_push.pk}/feedback/").json()["results"]
    court_view = api("court").get(f"{API}/assignments/{trading.pk}/feedback/").json()["results"]

    assert {r["business_reference"] for r in finance_view} == {"REF-finance"}
    assert {r["business_reference"] for r in court_view} == {"REF-trading"}
    assert api("finance").get(f"{API}/assignments/{trading.pk}/feedback/").status_code == 404
    case_for_finance = api("finance").get(f"{API}/cases/{case.pk}/").json()
    assert {a["department"] for a in case_for_finance["assignments"]} == {"finance"}


def test_initiating_department_sees_every_push_but_may_not_work_one(api, case, finance_push):
    court = api("court")

    body = court.get(f"{API}/cases/{case.pk}/").json()
    assert len(body["assignments"]) == case.assignments.count()
    assert court.get(f"{API}/assignments/{finance_push.pk}/").json()["allowed_transitions"] == []
    assert court.post(f"{API}/assignments/{finance_push.pk}/acknowledge/").status_code == 403
    finance_push.refresh_from_db()
    assert finance_push.state == AssignmentState.PENDING


# --- the leadership office: reads everything, changes nothing ------------------------------------


def test_leadership_office_reads_everything(world, api, case, finance_push):
    leader = api("leader")
    job = services.bulk_push_request(actor=world.user("court"), case_ids=[case.pk])

    detail = leader.get(f"{API}/cases/{case.pk}/")
    assert detail.status_code == 200
    assert len(detail.json()["assignments"]) == case.assignments.count()
    assert detail.json()["allowed_transitions"] == []
    push = leader.get(f"{API}/assignments/{finance_push.pk}/")
    assert push.status_code == 200 and push.json()["allowed_transitions"] == []
    assert leader.get(f"{API}/assignments/{finance_push.pk}/feedback/").status_code == 200
    assert [c["id"] for c in leader.get(f"{API}/cases/").json()["results"]] == [case.pk]
    assert len(leader.get(f"{API}/assignments/").json()["results"]) == case.assignments.count()
    # Bulk pushes are the requesting department's (and the credit office's) business.
    assert leader.get(f"{API}/bulk-push-jobs/{job.pk}/").status_code == 404


def test_leadership_office_gets_403_on_every_transition(world, api, case, finance_push):
    leader = api("leader")

    for name, body in CASE_ACTIONS:
        assert leader.post(f"{API}/cases/{case.pk}/{name}/", body, format="json").status_code == 403, name
    for name in ASSIGNMENT_ACTIONS:
        response = leader.post(f"{API}/assignments/{finance_push.pk}/{name}/", assignment_body(name, finance_push), format="json")
        assert response.status_code == 403, name
    assert leader.post(f"{API}/cases/", case_body(world), format="json").status_code == 403
    assert leader.post(f"{API}/cases/bulk-push/", {"cases": [case.pk]}, format="json").status_code == 403
    finance_push.refresh_from_db()
    assert finance_push.state == AssignmentState.PENDING
    assert unchanged(case, CaseState.PUSHED)


def test_a_department_that_initiates_nothing_may_not_open_cases(world, api):
    response = api("finance").post(f"{API}/cases/", case_body(world), format="json")

    assert response.status_code == 403
    assert not JointCase.objects.exists()


def test_an_initiating_department_outside_the_memorandum_gets_403(world, api):
    response = api("tax").post(f"{API}/cases/", case_body(world), format="json")

    assert response.status_code == 403
    assert not JointCase.objects.exists()


# --- the credit office: may do everything --------------------------------------------------------


@pytest.mark.parametrize("username", ["credit_office", "admin"])
def test_credit_office_runs_every_case_transition(world, api, username):
    office = api(username)

    created = office.post(f"{API}/cases/", case_body(world), format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["initiating_department"] == "credit_office"
    discarded = office.post(f"{API}/cases/{created.json()['id']}/discard/", {"reason": "录入错误"}, format="json")
    assert discarded.status_code == 200 and discarded.json()["state"] == CaseState.DISCARDED

    court_case = world.defaulter_case()  # another department's case
    assert office.get(f"{API}/cases/{court_case.pk}/").json()["allowed_transitions"] == ["discard", "initiate"]
    assert office.post(f"{API}/cases/{court_case.pk}/initiate/").json()["state"] == CaseState.INITIATED
    assert office.post(f"{API}/cases/{court_case.pk}/push/").json()["state"] == CaseState.PUSHED
    revoked = office.post(f"{API}/cases/{court_case.pk}/revoke/", {"reason": "判决已履行"}, format="json")
    assert revoked.status_code == 200
    assert revoked.json()["state"] == CaseState.REVOKED
    assert {a["state"] for a in revoked.json()["assignments"]} == {AssignmentState.LIFTING}


def test_credit_office_works_its_own_push_and_the_superuser_any(world, api, case, finance_push):
    own = case.assignments.get(department__code="credit_office", target=case.subject)

    assert api("credit_office").post(f"{API}/assignments/{own.pk}/acknowledge/").status_code == 200
    # DESIGN: the credit office *views* every push; only the executing department (or a superuser) works one.
    assert api("credit_office").post(f"{API}/assignments/{finance_push.pk}/acknowledge/").status_code == 403
    assert api("admin").post(f"{API}/assignments/{finance_push.pk}/acknowledge/").status_code == 200
    finance_push.refresh_from_db()
    assert finance_push.state == AssignmentState.ACKNOWLEDGED


def test_credit_office_sees_any_bulk_push_job(world, api, case):
    job = services.bulk_push_request(actor=world.user("court"), case_ids=[case.pk])

    assert api("credit_office").get(f"{API}/bulk-push-jobs/{job.pk}/").status_code == 200
    assert api("court").get(f"{API}/bulk-push-jobs/{job.pk}/").status_code == 200
    assert api("tax").get(f"{API}/bulk-push-jobs/{job.pk}/").status_code == 404
    assert api("finance").get(f"{API}/bulk-push-jobs/{job.pk}/").status_code == 404
