"""What every import keeps (abstract): the batch (one upload, its progress and counts, the heartbeat
the sweep watches) and its refused rows. Each importing app has its concrete pair (``lists``:
``ImportBatch``/``ImportRowError``; ``records``: ``RecordImportBatch``/``RecordImportRowError``)."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportState(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class ImportBatchBase(models.Model):
    """One upload (CSV or XLSX) and its row-by-row report."""

    State = ImportState

    file_name = models.CharField(_("file"), max_length=300)
    file_sha256 = models.CharField(_("file checksum"), max_length=64, db_index=True)
    file = models.FileField(_("uploaded file"), upload_to="imports/%Y/%m/", blank=True)
    department = models.ForeignKey("credit_platform.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+")
    strict = models.BooleanField(_("strict (all rows or none)"), default=False)
    state = models.CharField(_("state"), max_length=16, choices=ImportState.choices, default=ImportState.QUEUED)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows processed"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    error_count = models.PositiveIntegerField(_("refused"), default=0)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Kept by the run at every step: a queued batch nobody picked up, or a running one whose worker
    # died, is found by its old heartbeat and resumed by the sweep (credit_platform.importing.runs).
    heartbeat_at = models.DateTimeField(_("last progress"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.file_name} ({self.get_state_display()})"


class ImportRowErrorBase(models.Model):
    """A refused row (or a warning) of an import, with its reason (the downloadable report); ``raw``
    holds ``{"level", "values"}``. The concrete model adds ``batch``."""

    row_number = models.PositiveIntegerField(_("row"))
    field = models.CharField(_("column"), max_length=64, blank=True)
    reason = models.TextField(_("reason"))
    raw = models.JSONField(_("row"), default=dict, blank=True)

    class Meta:
        abstract = True
