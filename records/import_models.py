"""The record imports (``POST /records/import/``, the admin upload): one batch per upload, its refused rows.

Imported at the end of ``records/models.py``: the app's models module holds every model.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _

from credit_platform.models.imports import ImportBatchBase, ImportRowErrorBase


class RecordImportBatch(ImportBatchBase):
    """One upload of credit records (CSV or XLSX): the English columns, or a department's 双公示
    spreadsheet in the national Chinese columns with its ``record_type`` given with the upload."""

    record_type = models.ForeignKey(
        "records.RecordType", verbose_name=_("record type"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text=_("The type of every row (a 双公示 spreadsheet); without it each row names its own in the record_type column."),
    )
    publish = models.BooleanField(_("publish at once"), default=False, help_text=_("Publish the imported records (else they are drafts)."))

    class Meta:
        verbose_name = _("record import")
        verbose_name_plural = _("record imports")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["heartbeat_at"], name="record_import_unfinished_idx", condition=models.Q(state__in=["queued", "running"])),
        ]


class RecordImportRowError(ImportRowErrorBase):
    """A refused row (or a warning) of a record import, with its reason."""

    batch = models.ForeignKey(RecordImportBatch, on_delete=models.CASCADE, related_name="row_errors")

    class Meta:
        ordering = ["batch", "row_number"]
        indexes = [models.Index(fields=["batch", "row_number"], name="record_import_error_row_idx")]
