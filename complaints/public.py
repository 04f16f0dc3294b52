"""Complaints on the public credit website (/credit/complaints/): report, get a receipt, follow it.

No login, Chinese only. The receipt number alone lets the reporter follow the report, so the status
shows only the state, the dates, the outcome and a rejection's reason: never the contact, the
grounds or the clerks. ``public_status`` is shared with ``GET /api/v1/public/complaints/{receipt}/``.
The answer is the same whether or not the subject is registered (the receipt).
"""
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.views.decorators.http import require_http_methods

from complaints import services
from complaints.forms import PublicComplaintForm
from complaints.models import Complaint, ComplaintAction, ComplaintState
from credit_platform import public_filing
from credit_platform.public_filing import TOO_MANY, add_public_errors, filing_throttled, receipt_page, status_page

SESSION_KEY = "credit.complaint_receipt"

STATE_LABELS = {
    ComplaintState.RECEIVED: "已收到，等待分办",
    ComplaintState.ASSIGNED: "已转交主管部门核实",
    ComplaintState.SUBSTANTIATED: "举报属实，已依法处理",
    ComplaintState.REJECTED: "举报不予采纳",
}
OUTCOME_LABELS = {
    ComplaintAction.RECORD: "记入失信信息并公示",
    ComplaintAction.PROPOSE_BLACK: "启动严重失信主体名单认定程序",
    ComplaintAction.REMOVE_RED: "移出守信激励（红名单）名单，停止激励措施",
}
FIELD_MESSAGES = {
    **public_filing.FIELD_MESSAGES,
    "grounds": "请填写举报内容。",
    "name": "请填写被举报主体名称或姓名。",
    "evidence": "证据材料须为 PDF、JPG 或 PNG 文件，每个不超过 10 MB。",
}


def public_status(complaint: Complaint) -> dict:
    """What the receipt holder may read about the report."""
    substantiated = complaint.state == ComplaintState.SUBSTANTIATED
    decided = complaint.state in (ComplaintState.SUBSTANTIATED, ComplaintState.REJECTED)
    return {
        "receipt_number": complaint.receipt_number,
        "state": complaint.state,
        "state_label": STATE_LABELS.get(complaint.state, complaint.state),
        "filed_on": complaint.received_on,
        "due_on": complaint.due_on,
        "department": complaint.department.name if complaint.department_id else "",
        "decided_on": timezone.localdate(complaint.decided_at) if decided and complaint.decided_at else None,
        "outcome": complaint.action if substantiated else "",
        "outcome_label": OUTCOME_LABELS.get(complaint.action, "") if substantiated else "",
        "note": complaint.note if substantiated else "",
        "rejection_reason": complaint.rejection_reason if complaint.state == ComplaintState.REJECTED else "",
    }


def complaint_by_receipt(receipt_number: str) -> Complaint | None:
    """The complaint with this receipt number (any case, spaces ignored), or None. Unique index."""
    number = "".join((receipt_number or "").split()).upper()
    if not number or len(number) > 20:
        return None
    return Complaint.objects.select_related("department").filter(receipt_number=number).first()


@require_http_methods(["GET", "POST"])
def complaint_new(request):
    """``/credit/complaints/``: the report form; on success the receipt page (PRG)."""
    with translation.override("zh-hans"):
        form = PublicComplaintForm(request.POST if request.method == "POST" else None, request.FILES or None)
        status = 200
        if request.method == "POST":
            if filing_throttled(request):
                form.add_error(None, TOO_MANY)
                status = 429
            elif form.is_valid():
                data = form.cleaned_data
                try:
                    complaint = services.complaint_file(identifier=data["identifier"], name=data["name"], grounds=data["grounds"],
                                                        contact=data["contact"], files=data["evidence"])
                except ValidationError as exc:
                    add_public_errors(form, exc, FIELD_MESSAGES)
                else:
                    request.session[SESSION_KEY] = complaint.receipt_number
                    return redirect("credit_complaints:receipt")
            if form.errors:
                status = status if status != 200 else 400
        return render(request, "credit/complaints/form.html", {"form": form, "files_lost": bool(request.FILES) and status != 200}, status=status)


@require_http_methods(["GET"])
def complaint_receipt(request):
    return receipt_page(request, session_key=SESSION_KEY, find=complaint_by_receipt, status_of=public_status,
                        template="credit/complaints/receipt.html", status_url="credit_complaints:status")


@require_http_methods(["GET", "POST"])
def complaint_status(request):
    """``/credit/complaints/status/``: follow a report by its receipt number."""
    return status_page(request, find=complaint_by_receipt, status_of=public_status, template="credit/complaints/status.html")
