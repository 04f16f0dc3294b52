"""The actor matrix of every complaints endpoint: anonymous 401 on the department endpoints, another
department 404, a department that may see but not make the move 403, the public endpoints open."""
import pytest
from rest_framework.test import APIClient

from complaints.models import Complaint
from tests.complaints.helpers import COMPLAINTS, PUBLIC, report


@pytest.fixture
def assigned(world, api):
    complaint = Complaint.objects.get(receipt_number=report(world))
    assert api("credit_office").post(f"{COMPLAINTS}{complaint.pk}/assign/", {"department": "market"}, format="json").status_code == 200
    return complaint


MOVES = {
    "assign": {"department": "tax"},
    "substantiate": {"action": "record", "note": "属实。"},
    "reject": {"reason": "不属实。"},
    "urge": {},
}


def test_anonymous_callers_get_401_on_every_department_endpoint(assigned):
    client = APIClient()
    assert client.get(COMPLAINTS).status_code == 401
    assert client.get(f"{COMPLAINTS}{assigned.pk}/").status_code == 401
    for move, body in MOVES.items():
        assert client.post(f"{COMPLAINTS}{assigned.pk}/{move}/", body, format="json").status_code == 401, move


def test_another_department_gets_404_everywhere(assigned, api):
    tax = api("tax")
    assert tax.get(COMPLAINTS).json()["results"] == []
    assert tax.get(f"{COMPLAINTS}{assigned.pk}/").status_code == 404
    for move, body in MOVES.items():
        assert tax.post(f"{COMPLAINTS}{assigned.pk}/{move}/", body, format="json").status_code == 404, move
    assert Complaint.objects.get(pk=assigned.pk).state == "assigned"


def test_only_the_credit_office_routes_and_the_leadership_office_reads(assigned, api):
    market, leadership = api("market"), api("leadership_office")
    assert [row["id"] for row in market.get(COMPLAINTS).json()["results"]] == [assigned.pk]
    assert market.get(f"{COMPLAINTS}{assigned.pk}/").json()["allowed_transitions"] == ["reject", "substantiate"]
    assert market.post(f"{COMPLAINTS}{assigned.pk}/assign/", MOVES["assign"], format="json").status_code == 403
    assert [row["id"] for row in leadership.get(COMPLAINTS).json()["results"]] == [assigned.pk]
    for move in ("assign", "substantiate", "reject"):
        assert leadership.post(f"{COMPLAINTS}{assigned.pk}/{move}/", MOVES[move], format="json").status_code == 403, move
    # the credit office re-routes while open
    rerouted = api("credit_office").post(f"{COMPLAINTS}{assigned.pk}/assign/", MOVES["assign"], format="json")
    assert rerouted.status_code == 200 and rerouted.json()["department"] == "tax"
    assert market.get(f"{COMPLAINTS}{assigned.pk}/").status_code == 404


def test_an_unrouted_complaint_is_the_credit_offices_alone(world, api):
    complaint = Complaint.objects.get(receipt_number=report(world))
    assert api("market").get(f"{COMPLAINTS}{complaint.pk}/").status_code == 404
    credit = api("credit_office")
    assert credit.get(f"{COMPLAINTS}{complaint.pk}/").json()["allowed_transitions"] == ["assign", "reject"]
    early = credit.post(f"{COMPLAINTS}{complaint.pk}/substantiate/", MOVES["substantiate"], format="json")
    assert early.status_code == 403  # nobody decides before it is routed
    assert credit.post(f"{COMPLAINTS}{complaint.pk}/assign/", {"department": "leadership_office"}, format="json").status_code == 400
    assert credit.post(f"{COMPLAINTS}{complaint.pk}/reject/", {"reason": ""}, format="json").status_code == 400


def test_the_public_endpoints_need_no_login(world):
    receipt = report(world)
    assert APIClient().get(f"{PUBLIC}{receipt}/").status_code == 200
    assert APIClient().get(f"{PUBLIC}NOSUCHRECEIPT/").status_code == 404
