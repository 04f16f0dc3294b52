from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CreditPlatformConfig(AppConfig):
    name = "credit_platform"
    verbose_name = _("Platform")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from credit_platform import events  # noqa: F401 - registers the labels of the core's audit events
        from credit_platform import tasks  # noqa: F401 - registers the tasks the core queues by name
        from credit_platform.menus import register_menu
        from credit_platform.middleware import session_seen_at_login
        from credit_platform.permissions import permission_id
        from credit_platform.selectors import register_subject_scope, subjects_registered_by

        # Menus by task (credit_platform.menus); what no app places lands in 系统管理.
        register_menu("inbox", "credit_platform.Notification", order=50)
        register_menu("lists", "credit_platform.Subject", order=50)
        register_menu("statistics", "credit_platform.AuditEvent", order=50)
        register_menu(
            "system", "credit_platform.Department", "auth.Group", "credit_platform.User", "credit_platform.ApiToken",
            "credit_platform.WebhookDelivery", "credit_platform.WebhookAttempt", "credit_platform.IdempotencyRecord",
            "credit_platform.AuditCheckpoint", "axes.AccessLog", "axes.AccessAttempt", "axes.AccessFailureLog",
            "credit_platform.RuleSet", "credit_platform.CalendarOverride", "credit_platform.OfficialCalendarYear",
        )
        register_subject_scope(subjects_registered_by)  # a registration is work about the person
        user_logged_in.connect(session_seen_at_login, dispatch_uid="credit_platform.session_seen_at_login")
        # Permission ids are cached per process; a flush (tests) recreates them with new ids.
        post_migrate.connect(lambda **kwargs: permission_id.cache_clear(), weak=False, dispatch_uid="credit_platform.permission_id_cache")
