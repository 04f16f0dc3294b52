"""The acceptance journey over the API alone: open, initiate, push, sign for, feed back, complete."""
from credit_platform.models import AuditEvent, IdempotencyRecord
from sanctions.models import Assignment, CaseState, JointCase, MeasureFeedback
from tests.sanctions.test_api_support import API, COMPANY, api, case_body, feedback_items  # noqa: F401 (fixture)

COURT_CASE_MEASURES = {"P-FIN-01", "P-CRD-01", "P-CRD-02", "P-TRD-01", "P-MKT-01", "P-HOU-01", "P-NRS-01", "P-GOV-01", "P-FNO-01", "P-CIV-01"}


def test_court_case_from_draft_to_feedback_complete_over_the_api(world, api):
    court = api("court")

    # given: the court finds the company and the memorandum by their codes
    subject = court.get(f"{API}/subjects/", {"identifier": COMPANY}).json()["results"][0]
    memorandum = court.get(f"{API}/memoranda/", {"code": "judgement-defaulters"}).json()["results"][0]

    # when: it opens the case (measures default to the memorandum's fitting ones), initiates and pushes it
    created = court.post(
        f"{API}/cases/", case_body(world, subject=subject["id"], memorandum=None, memorandum_code=memorandum["code"]), format="json"
    )
    assert created.status_code == 201, created.json()
    case = created.json()
    assert case["state"] == CaseState.DRAFT
    assert case["number"].startswith("LJ-")
    assert case["subject"] == {"id": subject["id"], "name": subject["name"], "identifier": COMPANY, "kind": "legal_person"}
    assert case["memorandum"] == "judgement-defaulters"
    assert case["initiating_department"] == "court"
    assert set(case["measures"]) == COURT_CASE_MEASURES
    assert case["allowed_transitions"] == ["discard", "initiate"]
    assert case["assignments"] == []
    case_url = f"{API}/cases/{case['id']}/"

    initiated = court.post(f"{case_url}initiate/")
    assert initiated.status_code == 200, initiated.json()
    assert initiated.json()["state"] == CaseState.INITIATED
    assert initiated.json()["allowed_transitions"] == ["push", "revoke"]

    pushed = court.post(f"{case_url}push/")
    assert pushed.status_code == 200, pushed.json()
    case = pushed.json()
    assert case["state"] == CaseState.PUSHED
    assert case["allowed_transitions"] == ["amend", "revoke"]
    pushes = case["assignments"]
    assert len(pushes) == Assignment.objects.filter(case_id=case["id"]).count() > 0
    assert {p["state"] for p in pushes} == {"pending"}
    # The legal representative (a person) is masked in the answer: no reason was given (issue 12).
    assert ("market", "620702********8519") in {(p["department"], p["target"]["identifier"]) for p in pushes}

    # then: each executing department signs for and feeds back every measure of each of its pushes
    for department in sorted({p["department"] for p in pushes}):
        client = api(department)
        # (the credit office sees every push: it asks for its own department's)
        own = client.get(f"{API}/assignments/", {"case": case["id"], "department": department}).json()["results"]
        assert {a["department"] for a in own} == {department}
        assert len(own) == sum(1 for p in pushes if p["department"] == department)
        for assignment in own:
            url = f"{API}/assignments/{assignment['id']}/"
            signed = client.post(f"{url}acknowledge/")
            assert signed.status_code == 200, signed.json()
            assert signed.json()["state"] == "acknowledged"
            assert signed.json()["allowed_transitions"] == ["feedback", "return"]
            fed = client.post(
                f"{url}feedback/", {"items": feedback_items(assignment, business_reference=f"REF-{department}")}, format="json"
            )
            assert fed.status_code == 200, fed.json()
            assert fed.json()["state"] == "fed_back"

    final = court.get(case_url).json()
    assert final["state"] == CaseState.FEEDBACK_COMPLETE
    assert {p["state"] for p in final["assignments"]} == {"fed_back"}
    assert MeasureFeedback.objects.filter(assignment__case_id=case["id"]).count() == sum(
        a.measures.count() for a in Assignment.objects.filter(case_id=case["id"])
    )
    assert AuditEvent.objects.filter(stream=f"sanctions.jointcase:{case['id']}", action="case_feedback_complete").count() == 1

    # and: a second push is an illegal transition that says where the case stands
    again = court.post(f"{case_url}push/")
    assert again.status_code == 409
    body = again.json()
    assert body["state"] == CaseState.FEEDBACK_COMPLETE
    assert "push" not in body["allowed"] and "revoke" in body["allowed"]
    assert body["detail"]
    assert Assignment.objects.filter(case_id=case["id"]).count() == len(pushes)


def test_replayed_create_with_the_same_key_creates_nothing_and_answers_the_same(world, api):
    court = api("court")
    body = case_body(world)

    first = court.post(f"{API}/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="case-1")
    events = AuditEvent.objects.count()
    again = court.post(f"{API}/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="case-1")

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert JointCase.objects.count() == 1
    assert AuditEvent.objects.count() == events


def test_replayed_transition_answers_the_first_result_not_a_conflict(world, api):
    case = world.pushed_case()
    finance = api("finance")
    assignment = case.assignments.get(department__code="finance")
    url = f"{API}/assignments/{assignment.pk}/acknowledge/"

    first = finance.post(url, HTTP_IDEMPOTENCY_KEY="ack-1")
    again = finance.post(url, HTTP_IDEMPOTENCY_KEY="ack-1")
    fresh = finance.post(url, HTTP_IDEMPOTENCY_KEY="ack-2")

    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert AuditEvent.objects.filter(stream=f"sanctions.assignment:{assignment.pk}", action="assignment_acknowledged").count() == 1
    # A new key is a new request: signing for twice is refused.
    assert fresh.status_code == 409
    assert fresh.json()["state"] == "acknowledged"
    assert IdempotencyRecord.objects.filter(key__in=["ack-1", "ack-2"]).count() == 2
