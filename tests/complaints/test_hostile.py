"""Hostile probes of complaints (issue 15): every move audited without the reporter's contact, the
contact kept from departments it was not routed to, a decided complaint refused by its state."""
import pytest

from complaints.models import Complaint
from credit_platform.models import AuditEvent
from records.models import CreditRecord
from tests.complaints.helpers import COMPLAINTS, CONTACT, report


@pytest.fixture
def assigned(world, api):
    complaint = Complaint.objects.get(receipt_number=report(world))
    assert api("credit_office").post(f"{COMPLAINTS}{complaint.pk}/assign/", {"department": "market"}, format="json").status_code == 200
    return complaint


def _events(complaint) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_id=str(complaint.pk), action__startswith="complaint_").order_by("seq"))


def test_every_move_is_audited_and_no_event_holds_the_contact(assigned, api):
    assert api("market").post(f"{COMPLAINTS}{assigned.pk}/substantiate/", {"action": "record", "note": "属实。"},
                              format="json").status_code == 200
    events = _events(assigned)
    assert [(e.action, e.to_state) for e in events] == [
        ("complaint_received", "received"), ("complaint_assigned", "assigned"), ("complaint_substantiated", "substantiated")]
    assert [e.actor.username if e.actor else None for e in events] == [None, "credit_office", "market"]
    for event in events:
        assert "13800138000" not in f"{event.extra} {event.reason} {event.object_repr}"


def test_a_rejection_is_audited_with_its_reason(assigned, api):
    assert api("market").post(f"{COMPLAINTS}{assigned.pk}/reject/", {"reason": "经核查不属实。"}, format="json").status_code == 200
    event = _events(assigned)[-1]
    assert (event.action, event.from_state, event.to_state, event.reason) == ("complaint_rejected", "assigned", "rejected", "经核查不属实。")


@pytest.mark.parametrize("username", ["credit_office", "leadership_office", "market"])
def test_the_contact_reaches_the_offices_and_the_assigned_department(assigned, api, username):
    assert api(username).get(f"{COMPLAINTS}{assigned.pk}/").json()["contact"] == CONTACT


def test_a_department_it_was_routed_away_from_loses_it_contact_and_all(assigned, api):
    assert api("credit_office").post(f"{COMPLAINTS}{assigned.pk}/assign/", {"department": "tax"}, format="json").status_code == 200
    market = api("market")
    assert market.get(f"{COMPLAINTS}{assigned.pk}/").status_code == 404
    assert CONTACT not in market.get(COMPLAINTS).content.decode()


@pytest.mark.parametrize("move, body", [("reject", {"reason": "不属实。"}), ("substantiate", {"action": "record", "note": "属实。"})])
def test_the_assigned_department_gets_409_not_403_once_it_decided(assigned, api, move, body):
    assert api("market").post(f"{COMPLAINTS}{assigned.pk}/substantiate/", {"action": "record", "note": "属实。"},
                              format="json").status_code == 200
    again = api("market").post(f"{COMPLAINTS}{assigned.pk}/{move}/", body, format="json")
    assert again.status_code == 409 and again.json()["state"] == "substantiated"
    assert len(_events(assigned)) == 3


def test_the_leadership_office_reads_but_cannot_reject_a_decided_complaint(assigned, api):
    assert api("market").post(f"{COMPLAINTS}{assigned.pk}/reject/", {"reason": "不属实。"}, format="json").status_code == 200
    assert api("leadership_office").post(f"{COMPLAINTS}{assigned.pk}/reject/", {"reason": "x"}, format="json").status_code == 403
    assert Complaint.objects.get(pk=assigned.pk).rejection_reason == "不属实。"


def test_a_note_too_long_for_the_records_findings_is_refused_on_the_note(assigned, api):
    response = api("market").post(f"{COMPLAINTS}{assigned.pk}/substantiate/", {"action": "record", "note": "查" * 3000}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"note"}
    assert Complaint.objects.get(pk=assigned.pk).state == "assigned"


def test_a_department_records_a_substantiated_complaint_only_under_a_type_it_provides(world, api):
    complaint = Complaint.objects.get(receipt_number=report(world))
    assert api("credit_office").post(f"{COMPLAINTS}{complaint.pk}/assign/", {"department": "tax"}, format="json").status_code == 200
    response = api("tax").post(f"{COMPLAINTS}{complaint.pk}/substantiate/", {
        "action": "record", "note": "属实。", "record_type": "abnormal-operations", "content": {"listing_reason": "通过登记的住所无法联系"},
    }, format="json")  # the market regulator's type
    assert response.status_code == 400 and set(response.json()) == {"record_type"}
    assert not CreditRecord.objects.filter(subject=world.company, record_type__code="abnormal-operations").exists()
    assert Complaint.objects.get(pk=complaint.pk).state == "assigned"
