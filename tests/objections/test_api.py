"""The objections API: a department files, the information provider decides, and what the decision
does to the disputed entry, its case and every push (held, restored, lifted) — over HTTP."""
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from credit_platform import calendar
from credit_platform.models import AuditEvent
from lists.models import EntryState, RemovalReason
from objections.models import Objection, ObjectionState
from sanctions.models import Assignment, AssignmentState, CaseState
from tests.lists.conftest import api  # noqa: F401 (fixture)
from tests.objections.test_objection_services import pushed_entry, snapshot

API = "/api/v1"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def objections_url(pk=None, action=""):
    if pk is None:
        return f"{API}/objections/"
    return f"{API}/objections/{pk}/" + (f"{action}/" if action else "")


def file_objection(api, entry, actor="finance", **extra) -> dict:
    body = {"list_entry": entry.pk, "grounds": "被执行人已于2026年10月履行完毕", "contact": "财政局 0936-1234567", **extra}
    response = api(actor).post(objections_url(), body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def feedback_body(assignment) -> dict:
    return {"items": [{"measure": m.pk, "outcome": "applied"} for m in assignment.measures.all()]}


@pytest.fixture
def held(world):
    """A published entry whose case is pushed (finance signed for, trading fed back)."""
    return pushed_entry(world)


# --- filing ----------------------------------------------------------------------------------------


def test_a_department_files_an_objection_to_an_entry_it_sees(world, api, held):
    entry, case = held

    body = file_objection(api, entry)

    assert body["channel"] == "department" and body["state"] == "submitted"
    assert body["provider_department"] == "court" and body["filing_department"] == "finance"
    assert body["list_entry"]["id"] == entry.pk and body["subject"]["id"] == entry.subject_id
    assert body["allowed_transitions"] == []  # the filer does not decide
    court_view = api("court").get(objections_url(body["id"])).json()
    assert court_view["allowed_transitions"] == ["accept", "refuse"]
    assert AuditEvent.objects.filter(stream=f"objections.objection:{body['id']}", action="objection_filed").exists()


def test_filing_needs_a_target_the_department_can_see(world, api, held):
    entry, case = held
    hidden_entry = world.propose(decision_number="（2026）甘0702执777号")  # proposed: only the court sees it

    response = api("finance").post(objections_url(), {"list_entry": hidden_entry.pk, "grounds": "x", "contact": "y"}, format="json")
    assert response.status_code == 400 and "list_entry" in response.json()
    # The case was not pushed to the labour bureau: it does not exist for it.
    response = api("hrss").post(objections_url(), {"case": case.pk, "grounds": "x", "contact": "y"}, format="json")
    assert response.status_code == 400 and "case" in response.json()
    response = api("finance").post(objections_url(), {"grounds": "x", "contact": "y"}, format="json")
    assert response.status_code == 400 and "target" in response.json()
    response = api("finance").post(objections_url(), {"list_entry": entry.pk, "grounds": " ", "contact": ""}, format="json")
    assert response.status_code == 400 and {"grounds", "contact"} <= set(response.json())
    assert not Objection.objects.exists()


def test_evidence_files_are_type_and_size_checked(world, api, held, monkeypatch):
    entry, _case = held
    client = api("finance")
    data = {"list_entry": entry.pk, "grounds": "判决已履行", "contact": "0936-1234567"}

    good = client.post(objections_url(), {**data, "evidence": [SimpleUploadedFile("执行结案通知书.pdf", PDF, "application/pdf"),
                                                               SimpleUploadedFile("receipt.png", PNG, "image/png")]}, format="multipart")
    assert good.status_code == 201, good.content
    assert [(e["original_name"], e["content_type"]) for e in good.json()["evidence"]] == [
        ("执行结案通知书.pdf", "application/pdf"), ("receipt.png", "image/png"),
    ]

    fake = client.post(objections_url(), {**data, "evidence": [SimpleUploadedFile("virus.pdf", b"MZ\x90\x00", "application/pdf")]}, format="multipart")
    assert fake.status_code == 400 and "evidence" in fake.json()
    monkeypatch.setattr("credit_platform.uploads.MAX_UPLOAD_BYTES", 20)
    big = client.post(objections_url(), {**data, "evidence": [SimpleUploadedFile("big.pdf", PDF, "application/pdf")]}, format="multipart")
    assert big.status_code == 400 and "evidence" in big.json()
    assert Objection.objects.count() == 1


# --- what deciding does ------------------------------------------------------------------------------


def test_accepting_holds_the_case_and_every_push_and_nobody_can_feed_back(world, api, held):
    entry, case = held
    objection = file_objection(api, entry)

    response = api("court").post(objections_url(objection["id"], "accept"), {}, format="json")

    assert response.status_code == 200 and response.json()["state"] == "verifying"
    assert response.json()["verify_due"]
    entry.refresh_from_db()
    case.refresh_from_db()
    assert entry.state == EntryState.SUSPENDED and case.state == CaseState.SUSPENDED
    assert set(case.assignments.values_list("state", flat=True)) == {AssignmentState.SUSPENDED}
    for assignment in case.assignments.select_related("department"):
        answer = api(assignment.department.code).post(f"{API}/assignments/{assignment.pk}/feedback/", feedback_body(assignment), format="json")
        assert answer.status_code == 409, (assignment.department.code, answer.content)
        assert answer.json()["state"] == "suspended"
    assert set(case.assignments.values_list("state", flat=True)) == {AssignmentState.SUSPENDED}


def test_dismissal_restores_every_state_and_moves_the_due_dates(world, api, held, monkeypatch):
    entry, case = held
    before = snapshot(case)
    objection = file_objection(api, entry)
    api("court").post(objections_url(objection["id"], "accept"), {}, format="json")
    later = datetime.date.today() + datetime.timedelta(days=7)
    held_days = calendar.working_days_between(datetime.date.today(), later)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: later)

    response = api("court").post(objections_url(objection["id"], "dismiss"), {"reason": "记录准确，维持"}, format="json")

    assert response.status_code == 200 and response.json()["state"] == "dismissed" and response.json()["decision"] == "dismiss"
    entry.refresh_from_db()
    case.refresh_from_db()
    assert entry.state == EntryState.PUBLISHED and case.state == CaseState.EXECUTING
    after = snapshot(case)
    for pk, (state, sign_for_due, feedback_due) in before.items():
        assert after[pk] == (
            state, calendar.add_working_days(sign_for_due, held_days).date, calendar.add_working_days(feedback_due, held_days).date,
        )


def test_upholding_with_revoke_lifts_everything_with_confirmations_due(world, api, held):
    entry, case = held
    objection = file_objection(api, entry)
    api("court").post(objections_url(objection["id"], "accept"), {}, format="json")

    response = api("court").post(objections_url(objection["id"], "uphold"), {"outcome": "revoke", "reason": "被执行人已履行"}, format="json")

    assert response.status_code == 200 and response.json()["state"] == "upheld" and response.json()["decision"] == "revoke"
    entry.refresh_from_db()
    case.refresh_from_db()
    assert entry.state == EntryState.REMOVED and entry.removal_reason == RemovalReason.REVOKED
    assert case.state == CaseState.REVOKED
    pushes = list(case.assignments.select_related("department"))
    assert {a.state for a in pushes} == {AssignmentState.LIFTING} and all(a.lift_due for a in pushes)
    for assignment in pushes:
        answer = api(assignment.department.code).post(f"{API}/assignments/{assignment.pk}/confirm_lift/", {}, format="json")
        assert answer.status_code == 200 and answer.json()["state"] == "lifted"


def test_upholding_with_correct_corrects_the_entry_and_the_measures_resume(world, api, held):
    entry, case = held
    objection = file_objection(api, entry)
    api("court").post(objections_url(objection["id"], "accept"), {}, format="json")

    bad = api("court").post(objections_url(objection["id"], "uphold"), {"outcome": "correct", "corrections": {"colour": "x"}}, format="json")
    assert bad.status_code == 400 and "corrections" in bad.json()
    response = api("court").post(
        objections_url(objection["id"], "uphold"), {"outcome": "correct", "corrections": {"basis": "更正后的依据"}, "reason": "依据引用错误"},
        format="json",
    )

    assert response.status_code == 200 and response.json()["corrections"] == {"basis": "更正后的依据"}
    entry.refresh_from_db()
    case.refresh_from_db()
    assert entry.basis == "更正后的依据" and entry.state == EntryState.PUBLISHED and case.state == CaseState.EXECUTING


def test_two_objections_suspend_once_and_resume_only_when_both_are_decided(world, api, held):
    entry, case = held
    first, second = file_objection(api, entry), file_objection(api, entry, actor="trading")
    court = api("court")
    for objection in (first, second):
        assert court.post(objections_url(objection["id"], "accept"), {}, format="json").status_code == 200
    assert AuditEvent.objects.filter(stream=f"lists.listentry:{entry.pk}", action="entry_suspended").count() == 1

    court.post(objections_url(first["id"], "dismiss"), {"reason": "记录准确"}, format="json")
    entry.refresh_from_db()
    case.refresh_from_db()
    assert entry.state == EntryState.SUSPENDED and case.state == CaseState.SUSPENDED

    court.post(objections_url(second["id"], "dismiss"), {"reason": "记录准确"}, format="json")
    entry.refresh_from_db()
    case.refresh_from_db()
    assert entry.state == EntryState.PUBLISHED and case.state == CaseState.EXECUTING
    assert AuditEvent.objects.filter(stream=f"lists.listentry:{entry.pk}", action="entry_resumed").count() == 1


def test_refuse_extend_and_illegal_moves(world, api, held):
    entry, _case = held
    court = api("court")
    objection = file_objection(api, entry)
    url = lambda action: objections_url(objection["id"], action)  # noqa: E731

    answer = court.post(url("dismiss"), {"reason": "x"}, format="json")
    assert answer.status_code == 409
    assert answer.json()["state"] == "submitted" and answer.json()["allowed"] == ["accept", "refuse"]
    assert court.post(url("refuse"), {"reason": ""}, format="json").status_code == 400

    court.post(url("accept"), {}, format="json")
    due = Objection.objects.get(pk=objection["id"]).verify_due
    extended = court.post(url("extend"), {"reason": "需调取执行卷宗"}, format="json")
    assert extended.status_code == 200 and extended.json()["extended"] is True
    assert extended.json()["verify_due"] == calendar.add_working_days(due, 5).date.isoformat()
    assert "extend" not in extended.json()["allowed_transitions"]
    assert court.post(url("extend"), {"reason": "again"}, format="json").status_code == 409
    assert court.post(url("refuse"), {"reason": "x"}, format="json").status_code == 409


def test_extend_before_verification_or_after_refusal_is_a_409(world, api, held):
    """Extend on a submitted (no verification deadline yet) or a refused objection: 409, never a 500."""
    entry, _case = held
    court = api("court")
    objection = file_objection(api, entry)
    url = lambda action: objections_url(objection["id"], action)  # noqa: E731

    submitted = court.post(url("extend"), {"reason": "需调取执行卷宗"}, format="json")
    assert submitted.status_code == 409, submitted.content
    assert submitted.json()["state"] == "submitted" and submitted.json()["allowed"] == ["accept", "refuse"]

    court.post(url("refuse"), {"reason": "不属于本院认定的信息"}, format="json")
    refused = court.post(url("extend"), {"reason": "需调取执行卷宗"}, format="json")
    assert refused.status_code == 409 and refused.json()["state"] == "refused"
    assert Objection.objects.get(pk=objection["id"]).extended is False


def test_a_refused_objection_holds_nothing(world, api, held):
    entry, case = held
    objection = file_objection(api, entry)

    response = api("court").post(objections_url(objection["id"], "refuse"), {"reason": "不属于本院认定的信息"}, format="json")

    assert response.status_code == 200 and response.json()["refusal_reason"] == "不属于本院认定的信息"
    entry.refresh_from_db()
    case.refresh_from_db()
    assert entry.state == EntryState.PUBLISHED and case.state == CaseState.EXECUTING


# --- lists -----------------------------------------------------------------------------------------


def test_the_list_filters_by_state_overdue_and_department(world, api, held):
    entry, _case = held
    late, fresh = file_objection(api, entry), file_objection(api, entry)
    Objection.objects.filter(pk=late["id"]).update(accept_due=datetime.date(2020, 1, 6))
    court = api("court")

    def ids(query=""):
        response = court.get(objections_url() + query)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    assert ids() == [fresh["id"], late["id"]]
    assert ids("?overdue=true") == [late["id"]]
    assert ids("?overdue=false") == [fresh["id"]]
    assert ids("?state=verifying") == []
    assert ids("?department=court") == [fresh["id"], late["id"]]
    assert ids("?department=tax") == []
    assert court.get(objections_url() + "?overdue=maybe").status_code == 400
    first_page = court.get(objections_url() + "?page_size=1").json()
    assert len(first_page["results"]) == 1 and first_page["next"]


def test_the_list_makes_a_bounded_number_of_queries(world, api, held, django_assert_max_num_queries):
    entry, _case = held
    client = api("court")
    file_objection(api, entry)
    with django_assert_max_num_queries(3):  # the rows (subject, target and departments joined), their evidence
        assert len(client.get(objections_url()).json()["results"]) == 1
    for _ in range(5):
        file_objection(api, entry)
    with django_assert_max_num_queries(3):
        assert len(client.get(objections_url()).json()["results"]) == 6


# --- the actor matrix ------------------------------------------------------------------------------

DECISIONS = [("accept", {}), ("refuse", {"reason": "x"}), ("extend", {"reason": "x"}), ("uphold", {"outcome": "revoke"}),
             ("dismiss", {"reason": "x"})]


def test_anonymous_gets_401_everywhere(world, api, held):
    entry, _case = held
    objection = file_objection(api, entry)
    anonymous = api(None)

    assert anonymous.get(objections_url()).status_code == 401
    assert anonymous.get(objections_url(objection["id"])).status_code == 401
    assert anonymous.post(objections_url(), {"list_entry": entry.pk, "grounds": "x", "contact": "y"}, format="json").status_code == 401
    for name, body in DECISIONS:
        assert anonymous.post(objections_url(objection["id"], name), body, format="json").status_code == 401


def test_another_department_cannot_see_the_objection(world, api, held):
    entry, _case = held
    objection = file_objection(api, entry)
    tax = api("tax")

    assert objection["id"] not in [row["id"] for row in tax.get(objections_url()).json()["results"]]
    assert tax.get(objections_url(objection["id"])).status_code == 404
    for name, body in DECISIONS:
        assert tax.post(objections_url(objection["id"], name), body, format="json").status_code == 404
    assert Objection.objects.get(pk=objection["id"]).state == ObjectionState.SUBMITTED


def test_the_filing_executing_department_may_not_decide(world, api, held):
    entry, _case = held
    objection = file_objection(api, entry)
    finance = api("finance")

    assert finance.get(objections_url(objection["id"])).status_code == 200
    for name, body in DECISIONS:
        assert finance.post(objections_url(objection["id"], name), body, format="json").status_code == 403, name
    assert Objection.objects.get(pk=objection["id"]).state == ObjectionState.SUBMITTED


def test_the_leadership_office_reads_only(world, api, held):
    entry, _case = held
    objection = file_objection(api, entry)
    leader = api("leadership_office")

    assert objection["id"] in [row["id"] for row in leader.get(objections_url()).json()["results"]]
    detail = leader.get(objections_url(objection["id"]))
    assert detail.status_code == 200 and detail.json()["allowed_transitions"] == []
    for name, body in DECISIONS:
        assert leader.post(objections_url(objection["id"], name), body, format="json").status_code == 403
    assert leader.post(objections_url(), {"list_entry": entry.pk, "grounds": "x", "contact": "y"}, format="json").status_code == 403
    assert Objection.objects.count() == 1


def test_the_credit_office_decides_any_objection(world, api, held):
    entry, _case = held
    objection = file_objection(api, entry)

    response = api("credit_office").post(objections_url(objection["id"], "accept"), {}, format="json")

    assert response.status_code == 200 and response.json()["state"] == "verifying"
    assert Assignment.objects.filter(case__list_entry_id=entry.pk).exclude(state=AssignmentState.SUSPENDED).count() == 0
