from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChecksConfig(AppConfig):
    """What reads across the apps for a caller: the credit check (应查必查), later the credit file
    and the credit report. Above lists and sanctions; nothing below imports it."""

    name = "checks"
    verbose_name = _("Credit checks")
    default_auto_field = "django.db.models.BigAutoField"
