from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChecksConfig(AppConfig):
    """What reads across the apps for a caller: the credit check (应查必查) and the credit file
    (信用档案), later the credit report. Above records, lists and sanctions; nothing below imports it."""

    name = "checks"
    verbose_name = _("Credit checks")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from checks import events  # noqa: F401 - registers the labels of its audit events
        from credit_platform.menus import register_menu_link
        from credit_platform.permissions import is_department_member

        register_menu_link("lists", _("Credit file"), "credit-file-lookup", order=30, visible=is_department_member)
        register_menu_link("lists", _("Credit check"), "credit-check-page", order=31, visible=is_department_member)
