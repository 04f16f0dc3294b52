from django.db import models
from django.utils.translation import gettext_lazy as _


class WebhookDelivery(models.Model):
    """Outbox row: one signed POST of a notification to a department's webhook.

    Written in the transaction of the change that notifies; ``credit_platform.webhooks`` delivers it.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("failed")

    department = models.ForeignKey(
        "credit_platform.Department", verbose_name=_("department"), on_delete=models.CASCADE, related_name="webhook_deliveries"
    )
    event = models.CharField(_("event"), max_length=64)
    payload = models.JSONField(_("payload"), default=dict)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last status code"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="webhook_due_idx")]

    def __str__(self):
        return f"{self.event} → {self.department_id} #{self.pk}"


class WebhookAttempt(models.Model):
    """One POST of a delivery and what came of it."""

    delivery = models.ForeignKey(WebhookDelivery, verbose_name=_("delivery"), on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField(_("at"))
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.delivery_id} @ {self.at:%Y-%m-%d %H:%M:%S}"
