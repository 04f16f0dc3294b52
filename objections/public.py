"""Objections on the public credit website (/credit/objections/): file one, get a receipt, follow it.

No login, Chinese only. The receipt number alone lets the applicant follow the objection, so the
status shows only the state, the dates and the decision: never the contact, the grounds, another
subject or the clerks. ``public_status`` is shared with ``GET /api/v1/public/objections/{receipt}/``.
A filing that matches no public record gets the one answer of ``credit_platform.public_filing``.
"""
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.views.decorators.http import require_http_methods

from credit_platform import public_filing
from credit_platform.public_filing import TOO_MANY, add_public_errors, filing_throttled, receipt_page, status_page
from lists.public import public_entry_prefill
from objections import services
from objections.forms import PublicObjectionForm
from objections.models import Decision, Objection, ObjectionState

SESSION_KEY = "credit.objection_receipt"

STATE_LABELS = {
    ObjectionState.SUBMITTED: "已提交，等待受理",
    ObjectionState.VERIFYING: "已受理，正在核查（核查期间暂停执行联合惩戒措施）",
    ObjectionState.UPHELD: "异议成立",
    ObjectionState.DISMISSED: "异议不成立，维持原记录",
    ObjectionState.REFUSED: "不予受理",
}
DECISION_LABELS = {
    Decision.REVOKE: "撤销相关失信信息，恢复名誉",
    Decision.CORRECT: "更正相关信息",
    Decision.DISMISS: "维持原记录",
}

# The services' field errors, in the public's words (the site is Chinese only). A mismatch is no
# field's error: it is public_filing's one non-field answer.
FIELD_MESSAGES = {
    **public_filing.FIELD_MESSAGES,
    "decision_number": "请填写决定文号或联合奖惩案件编号。",
    "target": "请填写决定文号或联合奖惩案件编号。",
    "grounds": "请填写异议理由。",
    "evidence": "证明材料须为 PDF、JPG 或 PNG 文件，每个不超过 10 MB。",
}


def _local_date(value):
    return timezone.localdate(value) if value else None


def public_status(objection: Objection) -> dict:
    """What the receipt holder may read about the objection."""
    decided = objection.state in (ObjectionState.UPHELD, ObjectionState.DISMISSED)
    return {
        "receipt_number": objection.receipt_number,
        "state": objection.state,
        "state_label": STATE_LABELS.get(objection.state, objection.state),
        "filed_on": _local_date(objection.created_at),
        "provider_department": objection.provider_department.name,
        "decision_number": objection.list_entry.decision_number if objection.list_entry_id else (
            objection.record.decision_number if objection.record_id else ""),
        "case_number": objection.case.number if objection.case_id else "",
        "accept_due": objection.accept_due,
        "accepted_on": _local_date(objection.accepted_at),
        "verify_due": objection.verify_due,
        "extended": objection.extended,
        "extension_reason": objection.extension_reason,
        "decided_on": _local_date(objection.decided_at),
        "decision": objection.decision if decided else "",
        "decision_label": DECISION_LABELS.get(objection.decision, "") if decided else "",
        "decision_reason": objection.decision_reason if decided else "",
        "refusal_reason": objection.refusal_reason if objection.state == ObjectionState.REFUSED else "",
    }


def objection_by_receipt(receipt_number: str) -> Objection | None:
    """The objection with this receipt number (any case, spaces ignored), or None. Unique index."""
    number = "".join((receipt_number or "").split()).upper()
    if not number or len(number) > 20:
        return None
    return Objection.objects.select_related("provider_department", "list_entry", "case", "record").filter(receipt_number=number).first()


@require_http_methods(["GET", "POST"])
def objection_new(request):
    """``/credit/objections/``: the objection form; on success the receipt page (PRG)."""
    with translation.override("zh-hans"):
        # From a search result: what the public page showed of the entry (lists.public), signed.
        prefill = public_entry_prefill(request.GET.get("entry", "")) if request.method == "GET" else {}
        # Bound on every POST, even an empty one (a throttled empty POST gets its 429, not a 500).
        form = PublicObjectionForm(request.POST if request.method == "POST" else None, request.FILES or None, initial=prefill)
        status = 200
        if request.method == "POST":
            if filing_throttled(request):
                form.add_error(None, TOO_MANY)
                status = 429
            elif form.is_valid():
                data = form.cleaned_data
                try:
                    target = services.public_objection_filing(
                        target=data["target"], identifier=data["identifier"], name=data["name"], decision_number=data["decision_number"],
                        case_number=data["case_number"],
                    )
                    objection = services.objection_file(
                        **target, grounds=data["grounds"], contact=data["contact"],
                        applicant_name=data["name"], files=data["evidence"], channel=Objection.Channel.PUBLIC,
                    )
                except ValidationError as exc:
                    add_public_errors(form, exc, FIELD_MESSAGES)
                else:
                    request.session[SESSION_KEY] = objection.receipt_number
                    return redirect("credit_objections:receipt")
            if form.errors:
                status = status if status != 200 else 400
        return render(request, "credit/objections/form.html",
                      {"form": form, "files_lost": bool(request.FILES) and status != 200, "prefilled": bool(prefill)}, status=status)


@require_http_methods(["GET"])
def objection_receipt(request):
    return receipt_page(request, session_key=SESSION_KEY, find=objection_by_receipt, status_of=public_status,
                        template="credit/objections/receipt.html", status_url="credit_objections:status")


@require_http_methods(["GET", "POST"])
def objection_status(request):
    """``/credit/objections/status/``: follow an objection by its receipt number."""
    return status_page(request, find=objection_by_receipt, status_of=public_status, template="credit/objections/status.html")
