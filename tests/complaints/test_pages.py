"""The public complaint pages (/credit/complaints/), the admin's buttons and the supervision page."""
import datetime

from django.test import Client
from django.utils import timezone

from complaints.models import Complaint
from tests.complaints.helpers import CONTACT, red_entry, report
from tests.records.test_admin import buttons_on


def test_the_public_files_a_report_reads_the_receipt_and_follows_it(world):
    client = Client()
    assert client.get("/credit/complaints/").status_code == 200
    empty = client.post("/credit/complaints/", {"identifier": "", "name": "", "grounds": "", "contact": ""})
    assert empty.status_code == 400 and "提交未成功" in empty.content.decode()

    filed = client.post("/credit/complaints/", {"identifier": world.company.identifier, "name": world.company.name,
                                                "grounds": "拖欠工资。", "contact": CONTACT})

    assert filed.status_code == 302 and filed["Location"].endswith("/credit/complaints/receipt/")
    complaint = Complaint.objects.get()
    receipt = client.get(filed["Location"]).content.decode()
    assert complaint.receipt_number in receipt and "已收到，等待分办" in receipt and CONTACT not in receipt
    Complaint.objects.filter(pk=complaint.pk).update(state="rejected", rejection_reason="查无实据。")
    status = Client().post("/credit/complaints/status/", {"receipt_number": complaint.receipt_number.lower()}).content.decode()
    assert "举报不予采纳" in status and "查无实据。" in status
    assert Client().post("/credit/complaints/status/", {"receipt_number": "JB0000"}).status_code == 404


def test_the_admin_routes_and_substantiates_with_buttons(world):
    red_entry(world)
    complaint = Complaint.objects.get(receipt_number=report(world))
    url = f"/admin/complaints/complaint/{complaint.pk}/change/"
    credit, civilization, market = Client(), Client(), Client()
    credit.force_login(world.user("credit_office"))
    civilization.force_login(world.user("civilization"))
    market.force_login(world.user("market"))
    first = credit.get(url)
    assert first.status_code == 200, first.status_code
    assert buttons_on(first.content.decode()) == {"assign", "reject"}
    assert market.get(url).status_code in (302, 404)

    assigned = credit.post(f"/admin/complaints/complaint/{complaint.pk}/do/assign/", {"department": world.department("civilization").pk})
    assert assigned.status_code == 302
    page = civilization.get(url).content.decode()
    assert buttons_on(page) == {"reject", "substantiate"} and CONTACT in page
    done = civilization.post(f"/admin/complaints/complaint/{complaint.pk}/do/substantiate/", {"action": "remove_red", "note": "属实。"})
    assert done.status_code == 302
    complaint.refresh_from_db()
    assert (complaint.state, complaint.action) == ("substantiated", "remove_red")
    listed = civilization.get("/admin/complaints/complaint/?whose=to_verify").content.decode()
    assert complaint.receipt_number in listed


def test_overdue_complaints_show_on_the_dashboard_and_are_urged(world):
    complaint = Complaint.objects.get(receipt_number=report(world))
    Complaint.objects.filter(pk=complaint.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=2))
    leadership = Client()
    leadership.force_login(world.user("leadership_office"))

    page = leadership.get("/dashboard/complaints/")

    assert page.status_code == 200
    text = page.content.decode()
    assert complaint.receipt_number in text and 'id="complaints-overdue-total">1<' in text
    urged = leadership.post("/dashboard/complaints/urge/", {"item": [complaint.pk], "next": "/dashboard/complaints/"})
    assert urged.status_code == 302
    complaint.refresh_from_db()
    assert complaint.urge_count == 1 and complaint.last_urged_on == timezone.localdate()
    market = Client()
    market.force_login(world.user("market"))
    assert market.post("/dashboard/complaints/urge/", {"item": [complaint.pk]}).status_code == 403
    assert complaint.receipt_number not in market.get("/dashboard/complaints/").content.decode()
