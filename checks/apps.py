from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChecksConfig(AppConfig):
    """What reads across the apps for a caller: the credit check (应查必查), the credit file
    (信用档案) and the credit report (信用报告). Above records, lists and sanctions; nothing below imports it."""

    name = "checks"
    verbose_name = _("Credit checks")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from checks import events  # noqa: F401 - registers the labels of its audit events
        from credit_platform.menus import register_menu, register_menu_link
        from credit_platform.permissions import is_department_member
        from credit_platform.roles import register_role_permissions
        from checks import report_admin  # noqa: F401 - credit reports in the admin
        from checks import report_events  # noqa: F401 - registers the labels of its audit events

        register_menu_link("lists", _("Credit file"), "credit-file-lookup", order=30, visible=is_department_member)
        register_menu_link("lists", _("Credit check"), "credit-check-page", order=31, visible=is_department_member)
        # Credit reports: every department issues them for its own approvals (checks.reports decides;
        # the leadership office issues none), and reads its own.
        register_role_permissions(
            all={"checks.view_creditreport"},
            initiating={"checks.add_creditreport"},
            executing={"checks.add_creditreport"},
            credit_office={"checks.add_creditreport"},
        )
        register_menu("lists", "checks.CreditReport", order=32)
