"""Admin of record imports: the upload page (CSV or XLSX, the type of a 双公示 spreadsheet, publish
at once), the progress and the refused rows with their downloadable report. Registered from
``RecordsConfig.ready``; visible to the uploading department and the credit office."""
from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from credit_platform.admin.imports import (
    ImportBatchAdminBase,
    UploadFormMixin,
    upload_field,
)
from records import access, importing
from records.models import RecordImportBatch


class RecordImportUploadForm(UploadFormMixin, forms.ModelForm):
    columns = importing.RECORD_COLUMNS
    upload = upload_field(_(
        "CSV (UTF-8 or GBK) or XLSX: the columns identifier, name, kind, record_type, decision_number, decided_on, "
        "severity, basis, valid_until and one per field of the type; or a 双公示 spreadsheet with the national "
        "Chinese headers, its record type chosen below."
    ))

    class Meta:
        model = RecordImportBatch
        fields = ["record_type", "publish", "strict"]
        help_texts = {"strict": _("Import nothing if any row is refused. Otherwise the valid rows are imported and the others reported.")}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["record_type"].queryset = access.types_provided_by(user)


@admin.register(RecordImportBatch)
class RecordImportBatchAdmin(ImportBatchAdminBase):
    list_display = ["batch", "file_name", "record_type", "department", "uploaded_by", "state", "progress", "created_count", "unchanged_count",
                    "error_count", "created_at"]
    list_select_related = ["department", "uploaded_by", "record_type"]
    upload_form = RecordImportUploadForm
    upload_fields = ["upload", "record_type", "publish", "strict"]
    view_fields = [
        "file_name", "record_type", "department", "uploaded_by", "publish", "strict", "state", "progress", "rows", "created_count",
        "unchanged_count", "error_count", "message", "report", "file_sha256", "created_at", "finished_at",
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None:
            return form

        class UserForm(form):
            def __init__(self, *args, **inner):
                super().__init__(*args, user=request.user, **inner)

        return UserForm

    def batches_for_user(self, user):
        return importing.record_import_batches_for_user(user)

    def can_import(self, user) -> bool:
        return importing.can_import(user)

    def issues(self, batch):
        return importing.record_import_issues(batch)

    def report_response(self, batch):
        return importing.record_import_report(batch)

    def create_batch(self, request, form):
        data = form.cleaned_data
        batch, _info = importing.record_import_create(
            upload=data["upload"], actor=request.user, record_type=data.get("record_type"), publish=data.get("publish", False),
            strict=data.get("strict", False),
        )
        return batch

    def enqueue(self, request, batch, form) -> None:
        importing.record_import_enqueue(batch=batch)



