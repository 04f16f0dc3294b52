import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# A key's first characters, kept in clear so a token can be recognised in lists and logs.
PREFIX_LENGTH = 8


def default_expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=settings.API_TOKEN_DAYS)


class ApiTokenQuerySet(models.QuerySet):
    def active(self, now: datetime.datetime | None = None):
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class ApiToken(models.Model):
    """A departmental system's key to the API (``Authorization: Token <key>``).

    Only the SHA-256 of the key is stored (``key_hash``); the key itself is shown once, when
    ``credit_platform.tokens.api_token_issue`` makes it. Keys are long random strings, so a fast
    hash is enough: there is nothing to guess that a slow hash would protect. Written only by the
    services in ``credit_platform.tokens``.
    """

    class State(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("token state", "active")
        EXPIRED = "expired", pgettext_lazy("token state", "expired")
        REVOKED = "revoked", pgettext_lazy("token state", "revoked")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for (the system that uses it)."))
    prefix = models.CharField(_("prefix"), max_length=PREFIX_LENGTH, db_index=True)
    # The lookup on every token request: unique, so one index scan whatever the number of tokens.
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires at"), default=default_expiry)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("revoked by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoke_reason = models.CharField(_("revocation reason"), max_length=500, blank=True)
    # Updated at most once an hour per token (credit_platform.tokens.api_token_touch).
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "revoked_at"], name="apitoken_user_idx")]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def state_at(self, now: datetime.datetime) -> str:
        if self.revoked_at is not None:
            return self.State.REVOKED
        if self.expires_at <= now:
            return self.State.EXPIRED
        return self.State.ACTIVE

    @property
    def state(self) -> str:
        return self.state_at(timezone.now())
