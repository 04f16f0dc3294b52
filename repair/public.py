"""Credit repair on the public credit website (/credit/repairs/): apply, get a receipt, follow it.

No login, Chinese only. A filing that matches no public record gets the one answer of
``credit_platform.public_filing``; a match is filed and answered with its receipt. What the entry
itself stands against (not yet or never repairable, an application already being handled, a
training certificate its rule set asks for) is the platform's refusal of the filed application,
which the receipt shows with the reason and the date from which to apply (``repair.wording``).
``public_status`` is shared with ``GET /api/v1/public/repairs/{receipt}/``.
"""
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.views.decorators.http import require_http_methods

from credit_platform import public_filing
from credit_platform.public_filing import TOO_MANY, add_public_errors, filing_throttled, receipt_page, status_page
from lists.public import public_entry_prefill
from repair import services
from repair.forms import PublicRepairForm, documents_of
from repair.models import RepairApplication, RepairState

SESSION_KEY = "credit.repair_receipt"

STATE_LABELS = {
    RepairState.SUBMITTED: "已提交，等待受理",
    RepairState.REVIEWING: "已受理，认定部门审核中",
    RepairState.APPROVED: "修复完成：已移出名单，停止公示，联合惩戒措施解除",
    RepairState.REJECTED: "审核不予修复",
    RepairState.REFUSED: "不予受理",
}

# The services' field errors, in the public's words. A mismatch is no field's error: it is
# public_filing's one non-field answer.
FIELD_MESSAGES = {
    **public_filing.FIELD_MESSAGES,
    "decision_number": "请填写申请修复的失信信息的决定文号。",
    "evidence": "请说明履行法定义务、纠正失信行为的情况。",
    "commitment_signed": "申请信用修复须签署信用承诺书。",
    "documents": "请提交履行义务的证明材料和签署的信用承诺书；材料须为 PDF、JPG 或 PNG 文件，每个不超过 10 MB。",
}


def _local_date(value):
    return timezone.localdate(value) if value else None


def public_status(application: RepairApplication) -> dict:
    """What the receipt holder may read about the application."""
    return {
        "receipt_number": application.receipt_number,
        "state": application.state,
        "state_label": STATE_LABELS.get(application.state, application.state),
        "filed_on": _local_date(application.created_at),
        "deciding_department": application.deciding_department.name,
        "decision_number": application.target.decision_number,
        "answer_due": application.answer_due,
        "accepted_on": _local_date(application.accepted_at),
        "decide_due": application.decide_due,
        "extended": application.extended,
        "extension_reason": application.extension_reason,
        "decided_on": _local_date(application.decided_at),
        "refusal_reason": application.refusal_reason if application.state == RepairState.REFUSED else "",
        "rejection_reason": application.rejection_reason if application.state == RepairState.REJECTED else "",
        "eligible_from": application.eligible_from,
    }


def repair_by_receipt(receipt_number: str) -> RepairApplication | None:
    number = "".join((receipt_number or "").split()).upper()
    if not number or len(number) > 20:
        return None
    return RepairApplication.objects.select_related("deciding_department", "list_entry", "record").filter(receipt_number=number).first()


@require_http_methods(["GET", "POST"])
def repair_new(request):
    """``/credit/repairs/``: the application form; on success the receipt page (PRG)."""
    with translation.override("zh-hans"):
        # From a search result: what the public page showed of the entry (lists.public), signed.
        prefill = public_entry_prefill(request.GET.get("entry", "")) if request.method == "GET" else {}
        # Bound on every POST, even an empty one (a throttled empty POST gets its 429, not a 500).
        form = PublicRepairForm(request.POST if request.method == "POST" else None, request.FILES or None, initial=prefill)
        context, status = {"form": form, "prefilled": bool(prefill), "judicial": prefill.get("domain") == "judicial"}, 200
        if request.method == "POST":
            if filing_throttled(request):
                form.add_error(None, TOO_MANY)
                status = 429
            elif form.is_valid():
                data = form.cleaned_data
                try:
                    target = services.public_repair_target(
                        target=data["target"], identifier=data["identifier"], name=data["name"], decision_number=data["decision_number"],
                    )
                    application = services.repair_apply(
                        **target, evidence=data["evidence"], commitment_signed=data["commitment_signed"],
                        contact=data["contact"], applicant_name=data["name"],
                        documents=documents_of(data), channel=RepairApplication.Channel.PUBLIC,
                    )
                except ValidationError as exc:
                    add_public_errors(form, exc, FIELD_MESSAGES)
                else:
                    request.session[SESSION_KEY] = application.receipt_number
                    return redirect("credit_repairs:receipt")
            if form.errors and status == 200:
                status = 400
        context["files_lost"] = bool(request.FILES) and status != 200
        return render(request, "credit/repair/form.html", context, status=status)


@require_http_methods(["GET"])
def repair_receipt(request):
    return receipt_page(request, session_key=SESSION_KEY, find=repair_by_receipt, status_of=public_status,
                        template="credit/repair/receipt.html", status_url="credit_repairs:status")


@require_http_methods(["GET", "POST"])
def repair_status(request):
    """``/credit/repairs/status/``: follow an application by its receipt number."""
    return status_page(request, find=repair_by_receipt, status_of=public_status, template="credit/repair/status.html")
