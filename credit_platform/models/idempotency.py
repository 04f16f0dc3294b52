from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class IdempotencyRecord(models.Model):
    """The first response to a POST or PATCH carrying an ``Idempotency-Key``; a replay returns it unchanged.

    Scoped by the user when signed in, else (the public filings) by the client's address.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True)
    client_address = models.CharField(max_length=64, blank=True, default="")
    key = models.CharField(max_length=200)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    request_fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="uniq_idempotency_user_key"),
            models.UniqueConstraint(
                fields=["client_address", "key"], condition=Q(user__isnull=True), name="uniq_idempotency_anonymous_key",
            ),
        ]

    def __str__(self):
        return f"{self.user_id or self.client_address}:{self.key}"
