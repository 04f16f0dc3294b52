"""The credit check log (应查必查): every check a department runs, by API, batch or the admin page,
organisations too, and whether its hit was used (fed back). The supervision dashboard counts it."""
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from checks.report_models import CreditReport, CreditReportCounter, ReportChannel  # noqa: F401 - credit reports


class CheckChannel(models.TextChoices):
    API = "api", _("API")
    BATCH = "batch", _("batch check")
    ADMIN = "admin", _("credit check page")


class CreditCheckLog(models.Model):
    """One check of one identifier. ``id`` is the ``check_id`` the answer carries (a UUID: the
    feedback URL names it, and it says nothing about how many checks there were)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    identifier = models.CharField(_("identifier"), max_length=32, help_text=_("As checked, normalised."))
    subject = models.ForeignKey(
        "credit_platform.Subject", verbose_name=_("subject"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text=_("Empty when no subject is registered with the identifier."),
    )
    department = models.ForeignKey(
        "credit_platform.Department", verbose_name=_("checking department"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("checked by"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    channel = models.CharField(_("channel"), max_length=8, choices=CheckChannel.choices, default=CheckChannel.API)
    purpose = models.CharField(_("purpose"), max_length=500, blank=True)
    business_reference = models.CharField(_("business reference"), max_length=200, blank=True)
    hit = models.BooleanField(_("hit"), default=False, help_text=_("A black-list entry, or measures the department must apply or holds."))
    green_channel = models.BooleanField(_("green channel"), null=True, blank=True, help_text=_("Empty when no subject was found."))
    created_at = models.DateTimeField(_("checked at"), default=timezone.now)
    fed_back_at = models.DateTimeField(_("hit fed back at"), null=True, blank=True)
    fed_back_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("fed back by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    measure_applied = models.BooleanField(_("measure applied"), null=True, blank=True)
    feedback_note = models.CharField(_("feedback note"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("credit check")
        verbose_name_plural = _("credit checks")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["department", "created_at"], name="creditcheck_dept_created_idx")]

    def __str__(self):
        # No identifier: the string goes to the audit log, and persons are checked too.
        return f"{self.pk} {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"
