from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Supervision")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from credit_platform.menus import register_menu_link
        from credit_platform.notifications import register_notification_kinds
        from credit_platform.permissions import is_department_member
        from supervision import events  # noqa: F401 - registers the audit labels
        from supervision.notification_kinds import NOTIFICATION_KINDS

        register_notification_kinds(NOTIFICATION_KINDS)
        register_menu_link("statistics", _("Supervision dashboard"), "dashboard:overview", order=10, visible=is_department_member)
