from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditPlatformConfig(AppConfig):
    name = "credit_platform"
    verbose_name = _("Platform")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from credit_platform.models import NotificationKind
        from credit_platform.notifications import register_notification_kinds

        register_notification_kinds(dict(NotificationKind.choices))
