"""Credit reports (信用报告, RULES.md "Credit reports"; DESIGN.md "Credit file, check, report").

A report states what the platform holds about a subject on the day of issue, for a purpose: its
content is frozen at issue (``content``, a snapshot, with its SHA-256 ``content_hash``) and the PDF
is rendered from it whenever it is downloaded, so a report never changes after it is issued. Anyone
checks a report on the credit website with its ``number`` and ``verification_code``.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportChannel(models.TextChoices):
    COUNTER = "counter", _("at the counter")
    API = "api", _("over the API")
    PUBLIC_SELF = "public_self", _("requested by the organisation on the credit website")


class CreditReportCounter(models.Model):
    """The last report number of a year (XYBG-<year>-<000001>), locked while a number is taken."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("credit report counter")
        verbose_name_plural = _("credit report counters")


class CreditReport(models.Model):
    number = models.CharField(_("report number"), max_length=32, unique=True)
    # Random, from an alphabet without look-alike characters; compared in constant time.
    verification_code = models.CharField(_("verification code"), max_length=16)
    subject = models.ForeignKey("credit_platform.Subject", verbose_name=_("subject"), on_delete=models.PROTECT, related_name="credit_reports")
    purpose = models.CharField(_("report purpose"), max_length=300)
    business_reference = models.CharField(_("business reference"), max_length=200, blank=True)
    consent_reference = models.CharField(
        _("consent reference"), max_length=200, blank=True, help_text=_("The person's written consent (required for a natural person)."),
    )
    channel = models.CharField(_("channel"), max_length=16, choices=ReportChannel.choices)
    issued_by = models.ForeignKey(
        "credit_platform.Department", verbose_name=_("issuing department"), on_delete=models.PROTECT, related_name="+",
    )
    issued_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"))
    content = models.JSONField(_("content"), default=dict, help_text=_("What the report states, as on the day of issue."))
    content_hash = models.CharField(_("content hash"), max_length=64)

    class Meta:
        verbose_name = _("credit report")
        verbose_name_plural = _("credit reports")
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["issued_by", "-issued_at"], name="credit_report_issuer_idx")]

    def __str__(self):
        return self.number
