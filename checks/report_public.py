"""Credit reports on the public credit website (no login, Chinese only):

- ``/credit/report/verify/``: anyone checks a report with its number and verification code: 真实有效
  (with the subject's name — a person's family name only —, date and issuing office) or 未通过验证;
- ``/credit/report/request/``: an organisation asks for its own report with its USCC, its name and its
  legal representative's (or principal's) citizen ID number; any mismatch is one generic answer
  (``NO_MATCH``), a person is told to come to the counter. On a match the report is issued
  (channel ``public_self``, in the credit office's name) and this browser gets it:
  ``/credit/report/issued/`` shows its number and code, ``/credit/report/issued/pdf/`` downloads it
  (the number is kept in the session, never in an address).
Both forms are limited per address and minute (``public_filing.throttled``).
"""
from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.http import require_http_methods

from checks import reports
from checks.report_models import CreditReport, ReportChannel
from credit_platform import identifiers
from credit_platform.selectors import is_person_identifier
from credit_platform.public_filing import (
    DEFAULT_FILINGS_PER_MINUTE,
    DEFAULT_LOOKUPS_PER_MINUTE,
    TOO_MANY,
    PublicIdentifierField,
    throttled,
)

SESSION_KEY = "credit.report_number"
NO_MATCH = "未能核验您提供的信息：请核对统一社会信用代码、单位名称和法定代表人（负责人）身份证号码后重试。"
PERSONS_AT_THE_COUNTER = "自然人信用报告须由本人持身份证件（或凭书面授权）到信用办窗口申请出具，本网站不受理。"


class VerifyForm(forms.Form):
    number = forms.CharField(label="报告编号", max_length=32, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    code = forms.CharField(label="验证码", max_length=32, widget=forms.TextInput(attrs={"autocomplete": "off"}))


class SelfRequestForm(forms.Form):
    identifier = PublicIdentifierField(label="统一社会信用代码")
    name = forms.CharField(label="单位名称", max_length=200, help_text="与登记的名称完全一致。")
    representative_id = forms.CharField(label="法定代表人（负责人）身份证号码", max_length=32)
    purpose = forms.CharField(label="报告用途", max_length=300, help_text="例如：参加某项目招标投标、申请财政资金。")
    business_reference = forms.CharField(label="项目或业务编号", max_length=200, required=False)

    def clean_representative_id(self):
        value = identifiers.normalise(self.cleaned_data["representative_id"])
        try:
            identifiers.validate_citizen_id(value)
        except ValidationError:
            raise ValidationError("请填写 18 位居民身份证号码。") from None
        return value


def verify_throttled(request) -> bool:
    return throttled(request, "report-verify", "CREDIT_PUBLIC_LOOKUPS_PER_MINUTE", DEFAULT_LOOKUPS_PER_MINUTE)


def request_throttled(request) -> bool:
    return throttled(request, "report-request", "CREDIT_PUBLIC_FILINGS_PER_MINUTE", DEFAULT_FILINGS_PER_MINUTE)


@require_http_methods(["GET", "POST"])
def report_verify(request):
    """``/credit/report/verify/``: the form (the number may come prefilled as ``?number=``); the answer."""
    with translation.override("zh-hans"):
        initial = {"number": request.GET.get("number", "")[:32]}
        form = VerifyForm(request.POST if request.method == "POST" else None, initial=initial)
        context, status = {"form": form, "checked": False, "report": None}, 200
        if request.method == "POST":
            if verify_throttled(request):
                form.add_error(None, "查询过于频繁，请稍后再试。")
                status = 429
            elif form.is_valid():
                report = reports.report_verify(number=form.cleaned_data["number"], code=form.cleaned_data["code"])
                context.update(checked=True, report=report,
                               subject_name=reports.public_subject_name(report) if report is not None else "")
            else:
                status = 400
        return render(request, "credit/report/verify.html", context, status=status)


@require_http_methods(["GET", "POST"])
def report_request(request):
    """``/credit/report/request/``: an organisation asks for its own report; on a match the report is issued."""
    with translation.override("zh-hans"):
        form = SelfRequestForm(request.POST if request.method == "POST" else None)
        status = 200
        if request.method == "POST":
            if request_throttled(request):
                form.add_error(None, TOO_MANY)
                status = 429
            elif form.is_valid():
                data = form.cleaned_data
                subject = None
                if is_person_identifier(data["identifier"]):
                    form.add_error(None, PERSONS_AT_THE_COUNTER)
                else:
                    subject = reports.organisation_for_self_request(
                        identifier=data["identifier"], name=data["name"], representative_id=data["representative_id"],
                    )
                    if subject is None:
                        form.add_error(None, NO_MATCH)
                if subject is not None:
                    report = reports.credit_report_issue(
                        subject=subject, purpose=data["purpose"], business_reference=data["business_reference"],
                        channel=ReportChannel.PUBLIC_SELF, actor=None,
                    )
                    request.session[SESSION_KEY] = report.number
                    return redirect("credit_reports:issued")
            if form.errors and status == 200:
                status = 400
        return render(request, "credit/report/request.html", {"form": form}, status=status)


def _issued_report(request) -> CreditReport | None:
    number = request.session.get(SESSION_KEY, "")
    return CreditReport.objects.select_related("subject", "issued_by").filter(number=number, channel=ReportChannel.PUBLIC_SELF).first() if number else None


@require_http_methods(["GET"])
def report_issued(request):
    """The report this browser just obtained: number, code, date, the download link."""
    with translation.override("zh-hans"):
        report = _issued_report(request)
        if report is None:
            return redirect("credit_reports:request")
        return render(request, "credit/report/issued.html", {"report": report})


@require_http_methods(["GET"])
def report_issued_pdf(request):
    report = _issued_report(request)
    if report is None:
        raise Http404("No report obtained in this session.")
    response = HttpResponse(reports.report_pdf(report, verify_url=reports.verify_url(request)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{reports.report_filename(report)}"'
    return response
