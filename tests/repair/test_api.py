"""The credit repair API: applications entered and decided over HTTP, eligibility refusals with the
date, the lifting of every measure after approval, and the actor matrix."""
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from credit_platform.models import RuleSet
from credit_platform.rules import add_months
from lists.models import EntryState, RemovalReason
from repair.models import RepairApplication, RepairState
from sanctions import services as case_services
from sanctions.models import AssignmentState, CaseState, JointCase
from tests.lists.conftest import api, days_ago  # noqa: F401 (fixture)
from tests.repair.documents import ALL, multipart

API = "/api/v1"
PDF = b"%PDF-1.4\n%%EOF\n"


def months_ago(n: int) -> datetime.date:
    return add_months(datetime.date.today(), -n)


def repairs_url(pk=None, action=""):
    if pk is None:
        return f"{API}/repairs/"
    return f"{API}/repairs/{pk}/" + (f"{action}/" if action else "")


def body_for(entry, kinds=ALL, **changes) -> dict:
    """A multipart body: the fields and the documents (fresh files each call)."""
    return {
        "list_entry": entry.pk, "commitment_signed": True, "contact": "王建国 13900000000",
        "evidence": "已全部履行判决义务，见执行结案通知书", **multipart(kinds), **changes,
    }


def enter(api, entry, actor="court", **changes) -> dict:
    response = api(actor).post(repairs_url(), body_for(entry, **changes), format="multipart")
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def eligible_entry(world):
    """A severe black entry decided 13 months ago, its case pushed to the executing departments."""
    entry = world.published(severity="severe", decided_on=months_ago(13))
    case_services.case_push(case=JointCase.objects.get(list_entry_id=entry.pk), actor=world.user("court"))
    return entry


# --- eligibility -----------------------------------------------------------------------------------


def test_a_severe_entry_decided_8_months_ago_is_refused_with_the_date(world, api):
    entry = world.published(severity="severe", decided_on=months_ago(8))

    response = api("court").post(repairs_url(), body_for(entry), format="multipart")

    assert response.status_code == 400
    body = response.json()
    assert body["eligible_from"] == entry.repair_possible_from.isoformat()
    assert add_months(entry.decided_on, 12) <= entry.repair_possible_from <= add_months(entry.decided_on, 12) + datetime.timedelta(days=1)
    assert body["reasons"] and "12 months" in body["detail"]
    assert not RepairApplication.objects.exists()


def test_the_general_minimum_is_three_months_and_minor_is_at_once(world, api):
    early = world.published(severity="general", decided_on=months_ago(2), decision_number="（2026）甘0702执1号")
    answer = api("court").post(repairs_url(), body_for(early), format="multipart")
    assert answer.status_code == 400 and answer.json()["eligible_from"] == early.repair_possible_from.isoformat()
    assert early.repair_possible_from <= add_months(early.decided_on, 3) + datetime.timedelta(days=1)

    later = world.published(severity="general", decided_on=months_ago(4), decision_number="（2026）甘0702执2号")
    assert enter(api, later)["state"] == "submitted"

    RuleSet.objects.filter(code="order-36").update(minor_published=True)
    minor = world.published(severity="minor", decided_on=days_ago(20), notified_on=days_ago(18), decision_number="（2026）甘0702执3号")
    assert enter(api, minor)["state"] == "submitted"


def test_an_incomplete_application_names_its_fields(world, api, eligible_entry):
    response = api("court").post(repairs_url(), body_for(eligible_entry, commitment_signed=False, evidence=""), format="multipart")

    assert response.status_code == 400
    assert {"commitment_signed", "evidence"} <= set(response.json())


def test_a_ticked_commitment_without_the_documents_is_a_400_naming_the_missing_kinds(world, api):
    new = world.published(severity="severe", decided_on=datetime.date(2026, 4, 15))  # order 36: training asked for
    court = api("court")
    fields = {"list_entry": new.pk, "commitment_signed": True, "contact": "13900000000", "evidence": "已履行"}

    as_json = court.post(repairs_url(), fields, format="json")
    no_commitment = court.post(repairs_url(), {**fields, **multipart(("proof", "training"))}, format="multipart")
    no_training = court.post(repairs_url(), {**fields, **multipart(("proof", "commitment"))}, format="multipart")

    assert as_json.status_code == 400 and all(f"“{kind}”" in as_json.json()["documents"][0] for kind in ("proof", "commitment"))
    assert no_commitment.status_code == 400 and no_commitment.json() == {"documents": [no_commitment.json()["documents"][0]]}
    assert "“commitment”" in no_commitment.json()["documents"][0]
    assert no_training.status_code == 400 and list(no_training.json()) == ["documents"]
    assert "“training”" in no_training.json()["documents"][0]
    assert not RepairApplication.objects.exists()


def test_the_deciding_department_lists_and_downloads_each_document_and_no_one_else(world, api, eligible_entry):
    application = enter(api, eligible_entry, actor="tax")  # entered by the tax office, decided by the court
    documents = application["documents"]
    assert [d["kind"] for d in documents] == list(ALL)

    for document in documents:
        url = repairs_url(application["id"], f"documents/{document['id']}")
        assert document["url"] == url
        for reader in ("court", "tax", "credit_office", "leadership_office"):
            response = api(reader).get(url)
            assert response.status_code == 200 and response["Content-Type"] == "application/pdf", reader
            assert b"".join(response.streaming_content) == PDF
            assert document["original_name"] in response["Content-Disposition"] or "filename*" in response["Content-Disposition"]
        for stranger in ("finance", "trading"):
            assert api(stranger).get(url).status_code == 404, stranger
        assert api(None).get(url).status_code == 401
    other = enter(api, world.published(severity="general", decided_on=months_ago(5), decision_number="（2026）甘0702执8号"))
    assert api("court").get(repairs_url(other["id"], f"documents/{documents[0]['id']}")).status_code == 404  # not its document


def test_documents_are_uploaded_with_their_kind_and_checked(world, api, eligible_entry):
    client = api("court")
    files = lambda: [SimpleUploadedFile("承诺书.pdf", PDF, "application/pdf"), SimpleUploadedFile("结案.pdf", PDF, "application/pdf")]  # noqa: E731
    bad = client.post(repairs_url(), {**body_for(eligible_entry), "documents": [SimpleUploadedFile("x.png", PDF, "image/png")], "document_kinds": ["proof"]},
                      format="multipart")
    assert bad.status_code == 400 and "documents" in bad.json()
    mismatched = client.post(repairs_url(), {**body_for(eligible_entry), "documents": files()[:1], "document_kinds": ["commitment", "proof"]},
                             format="multipart")
    assert mismatched.status_code == 400 and "document_kinds" in mismatched.json()

    response = client.post(repairs_url(), {**body_for(eligible_entry), "documents": files(), "document_kinds": ["commitment", "proof"]},
                           format="multipart")

    assert response.status_code == 201, response.content
    assert [(d["kind"], d["original_name"]) for d in response.json()["documents"]] == [("commitment", "承诺书.pdf"), ("proof", "结案.pdf")]
    assert response.json()["commitment_signed"] is True and response.json()["training_completed"] is False  # order 58: none asked


# --- approval and lifting --------------------------------------------------------------------------


def test_approval_removes_the_entry_from_public_search_and_every_department_confirms_the_lifting(world, api, eligible_entry, client):
    entry = eligible_entry
    case = JointCase.objects.get(list_entry_id=entry.pk)
    identifier = entry.subject.identifier
    assert entry.decision_number in client.get("/credit/", {"q": identifier}).content.decode()
    application = enter(api, entry)
    court = api("court")
    assert application["allowed_transitions"] == ["accept", "extend", "refuse"]
    assert application["eligibility"]["eligible"] is True

    taken = court.post(repairs_url(application["id"], "accept"), {}, format="json")
    assert taken.status_code == 200 and taken.json()["state"] == "reviewing" and taken.json()["decide_due"]
    approved = court.post(repairs_url(application["id"], "approve"), {}, format="json")

    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    entry.refresh_from_db()
    case.refresh_from_db()
    assert entry.state == EntryState.REMOVED and entry.removal_reason == RemovalReason.REPAIRED
    assert case.state == CaseState.REPAIRED
    assert entry.decision_number not in client.get("/credit/", {"q": identifier}).content.decode()
    public = api(None).get(f"{API}/public/list-entries/", {"q": identifier})
    assert public.status_code == 200 and public.json()["results"] == []
    pushes = list(case.assignments.select_related("department"))
    assert {a.state for a in pushes} == {AssignmentState.LIFTING} and all(a.lift_due for a in pushes)
    assert {row["status"] for row in approved.json()["lifting"]} == {"lifting"}
    for assignment in pushes:
        answer = api(assignment.department.code).post(f"{API}/assignments/{assignment.pk}/confirm_lift/", {}, format="json")
        assert answer.status_code == 200 and answer.json()["state"] == "lifted"
    assert set(case.assignments.values_list("state", flat=True)) == {AssignmentState.LIFTED}
    assert {row["status"] for row in court.get(repairs_url(application["id"])).json()["lifting"]} == {"lifted"}


def test_extend_after_refusal_is_a_409(world, api, eligible_entry):
    """Extend on a refused application (no deadlines left to move): 409, never a 500."""
    court = api("court")
    application = enter(api, eligible_entry)
    url = lambda action: repairs_url(application["id"], action)  # noqa: E731
    assert court.post(url("refuse"), {"reason": "材料不全"}, format="json").status_code == 200

    refused = court.post(url("extend"), {"reason": "材料需核实"}, format="json")

    assert refused.status_code == 409, refused.content
    assert refused.json()["state"] == "refused" and refused.json()["allowed"] == []


def test_a_second_approval_is_a_409_not_a_400(world, api, eligible_entry):
    """The loser of two approvals finds the application approved: a conflict, not an ineligible entry."""
    court = api("court")
    application = enter(api, eligible_entry)
    url = lambda action: repairs_url(application["id"], action)  # noqa: E731
    assert court.post(url("accept"), {}, format="json").status_code == 200
    assert court.post(url("approve"), {}, format="json").status_code == 200

    again = court.post(url("approve"), {}, format="json")

    assert again.status_code == 409, again.content
    assert again.json()["state"] == "approved"


def test_refuse_reject_extend_and_illegal_moves(world, api, eligible_entry):
    court = api("court")
    application = enter(api, eligible_entry)
    url = lambda action: repairs_url(application["id"], action)  # noqa: E731

    early = court.post(url("approve"), {}, format="json")
    assert early.status_code == 409 and early.json()["state"] == "submitted"
    extended = court.post(url("extend"), {"reason": "材料需核实"}, format="json")
    assert extended.status_code == 200 and extended.json()["extended"] is True
    assert court.post(url("extend"), {"reason": "again"}, format="json").status_code == 409
    court.post(url("accept"), {}, format="json")
    assert court.post(url("reject"), {"reason": ""}, format="json").status_code == 400

    rejected = court.post(url("reject"), {"reason": "履行证明系伪造", "false_materials": True}, format="json")

    assert rejected.status_code == 200 and rejected.json()["state"] == "rejected" and rejected.json()["false_materials"] is True
    barred = court.post(repairs_url(), body_for(eligible_entry), format="multipart")
    assert barred.status_code == 400 and barred.json()["eligible_from"]


def test_a_refused_application_changes_nothing(world, api, eligible_entry):
    application = enter(api, eligible_entry)

    response = api("court").post(repairs_url(application["id"], "refuse"), {"reason": "材料不全"}, format="json")

    assert response.status_code == 200 and response.json()["refusal_reason"] == "材料不全"
    eligible_entry.refresh_from_db()
    assert eligible_entry.state == EntryState.PUBLISHED


def test_the_list_filters_and_stays_bounded(world, api, eligible_entry, django_assert_max_num_queries):
    late = enter(api, eligible_entry)
    RepairApplication.objects.filter(pk=late["id"]).update(answer_due=datetime.date(2020, 1, 6))
    other = world.published(severity="general", decided_on=months_ago(5), decision_number="（2026）甘0702执8号")
    fresh = enter(api, other)
    court = api("court")

    def ids(query=""):
        response = court.get(repairs_url() + query)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    assert ids() == [fresh["id"], late["id"]]
    assert ids("?overdue=true") == [late["id"]]
    assert ids("?state=reviewing") == []
    assert ids("?department=court") == [fresh["id"], late["id"]] and ids("?department=tax") == []
    with django_assert_max_num_queries(3):
        court.get(repairs_url())


# --- the actor matrix ------------------------------------------------------------------------------

MOVES = [("accept", {}), ("refuse", {"reason": "x"}), ("extend", {"reason": "x"}), ("approve", {}), ("reject", {"reason": "x"})]


def test_anonymous_gets_401_everywhere(world, api, eligible_entry):
    application = enter(api, eligible_entry)
    anonymous = api(None)

    assert anonymous.get(repairs_url()).status_code == 401
    assert anonymous.get(repairs_url(application["id"])).status_code == 401
    assert anonymous.post(repairs_url(), body_for(eligible_entry), format="multipart").status_code == 401
    for name, body in MOVES:
        assert anonymous.post(repairs_url(application["id"], name), body, format="json").status_code == 401


def test_another_department_gets_404(world, api, eligible_entry):
    application = enter(api, eligible_entry)
    finance = api("finance")  # executes the measures, neither decides nor entered the application

    assert finance.get(repairs_url()).json()["results"] == []
    assert finance.get(repairs_url(application["id"])).status_code == 404
    for name, body in MOVES:
        assert finance.post(repairs_url(application["id"], name), body, format="json").status_code == 404
    assert RepairApplication.objects.get().state == RepairState.SUBMITTED


def test_an_executing_department_that_entered_it_may_not_decide(world, api, eligible_entry):
    application = enter(api, eligible_entry, actor="tax")  # initiates and executes; the court decides
    assert application["filing_department"] == "tax" and application["deciding_department"] == "court"
    tax = api("tax")

    assert tax.get(repairs_url(application["id"])).status_code == 200
    for name, body in MOVES:
        assert tax.post(repairs_url(application["id"], name), body, format="json").status_code == 403, name
    assert RepairApplication.objects.get().state == RepairState.SUBMITTED


def test_a_purely_executing_department_enters_nothing(world, api, eligible_entry):
    assert api("finance").post(repairs_url(), body_for(eligible_entry), format="multipart").status_code == 403


def test_the_leadership_office_reads_only(world, api, eligible_entry):
    application = enter(api, eligible_entry)
    leader = api("leadership_office")

    assert [row["id"] for row in leader.get(repairs_url()).json()["results"]] == [application["id"]]
    detail = leader.get(repairs_url(application["id"]))
    assert detail.status_code == 200 and detail.json()["allowed_transitions"] == []
    for name, body in MOVES:
        assert leader.post(repairs_url(application["id"], name), body, format="json").status_code == 403
    assert leader.post(repairs_url(), body_for(eligible_entry), format="multipart").status_code == 403
    assert RepairApplication.objects.get().state == RepairState.SUBMITTED
