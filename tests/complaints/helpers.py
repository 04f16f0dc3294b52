"""Short-hands of the complaints tests: a red-listed demo company, a public report about it."""
from rest_framework.test import APIClient

from sanctions.models import JointCase
from sanctions.services import case_push

PUBLIC = "/api/v1/public/complaints/"
COMPLAINTS = "/api/v1/complaints/"
CONTACT = "举报人李四 13800138000"
RED_DECISION = "文明〔2026〕8号"


def red_entry(world):
    """The demo company on the red list (honesty models, identified by the civilization office), its reward case open."""
    entry = world.published(actor="civilization", list_type="red", domain="civilization", decision_number=RED_DECISION)
    case = JointCase.objects.get(list_entry_id=entry.pk)
    case_push(case=case, actor=world.user("civilization"))  # the reward measures reach the departments
    return entry


def report(world, *, grounds="该公司拖欠农民工工资，已有多名工人投诉。", contact=CONTACT, subject=None) -> str:
    subject = subject or world.company
    response = APIClient().post(PUBLIC, {"identifier": subject.identifier, "name": subject.name, "grounds": grounds, "contact": contact},
                                format="json")
    assert response.status_code == 201, response.content
    return response.json()["receipt_number"]
