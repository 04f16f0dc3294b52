"""The credit check (应查必查): a department checks a subject before it grants anything, sees the
measures it must apply now (or holds, while an objection is verified), and feeds back the hits."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from credit_platform import demo
from credit_platform.models import AuditEvent
from lists import services as list_services
from sanctions import services
from sanctions.models import JointCase, MeasureFeedback
from tests.factories import make_uscc
from tests.lists.conftest import ListWorld
from tests.sanctions.test_api_support import API, COMPANY, REPRESENTATIVE, api  # noqa: F401 (fixture)

CHECK = f"{API}/credit-check/"


@pytest.fixture
def world(db):
    demo.seed()
    return ListWorld()


@pytest.fixture
def entry(world):
    """The demo company's published black entry, its case pushed to the executing departments."""
    entry = world.published()
    case = JointCase.objects.get(list_entry_id=entry.pk)
    services.case_push(case=case, actor=world.user("court"))
    return entry


@pytest.fixture
def case(entry):
    return JointCase.objects.get(list_entry_id=entry.pk)


def check(api, username, identifier=COMPANY, **params):
    response = api(username).get(CHECK, {"identifier": identifier, **params})
    assert response.status_code == 200, response.json()
    return response.json()


def codes(items):
    return sorted(item["measure_code"] for item in items)


def feedback_url(assignment):
    return f"{CHECK}{assignment.pk}/feedback/"


def fed_back(world, assignment, username):
    user = world.user(username)
    services.assignment_acknowledge(assignment=assignment, actor=user)
    items = [services.FeedbackItem(measure=m, outcome="applied") for m in assignment.measures.all()]
    return services.assignment_feedback(assignment=assignment, actor=user, items=items)


# --- the check -----------------------------------------------------------------------------------


def test_finance_sees_the_entry_and_its_measure_to_apply(api, entry, case):
    body = check(api, "finance", f"  {COMPANY.lower()} ", purpose="政府采购 2026-01")
    assert body["subject"]["identifier"] == COMPANY
    assert body["subject"]["kind"] == "legal_person"
    assert body["watch_flagged"] is False
    [listed] = body["entries"]
    assert listed["id"] == entry.pk
    assert (listed["list_type"], listed["state"], listed["under_verification"]) == ("black", "published", False)
    assert listed["decision_number"] == entry.decision_number
    [measure] = body["measures_to_apply"]
    assert measure["measure_code"] == "P-FIN-01"
    assert measure["case_number"] == case.number
    assert measure["period_end"] == case.period_end.isoformat()
    assert measure["assignment"] == case.assignments.get(department__code="finance").pk
    assert measure["category"] and "legal_basis" in measure
    assert body["held_measures"] == []


def test_each_department_sees_only_its_own_measures(api, entry):
    assert codes(check(api, "trading")["measures_to_apply"]) == ["P-TRD-01"]


def test_a_department_without_pushes_sees_the_lists_and_nothing_to_apply(api, entry):
    body = check(api, "leader")
    assert len(body["entries"]) == 1
    assert body["measures_to_apply"] == [] and body["held_measures"] == []


def test_checking_the_legal_representative_lists_the_measure_on_the_person_and_logs_the_look_up(api, world, entry):
    person = world.subject(REPRESENTATIVE)
    body = check(api, "market", REPRESENTATIVE, purpose="市场准入审批")
    assert body["subject"]["kind"] == "natural_person"
    assert body["entries"] == []
    assert codes(body["measures_to_apply"]) == ["P-MKT-01"]
    assert body["measures_to_apply"][0]["target_role"]
    [event] = AuditEvent.objects.filter(action="person_record_viewed")
    assert event.stream.endswith(f":{person.pk}")
    assert event.actor.username == "market" and event.reason == "市场准入审批"


def test_checking_an_organisation_logs_no_person_look_up(api, entry):
    check(api, "finance")
    assert not AuditEvent.objects.filter(action="person_record_viewed").exists()


def test_an_objection_holding_the_case_moves_the_measure_to_held(api, world, entry, case):
    services.case_suspend(case=case, actor=world.user("court"), reason="异议核查中")
    body = check(api, "finance")
    assert body["measures_to_apply"] == []
    [held] = body["held_measures"]
    assert held["measure_code"] == "P-FIN-01"
    assert "must not be applied" in held["note"]
    # Only the case is held: the entry itself is not under verification.
    assert body["entries"][0]["under_verification"] is False


def test_a_suspended_entry_shows_under_verification_and_holds_the_measures(api, world, entry):
    list_services.entry_suspend(entry=entry, actor=world.user("court"), reason="异议核查中")
    body = check(api, "finance")
    [listed] = body["entries"]
    assert (listed["state"], listed["under_verification"]) == ("suspended", True)
    assert body["measures_to_apply"] == []
    assert codes(body["held_measures"]) == ["P-FIN-01"]


def statements(queries) -> dict[str, list[str]]:
    """The view's reads and writes by kind; SAVEPOINT / RELEASE (BEGIN / COMMIT outside the tests) left out."""
    kinds = {"SELECT": [], "INSERT": [], "UPDATE": [], "DELETE": []}
    for query in queries.captured_queries:
        verb = query["sql"].lstrip().split(None, 1)[0].upper()
        if verb in kinds:
            kinds[verb].append(query["sql"])
    return kinds


def test_the_check_runs_in_three_reads_and_the_log_write(api, world, entry):
    client = api("finance")
    client.get(CHECK, {"identifier": COMPANY})  # warm caches (permissions, sessions)
    with CaptureQueriesContext(connection) as queries:
        body = client.get(CHECK, {"identifier": COMPANY, "purpose": "政府采购"}).json()
    assert body["measures_to_apply"] and body["entries"]  # measures, entries read
    kinds = statements(queries)
    assert len(kinds["SELECT"]) <= 3, kinds["SELECT"]
    assert len(kinds["INSERT"]) == 1 and "checks_creditchecklog" in kinds["INSERT"][0]
    assert kinds["UPDATE"] == kinds["DELETE"] == []


@pytest.mark.parametrize(
    ("params", "status_code"),
    [({"identifier": make_uscc(97001, "620702")}, 404), ({"identifier": "91620702MA0000000X"}, 400), ({}, 400), ({"identifier": "  "}, 400)],
)
def test_unknown_malformed_or_missing_identifier(api, world, params, status_code):
    response = api("finance").get(CHECK, params)
    assert response.status_code == status_code
    if status_code == 404:
        assert "identifier" in response.json()["detail"]
    else:
        assert "identifier" in response.json()


def test_anonymous_is_refused(api, world):
    assert api(None).get(CHECK, {"identifier": COMPANY}).status_code == 401
    assert api(None).post(f"{CHECK}1/feedback/", {}, format="json").status_code == 401


# --- feedback of a hit ---------------------------------------------------------------------------


def hit(assignment, **fields):
    measure = assignment.measures.get()
    return {"items": [{"measure": measure.pk, "outcome": "applied", "note": "投标被拒", "business_reference": "ZFCG-2026-017", **fields}]}


def test_a_hit_is_recorded_with_source_credit_check_once_fed_back(api, world, case):
    assignment = case.assignments.get(department__code="finance")
    fed_back(world, assignment, "finance")
    response = api("finance").post(feedback_url(assignment), hit(assignment), format="json")
    assert response.status_code == 201, response.json()
    [record] = response.json()
    assert (record["source"], record["measure_code"], record["business_reference"]) == ("credit_check", "P-FIN-01", "ZFCG-2026-017")
    assert MeasureFeedback.objects.filter(assignment=assignment, source=MeasureFeedback.Source.CREDIT_CHECK).count() == 1


def test_a_hit_before_the_first_feedback_is_a_conflict(api, world, case):
    assignment = case.assignments.get(department__code="finance")
    services.assignment_acknowledge(assignment=assignment, actor=world.user("finance"))
    response = api("finance").post(feedback_url(assignment), hit(assignment), format="json")
    assert response.status_code == 409
    assert "first feedback" in response.json()["detail"]
    assert not MeasureFeedback.objects.filter(assignment=assignment).exists()


def test_a_hit_while_an_objection_holds_the_case_is_a_conflict(api, world, case):
    assignment = case.assignments.get(department__code="finance")
    fed_back(world, assignment, "finance")
    services.case_suspend(case=case, actor=world.user("court"), reason="异议核查中")
    response = api("finance").post(feedback_url(assignment), hit(assignment), format="json")
    assert response.status_code == 409
    assert not MeasureFeedback.objects.filter(assignment=assignment, source=MeasureFeedback.Source.CREDIT_CHECK).exists()


@pytest.mark.parametrize("username", ["trading", "court"])
def test_another_departments_push_is_not_found(api, world, case, username):
    # trading cannot see it at all; the court sees it (its case) but does not work it.
    assignment = case.assignments.get(department__code="finance")
    fed_back(world, assignment, "finance")
    response = api(username).post(feedback_url(assignment), hit(assignment), format="json")
    assert response.status_code == 404
