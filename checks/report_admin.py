"""Credit reports in the admin (信用报告): the issuing department's reports (the credit office sees
all; another department's report is a 404), read-only, each with its PDF; the add page is the
counter's 出具信用报告 form (``checks.reports.credit_report_issue``, channel ``counter``)."""
from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from checks import reports
from checks.report_models import CreditReport, ReportChannel
from credit_platform import pdf
from credit_platform.admin.mixins import ServiceAddFormMixin, as_text
from credit_platform.selectors import subjects_by_identifier


class CreditReportIssueForm(forms.Form):
    identifier = forms.CharField(
        label=_("Unified social credit code or citizen ID"), max_length=32,
        widget=forms.TextInput(attrs={"autofocus": True, "size": 24, "autocomplete": "off"}),
    )
    purpose = forms.CharField(label=_("report purpose"), max_length=300, help_text=_("What the report is for (the tender, grant or approval)."),
                              widget=forms.TextInput(attrs={"size": 60}))
    business_reference = forms.CharField(label=_("business reference"), max_length=200, required=False)
    consent_reference = forms.CharField(
        label=_("consent reference"), max_length=200, required=False,
        help_text=_("Required for a natural person: the reference of his written consent (or his own application at the counter)."),
    )

    def clean_identifier(self):
        subject = subjects_by_identifier(self.cleaned_data["identifier"]).first()
        if subject is None:
            raise ValidationError(gettext("No subject is registered with this identifier."))
        return subject


@admin.register(CreditReport)
class CreditReportAdmin(ServiceAddFormMixin, admin.ModelAdmin):
    list_display = ["number", "subject_name", "purpose", "issued_by", "channel", "issued_at", "pdf_link"]
    list_filter = ["channel"]
    list_select_related = ["subject", "issued_by"]
    search_fields = ["=number", "=subject__identifier", "subject__name", "business_reference"]
    show_full_result_count = False
    fields = ["number", "verification_code", "subject_name", "purpose", "business_reference", "consent_reference", "channel",
              "issued_by", "issued_by_user_name", "issued_at", "content_hash", "pdf_link"]
    issued_by_user_name = as_text(CreditReport, "issued_by_user")
    readonly_fields = fields

    def get_queryset(self, request):
        return reports.reports_for_user(request.user)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and reports.can_issue_reports(request.user)

    def has_change_permission(self, request, obj=None):
        return False  # a report never changes

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("subject"), ordering="subject__name")
    def subject_name(self, obj):
        return obj.subject.name

    @admin.display(description=_("PDF"))
    def pdf_link(self, obj):
        url = reverse("admin:checks_creditreport_pdf", args=[obj.pk], current_app=self.admin_site.name)
        return format_html('<a href="{}">{}</a>', url, gettext("Download"))

    def get_urls(self):
        return [
            path("<path:object_id>/pdf/", self.admin_site.admin_view(self.pdf_view), name="checks_creditreport_pdf"),
            *super().get_urls(),
        ]

    def pdf_view(self, request, object_id):
        report = self.get_object(request, unquote(object_id))
        if report is None:
            raise Http404
        return pdf.pdf_response(reports.report_pdf(report, verify_url=reports.verify_url(request)), reports.report_filename(report))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404  # another department's report: as if it did not exist
        return super().change_view(request, object_id, form_url=form_url, extra_context=extra_context)

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = CreditReportIssueForm(request.POST if request.method == "POST" else None)

        def issue(*, identifier, **data):
            return reports.credit_report_issue(subject=identifier, actor=request.user, channel=ReportChannel.COUNTER, **data)

        return self.service_add_view(
            request, form=form, create=issue,
            success=lambda report: gettext("Credit report %(number)s issued; verification code %(code)s.") % {
                "number": report.number, "code": report.verification_code},
            fieldsets=[(None, {"fields": list(CreditReportIssueForm.base_fields)})], title=_("Issue a credit report"),
            form_url=form_url, extra_context=extra_context,
        )
