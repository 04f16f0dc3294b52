"""Admin of imports: the add form is the upload; the change page shows the progress and the report.

Registered from ``lists/admin.py`` (``from lists import admin_import  # noqa: F401``): Django's
autodiscovery only imports ``admin.py``. Visible to the uploading department and the credit office.
"""
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from credit_platform import permissions
from lists import importing
from lists.models import ImportBatch

# Refused rows listed on the change page; the downloadable report has them all.
ERRORS_SHOWN = 50


class ImportUploadForm(forms.ModelForm):
    upload = forms.FileField(
        label=_("file"),
        help_text=_(
            "CSV (UTF-8 or GBK) or XLSX. Header row: identifier, name, kind, list_type, severity, domain, basis, "
            "decision_number, decided_on (YYYY-MM-DD). The entries are created published."
        ),
    )
    open_cases = forms.BooleanField(
        label=_("open the joint cases of black and red entries"), required=False, initial=True,
        help_text=_("Opened after the import, from the memorandum of each entry's list and domain."),
    )

    class Meta:
        model = ImportBatch
        fields = ["strict"]
        help_texts = {"strict": _("Import nothing if any row is refused. Otherwise the valid rows are imported and the others reported.")}

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        try:
            importing.inspect_file(upload, upload.name)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict.get("file", exc.messages)) from None
        return upload


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["batch", "file_name", "department", "uploaded_by", "state", "progress", "created_count", "unchanged_count", "error_count", "created_at"]
    list_display_links = ["batch", "file_name"]
    list_filter = ["state", "strict"]
    list_select_related = ["department", "uploaded_by"]
    search_fields = ["file_name", "file_sha256"]
    show_full_result_count = False
    change_form_template = "admin/lists/importbatch/change_form.html"
    view_fields = [
        "file_name", "department", "uploaded_by", "strict", "state", "progress", "rows", "created_count", "unchanged_count",
        "error_count", "cases", "message", "report", "file_sha256", "created_at", "finished_at",
    ]

    # -- who -----------------------------------------------------------------------------------

    def get_queryset(self, request):
        return importing.import_batches_for_user(request.user)

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None):
        if obj is not None:
            return self.get_queryset(request).filter(pk=obj.pk).exists()
        return permissions.is_credit_office(request.user) or importing.can_import(request.user)

    def has_add_permission(self, request):
        return importing.can_import(request.user) and permissions.department_of(request.user) is not None

    def has_change_permission(self, request, obj=None):
        return False  # a batch is a record of what was imported

    def has_delete_permission(self, request, obj=None):
        return False

    # -- the upload ----------------------------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ImportUploadForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ["upload", "strict", "open_cases"] if obj is None else self.view_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.view_fields

    def save_form(self, request, form, change):
        # The service checks the file again, records the batch and stores the file.
        batch, _info = importing.import_batch_create(upload=form.cleaned_data["upload"], actor=request.user, strict=form.cleaned_data["strict"])
        return batch

    def save_model(self, request, obj, form, change):
        importing.import_batch_enqueue(batch=obj, open_cases=form.cleaned_data.get("open_cases", False))

    def save_related(self, request, form, formsets, change):
        pass  # no related objects; the form was never saved itself

    def response_add(self, request, obj, post_url_continue=None):
        return HttpResponseRedirect(reverse("admin:lists_importbatch_change", args=[obj.pk], current_app=self.admin_site.name))

    # -- the report ----------------------------------------------------------------------------

    def get_urls(self):
        report = path("<int:object_id>/report/", self.admin_site.admin_view(self.report_view), name="lists_importbatch_report")
        return [report, *super().get_urls()]

    def report_view(self, request, object_id):
        batch = self.get_queryset(request).filter(pk=object_id).first()
        if batch is None:
            raise Http404
        return importing.report_response(batch)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["import_errors"] = list(importing.batch_issues(obj)[:ERRORS_SHOWN])
            context["import_running"] = obj.state in (ImportBatch.State.QUEUED, ImportBatch.State.RUNNING) or obj.cases_opening
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    # -- columns -------------------------------------------------------------------------------

    @admin.display(description=_("import"), ordering="pk")
    def batch(self, obj):
        return f"#{obj.pk}"

    @admin.display(description=_("progress"))
    def progress(self, obj):
        if obj.state == ImportBatch.State.DONE:
            percent = 100
        else:
            percent = min(100, int(obj.rows_done * 100 / obj.rows_total)) if obj.rows_total else 0
        return format_html("<progress max='100' value='{}'>{}%</progress> {}%", percent, percent, percent)

    @admin.display(description=_("rows processed"))
    def rows(self, obj):
        return f"{obj.rows_done} / {obj.rows_total}"

    @admin.display(description=_("joint cases"))
    def cases(self, obj):
        total, opened = importing.batch_case_counts(obj)
        if not obj.open_cases:
            return "—"
        if obj.cases_opening:
            return _("%(opened)d of %(total)d opened; still opening") % {"opened": opened, "total": total}
        return _("%(opened)d of %(total)d opened") % {"opened": opened, "total": total}

    @admin.display(description=_("report"))
    def report(self, obj):
        if not obj.error_count and not obj.row_errors.exists():
            return "—"
        url = reverse("admin:lists_importbatch_report", args=[obj.pk], current_app=self.admin_site.name)
        return format_html('<a href="{}">{}</a>', url, _("Download the refused rows (CSV)"))
