"""What every import's admin shares: the add form is the upload, the change page the progress and
the refused rows, a report download; visible to the uploading department and the credit office.

An app's admin sets ``importing_user_batches`` (queryset for a user), ``can_import(user)``,
``report_response(batch)``, ``issues(batch)`` and the form's extra fields; see ``lists.admin_import``.
"""
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from credit_platform import permissions
from credit_platform.importing.files import inspect_file
from credit_platform.models.imports import ImportState

# Refused rows listed on the change page; the downloadable report has them all.
ERRORS_SHOWN = 50


class UploadFormMixin:
    """The upload field, checked (format, encoding, header) before the batch is recorded."""

    columns = None  # credit_platform.importing.files.Columns

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        try:
            inspect_file(upload, upload.name, self.columns)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict.get("file", exc.messages)) from None
        return upload


def upload_field(help_text) -> forms.FileField:
    return forms.FileField(label=_("file"), help_text=help_text)


class ImportBatchAdminBase(admin.ModelAdmin):
    list_display_links = ["batch", "file_name"]
    list_filter = ["state", "strict"]
    list_select_related = ["department", "uploaded_by"]
    search_fields = ["file_name", "file_sha256"]
    show_full_result_count = False
    change_form_template = "admin/lists/importbatch/change_form.html"
    upload_fields = ["upload", "strict"]
    view_fields = []

    # -- the app's ------------------------------------------------------------------------------

    def batches_for_user(self, user):
        raise NotImplementedError("each app's import (lists, records) says this")

    def can_import(self, user) -> bool:
        raise NotImplementedError("each app's import (lists, records) says this")

    def issues(self, batch):
        raise NotImplementedError("each app's import (lists, records) says this")

    def report_response(self, batch):
        raise NotImplementedError("each app's import (lists, records) says this")

    def create_batch(self, request, form):
        raise NotImplementedError("each app's import (lists, records) says this")

    def enqueue(self, request, batch, form) -> None:
        raise NotImplementedError("each app's import (lists, records) says this")

    def is_running(self, batch) -> bool:
        return batch.state in (ImportState.QUEUED, ImportState.RUNNING)

    # -- who -----------------------------------------------------------------------------------

    def get_queryset(self, request):
        return self.batches_for_user(request.user)

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None):
        if obj is not None:
            return self.get_queryset(request).filter(pk=obj.pk).exists()
        return permissions.is_credit_office(request.user) or self.can_import(request.user)

    def has_add_permission(self, request):
        return self.can_import(request.user) and permissions.department_of(request.user) is not None

    def has_change_permission(self, request, obj=None):
        return False  # a batch is a record of what was imported

    def has_delete_permission(self, request, obj=None):
        return False

    # -- the upload ----------------------------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = self.upload_form
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return self.upload_fields if obj is None else self.view_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.view_fields

    def save_form(self, request, form, change):
        # The service checks the file again, records the batch and stores the file.
        return self.create_batch(request, form)

    def save_model(self, request, obj, form, change):
        self.enqueue(request, obj, form)

    def save_related(self, request, form, formsets, change):
        pass  # no related objects; the form was never saved itself

    def _url_name(self, suffix):
        meta = self.model._meta
        return f"{meta.app_label}_{meta.model_name}_{suffix}"

    def response_add(self, request, obj, post_url_continue=None):
        return HttpResponseRedirect(reverse(f"admin:{self._url_name('change')}", args=[obj.pk], current_app=self.admin_site.name))

    # -- the report ----------------------------------------------------------------------------

    def get_urls(self):
        report = path("<int:object_id>/report/", self.admin_site.admin_view(self.report_view), name=self._url_name("report"))
        return [report, *super().get_urls()]

    def report_view(self, request, object_id):
        batch = self.get_queryset(request).filter(pk=object_id).first()
        if batch is None:
            raise Http404
        return self.report_response(batch)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["import_errors"] = list(self.issues(obj)[:ERRORS_SHOWN])
            context["import_running"] = self.is_running(obj)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    # -- columns -------------------------------------------------------------------------------

    @admin.display(description=_("import"), ordering="pk")
    def batch(self, obj):
        return f"#{obj.pk}"

    @admin.display(description=_("progress"))
    def progress(self, obj):
        if obj.state == ImportState.DONE:
            percent = 100
        else:
            percent = min(100, int(obj.rows_done * 100 / obj.rows_total)) if obj.rows_total else 0
        return format_html("<progress max='100' value='{}'>{}%</progress> {}%", percent, percent, percent)

    @admin.display(description=_("rows processed"))
    def rows(self, obj):
        return f"{obj.rows_done} / {obj.rows_total}"

    @admin.display(description=_("report"))
    def report(self, obj):
        if not obj.error_count and not obj.row_errors.exists():
            return "—"
        url = reverse(f"admin:{self._url_name('report')}", args=[obj.pk], current_app=self.admin_site.name)
        return format_html('<a href="{}">{}</a>', url, _("Download the refused rows (CSV)"))
