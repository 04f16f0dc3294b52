"""Objections on the public credit website (/credit/objections/): file one, get a receipt, follow it.

No login, Chinese only. The receipt number alone lets the applicant follow the objection, so the
status shows only the state, the dates and the decision: never the contact, the grounds, another
subject or the clerks. ``public_status`` is shared with ``GET /api/v1/public/objections/{receipt}/``.
"""
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.views.decorators.http import require_http_methods

from credit_platform.clients import client_address
from objections import services
from objections.forms import PublicObjectionForm, ReceiptLookupForm
from objections.models import Decision, Objection, ObjectionState

SESSION_KEY = "credit.objection_receipt"
DEFAULT_FILINGS_PER_MINUTE = 10  # filings per address and minute (settings.CREDIT_PUBLIC_FILINGS_PER_MINUTE)
DEFAULT_LOOKUPS_PER_MINUTE = 30  # receipt look-ups per address and minute (settings.CREDIT_PUBLIC_LOOKUPS_PER_MINUTE)

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

# The services' field errors, in the public's words (the site is Chinese only).
FIELD_MESSAGES = {
    "identifier": "未查询到该统一社会信用代码或身份证号码的公示信息，请核对后重新填写。",
    "name": "名称与统一社会信用代码或身份证号码不一致，请核对。",
    "decision_number": "未查询到该主体此决定文号的公示信息，请核对。",
    "case_number": "未查询到该主体此编号的联合奖惩案件，请核对。",
    "target": "请填写决定文号或联合奖惩案件编号。",
    "grounds": "请填写异议理由。",
    "contact": "请填写联系方式，以便告知处理结果。",
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
        "decision_number": objection.list_entry.decision_number if objection.list_entry_id else "",
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
    return Objection.objects.select_related("provider_department", "list_entry", "case").filter(receipt_number=number).first()


def throttled(request, scope: str, setting: str, default: int) -> bool:
    """A fixed-window limit per address and minute, in the shared cache (the API has DRF's "public" scope)."""
    rate = getattr(settings, setting, default)
    if not rate:
        return False
    key = f"credit-public-{scope}:{client_address(request)}:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=120)
        count = 1
    return count > rate


def filing_throttled(request) -> bool:
    return throttled(request, "filing", "CREDIT_PUBLIC_FILINGS_PER_MINUTE", DEFAULT_FILINGS_PER_MINUTE)


def lookup_throttled(request) -> bool:
    return throttled(request, "lookup", "CREDIT_PUBLIC_LOOKUPS_PER_MINUTE", DEFAULT_LOOKUPS_PER_MINUTE)


def add_public_errors(form, exc: ValidationError, messages: dict) -> None:
    """A service's refusal on the public form, in Chinese, on the field it names where the form has it."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, "；".join(exc.messages))
        return
    for name in exc.error_dict:
        message = messages.get(name) or "；".join(ValidationError(exc.error_dict[name]).messages)
        form.add_error(name if name in form.fields else None, message)


TOO_MANY = "提交过于频繁，请稍后再试。"


@require_http_methods(["GET", "POST"])
def objection_new(request):
    """``/credit/objections/``: the objection form; on success the receipt page (PRG)."""
    with translation.override("zh-hans"):
        form = PublicObjectionForm(request.POST or None, request.FILES or None)
        status = 200
        if request.method == "POST":
            if filing_throttled(request):
                form.add_error(None, TOO_MANY)
                status = 429
            elif form.is_valid():
                data = form.cleaned_data
                try:
                    subject, entry, case = services.public_objection_target(
                        identifier=data["identifier"], name=data["name"], decision_number=data["decision_number"], case_number=data["case_number"],
                    )
                    objection = services.objection_file(
                        subject=subject, list_entry=entry, case=case, grounds=data["grounds"], contact=data["contact"],
                        applicant_name=data["name"], files=data["evidence"], channel=Objection.Channel.PUBLIC,
                    )
                except ValidationError as exc:
                    add_public_errors(form, exc, FIELD_MESSAGES)
                else:
                    request.session[SESSION_KEY] = objection.receipt_number
                    return redirect("credit_objections:receipt")
            if form.errors:
                status = status if status != 200 else 400
        return render(request, "credit/objections/form.html", {"form": form, "files_lost": bool(request.FILES) and status != 200}, status=status)


def receipt_page(request, *, session_key: str, find, status_of, template: str, status_url: str):
    """The receipt of what this browser just filed (its number kept in the session, not in the
    address); without one, the status lookup page. Shared by objections and credit repairs."""
    with translation.override("zh-hans"):
        filed = find(request.session.get(session_key, ""))
        if filed is None:
            return redirect(status_url)
        return render(request, template, {"status": status_of(filed)})


def status_page(request, *, find, status_of, template: str):
    """Follow an application by its receipt number (POSTed, so the number stays out of addresses
    and logs; throttled per address). Shared by objections and credit repairs."""
    with translation.override("zh-hans"):
        form = ReceiptLookupForm(request.POST or None)
        context, status = {"form": form, "status": None, "not_found": False}, 200
        if request.method == "POST":
            if lookup_throttled(request):
                form.add_error(None, "查询过于频繁，请稍后再试。")
                status = 429
            elif form.is_valid():
                filed = find(form.cleaned_data["receipt_number"])
                if filed is None:
                    context["not_found"], status = True, 404
                else:
                    context["status"] = status_of(filed)
        return render(request, template, context, status=status)


@require_http_methods(["GET"])
def objection_receipt(request):
    return receipt_page(request, session_key=SESSION_KEY, find=objection_by_receipt, status_of=public_status,
                        template="credit/objections/receipt.html", status_url="credit_objections:status")


@require_http_methods(["GET", "POST"])
def objection_status(request):
    """``/credit/objections/status/``: follow an objection by its receipt number."""
    return status_page(request, find=objection_by_receipt, status_of=public_status, template="credit/objections/status.html")
