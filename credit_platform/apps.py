from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext_lazy as _


class CreditPlatformConfig(AppConfig):
    name = "credit_platform"
    verbose_name = _("Platform")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from credit_platform.middleware import session_seen_at_login

        user_logged_in.connect(session_seen_at_login, dispatch_uid="credit_platform.session_seen_at_login")
