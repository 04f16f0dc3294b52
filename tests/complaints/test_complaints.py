"""Complaints (投诉举报) end to end over the API: filed by the public, routed by the credit office,
substantiated by the assigned department (a red entry removed and its reward measures lifted; a
record; a black-list proposal) or rejected with a reason the reporter reads; the reporter's contact
never reaches the subject's credit file nor another department; 15 working days; the workbench."""
import datetime

from django.utils import timezone
from rest_framework.test import APIClient

from complaints.models import Complaint
from credit_platform import calendar
from credit_platform.models import Notification
from lists.models import ListEntry
from records.models import CreditRecord
from sanctions.models import Assignment, CaseState, JointCase
from tests.complaints.helpers import COMPLAINTS, CONTACT, PUBLIC, red_entry, report

WORKBENCH = "/api/v1/workbench/"


def complaint_task(client):
    tasks = {task["code"]: task for task in client.get(WORKBENCH).json()["tasks"]}
    return tasks.get("complaints")


def test_a_substantiated_report_removes_the_red_entry_and_lifts_its_reward_measures(world, api, django_capture_on_commit_callbacks):
    entry = red_entry(world)
    case = JointCase.objects.get(list_entry_id=entry.pk)
    assert case.state in (CaseState.PUSHED, CaseState.EXECUTING) and case.assignments.exists()
    with django_capture_on_commit_callbacks(execute=True):
        receipt = report(world)
    complaint = Complaint.objects.get(receipt_number=receipt)
    assert complaint.subject == world.company and complaint.state == "received"
    credit, civilization = api("credit_office"), api("civilization")
    assert complaint_task(credit)["count"] == 1
    assert Notification.objects.filter(department__code="credit_office", verb="complaint_received").exists()

    with django_capture_on_commit_callbacks(execute=True):
        assigned = credit.post(f"{COMPLAINTS}{complaint.pk}/assign/", {"department": "civilization"}, format="json")
    assert assigned.status_code == 200, assigned.content
    assert (assigned.json()["state"], assigned.json()["department"]) == ("assigned", "civilization")
    assert complaint_task(civilization) == {**complaint_task(civilization), "count": 1, "overdue": 0}
    assert complaint_task(credit)["count"] == 0  # routed: the civilization office's now
    assert Notification.objects.filter(department__code="civilization", verb="complaint_assigned").exists()

    done = civilization.post(f"{COMPLAINTS}{complaint.pk}/substantiate/",
                             {"action": "remove_red", "note": "经核实，该公司确有拖欠工资行为。"}, format="json")

    assert done.status_code == 200, done.content
    assert (done.json()["state"], done.json()["action"], done.json()["removed_entries"]) == ("substantiated", "remove_red", [entry.pk])
    entry.refresh_from_db()
    case.refresh_from_db()
    assert (entry.state, entry.removal_reason) == ("removed", "revoked")
    assert case.state == CaseState.REVOKED
    assert set(Assignment.objects.filter(case=case).values_list("state", flat=True)) == {"lifting"}
    assert complaint_task(civilization)["count"] == 0

    follow_up = APIClient().get(f"{PUBLIC}{receipt}/").json()
    assert (follow_up["state"], follow_up["outcome"]) == ("substantiated", "remove_red")
    assert follow_up["outcome_label"] == "移出守信激励（红名单）名单，停止激励措施"
    assert follow_up["department"] == world.department("civilization").name
    assert CONTACT not in str(follow_up) and "civilization" not in str(follow_up)


def test_a_rejection_reason_reaches_the_reporter(world, api):
    receipt = report(world)
    complaint = Complaint.objects.get(receipt_number=receipt)
    api("credit_office").post(f"{COMPLAINTS}{complaint.pk}/assign/", {"department": "market"}, format="json")

    rejected = api("market").post(f"{COMPLAINTS}{complaint.pk}/reject/", {"reason": "经现场核查，未发现举报所述情况。"}, format="json")

    assert rejected.status_code == 200, rejected.content
    follow_up = APIClient().get(f"{PUBLIC}{receipt.lower()}/").json()
    assert (follow_up["state"], follow_up["rejection_reason"]) == ("rejected", "经现场核查，未发现举报所述情况。")
    assert follow_up["outcome"] == ""
    again = api("market").post(f"{COMPLAINTS}{complaint.pk}/substantiate/", {"action": "record", "note": "x"}, format="json")
    assert again.status_code == 409
    assert APIClient().get(f"{PUBLIC}JB2345678923456/").status_code == 404


def test_the_reporters_contact_never_reaches_the_credit_file_nor_another_department(world, api):
    red_entry(world)
    complaint = Complaint.objects.get(receipt_number=report(world))
    api("credit_office").post(f"{COMPLAINTS}{complaint.pk}/assign/", {"department": "civilization"}, format="json")
    api("civilization").post(f"{COMPLAINTS}{complaint.pk}/substantiate/", {"action": "remove_red", "note": "属实。"}, format="json")

    for department in ("credit_office", "civilization", "market", "leadership_office"):
        file = api(department).get(f"/api/v1/subjects/{world.company.pk}/credit-file/")
        assert file.status_code == 200, file.content
        assert CONTACT not in file.content.decode() and "13800138000" not in file.content.decode()
    market = api("market")
    assert market.get(COMPLAINTS).json()["results"] == []
    assert market.get(f"{COMPLAINTS}{complaint.pk}/").status_code == 404
    # the assigned department and the credit office do see whom to answer
    assert api("civilization").get(f"{COMPLAINTS}{complaint.pk}/").json()["contact"] == CONTACT


def test_due_in_fifteen_working_days_from_receipt_then_from_routing(world, api):
    today = timezone.localdate()
    complaint = Complaint.objects.get(receipt_number=report(world))
    assert complaint.due_on == calendar.add_working_days(today, 15).date and complaint.received_on == today
    Complaint.objects.filter(pk=complaint.pk).update(received_on=today - datetime.timedelta(days=10), due_on=today - datetime.timedelta(days=1))
    credit = api("credit_office")
    listed = credit.get(COMPLAINTS, {"overdue": "true"}).json()["results"]
    assert [row["id"] for row in listed] == [complaint.pk]
    assert complaint_task(credit)["overdue"] == 1

    credit.post(f"{COMPLAINTS}{complaint.pk}/assign/", {"department": "market"}, format="json")

    complaint.refresh_from_db()
    assert complaint.due_on == calendar.add_working_days(today, 15).date
    assert credit.get(COMPLAINTS, {"overdue": "true"}).json()["results"] == []


def test_substantiated_into_a_published_dishonesty_record(world, api):
    complaint = Complaint.objects.get(receipt_number=report(world))
    api("credit_office").post(f"{COMPLAINTS}{complaint.pk}/assign/", {"department": "market"}, format="json")

    done = api("market").post(f"{COMPLAINTS}{complaint.pk}/substantiate/", {"action": "record", "note": "虚假宣传属实。"}, format="json")

    assert done.status_code == 200, done.content
    record = CreditRecord.objects.get(pk=done.json()["record"])
    assert (record.subject, record.department.code, record.state, record.record_type.code) == (
        world.company, "market", "published", "complaint-substantiated")
    assert record.content == {"findings": "虚假宣传属实。"}
    # published, so never the receipt number (the reporter's key to the follow-up page)
    assert complaint.receipt_number not in record.decision_number and str(complaint.pk) in record.decision_number
    assert CONTACT not in str(record.content) + record.basis


def test_substantiated_into_a_black_list_proposal_which_needs_its_decision_content(world, api):
    complaint = Complaint.objects.get(receipt_number=report(world))
    api("credit_office").post(f"{COMPLAINTS}{complaint.pk}/assign/", {"department": "market"}, format="json")
    market = api("market")
    missing = market.post(f"{COMPLAINTS}{complaint.pk}/substantiate/", {"action": "propose_black", "note": "属实。"}, format="json")
    assert missing.status_code == 400 and "domain" in missing.json()
    assert Complaint.objects.get(pk=complaint.pk).state == "assigned"

    done = market.post(f"{COMPLAINTS}{complaint.pk}/substantiate/", {
        "action": "propose_black", "note": "多次虚假宣传，情节严重。", "domain": "market",
        "exit_conditions": "整改到位并履行处罚决定后可申请移出。", "remedies": "可在公示期内提出异议。",
    }, format="json")

    assert done.status_code == 200, done.content
    proposal = ListEntry.objects.get(pk=done.json()["proposed_entry"])
    assert (proposal.list_type, proposal.state, proposal.identifying_department.code, proposal.severity) == (
        "black", "proposed", "market", "severe")


def test_remove_red_without_a_red_entry_is_refused_and_nothing_moves(world, api):
    complaint = Complaint.objects.get(receipt_number=report(world))
    api("credit_office").post(f"{COMPLAINTS}{complaint.pk}/assign/", {"department": "civilization"}, format="json")

    refused = api("civilization").post(f"{COMPLAINTS}{complaint.pk}/substantiate/", {"action": "remove_red", "note": "属实。"}, format="json")

    assert refused.status_code == 400 and "action" in refused.json()
    assert Complaint.objects.get(pk=complaint.pk).state == "assigned"


def test_an_unregistered_subject_is_filed_alike_and_can_only_be_rejected(world, api):
    response = APIClient().post(PUBLIC, {"identifier": "91110105MA01234567", "name": "某某公司", "grounds": "无证经营。", "contact": "王五"},
                                format="json")
    assert response.status_code in (201, 400)
    if response.status_code == 400:  # check character: the format alone is told
        assert set(response.json()) == {"identifier"}
        return
    complaint = Complaint.objects.get(receipt_number=response.json()["receipt_number"])
    assert complaint.subject is None


def test_the_public_filing_checks_its_input_and_honours_the_idempotency_key(world):
    client = APIClient()
    bad = client.post(PUBLIC, {"identifier": "123", "name": "", "grounds": " ", "contact": ""}, format="json")
    assert bad.status_code == 400 and {"identifier", "name", "grounds", "contact"} <= set(bad.json())
    body = {"identifier": world.company.identifier, "name": world.company.name, "grounds": "偷税。", "contact": CONTACT}
    first = client.post(PUBLIC, body, format="json", HTTP_IDEMPOTENCY_KEY="report-1")
    again = client.post(PUBLIC, body, format="json", HTTP_IDEMPOTENCY_KEY="report-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and Complaint.objects.count() == 1


def test_an_overdue_complaint_is_urged_once_a_day(world, api, django_capture_on_commit_callbacks):
    complaint = Complaint.objects.get(receipt_number=report(world))
    api("credit_office").post(f"{COMPLAINTS}{complaint.pk}/assign/", {"department": "market"}, format="json")
    leadership = api("leadership_office")
    not_yet = leadership.post(f"{COMPLAINTS}{complaint.pk}/urge/", {"note": "请尽快办理"}, format="json")
    assert not_yet.status_code == 400
    Complaint.objects.filter(pk=complaint.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=1))

    with django_capture_on_commit_callbacks(execute=True):
        urged = leadership.post(f"{COMPLAINTS}{complaint.pk}/urge/", {"note": "请尽快办理"}, format="json")

    assert urged.status_code == 200, urged.content
    assert urged.json()["urge_count"] == 1
    assert Notification.objects.filter(department__code="market", verb="complaint_urged").exists()
    assert leadership.post(f"{COMPLAINTS}{complaint.pk}/urge/", {}, format="json").status_code == 400
    assert api("market").post(f"{COMPLAINTS}{complaint.pk}/urge/", {}, format="json").status_code == 403
    assert api("tax").post(f"{COMPLAINTS}{complaint.pk}/urge/", {}, format="json").status_code == 404
