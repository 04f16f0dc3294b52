"""Admin of imports: the add form is the upload; the change page shows the progress and the report.

Registered from ``lists/admin.py`` (``from lists import admin_import  # noqa: F401``): Django's
autodiscovery only imports ``admin.py``. Visible to the uploading department and the credit office
(``credit_platform.admin.imports``).
"""
from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from credit_platform.admin.imports import (
    ImportBatchAdminBase,
    UploadFormMixin,
    upload_field,
)
from lists import importing
from lists.models import ImportBatch


class ImportUploadForm(UploadFormMixin, forms.ModelForm):
    columns = importing.LIST_COLUMNS
    upload = upload_field(_(
        "CSV (UTF-8 or GBK) or XLSX. Header row: identifier, name, kind, list_type, severity, domain, basis, "
        "decision_number, decided_on (YYYY-MM-DD). The entries are created published."
    ))
    open_cases = forms.BooleanField(
        label=_("open the joint cases of black and red entries"), required=False, initial=True,
        help_text=_("Opened after the import, from the memorandum of each entry's list and domain."),
    )

    class Meta:
        model = ImportBatch
        fields = ["strict"]
        help_texts = {"strict": _("Import nothing if any row is refused. Otherwise the valid rows are imported and the others reported.")}


@admin.register(ImportBatch)
class ImportBatchAdmin(ImportBatchAdminBase):
    list_display = ["batch", "file_name", "department", "uploaded_by", "state", "progress", "created_count", "unchanged_count", "error_count", "created_at"]
    upload_form = ImportUploadForm
    upload_fields = ["upload", "strict", "open_cases"]
    view_fields = [
        "file_name", "department", "uploaded_by", "strict", "state", "progress", "rows", "created_count", "unchanged_count",
        "error_count", "cases", "message", "report", "file_sha256", "created_at", "finished_at",
    ]

    def batches_for_user(self, user):
        return importing.import_batches_for_user(user)

    def can_import(self, user) -> bool:
        return importing.can_import(user)

    def issues(self, batch):
        return importing.batch_issues(batch)

    def report_response(self, batch):
        return importing.report_response(batch)

    def create_batch(self, request, form):
        batch, _info = importing.import_batch_create(upload=form.cleaned_data["upload"], actor=request.user, strict=form.cleaned_data["strict"])
        return batch

    def enqueue(self, request, batch, form) -> None:
        importing.import_batch_enqueue(batch=batch, open_cases=form.cleaned_data.get("open_cases", False))

    def is_running(self, batch) -> bool:
        return super().is_running(batch) or batch.cases_opening

    @admin.display(description=_("joint cases"))
    def cases(self, obj):
        total, opened = importing.batch_case_counts(obj)
        if not obj.open_cases:
            return "—"
        if obj.cases_opening:
            return _("%(opened)d of %(total)d opened; still opening") % {"opened": opened, "total": total}
        return _("%(opened)d of %(total)d opened") % {"opened": opened, "total": total}
