from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepairConfig(AppConfig):
    name = "repair"
    verbose_name = _("Credit repair")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from credit_platform.calendar import register_provisional_recompute
        from credit_platform.menus import register_menu
        from credit_platform.notifications import register_notification_kinds
        from credit_platform.roles import register_role_permissions
        from credit_platform.selectors import register_subject_scope
        from repair import workbench as workbench_tasks
        from repair.access import subjects_with_work
        from repair.notification_kinds import NOTIFICATION_KINDS
        from repair.services import repairs_recompute_provisional
        from repair import events  # noqa: F401 - registers the labels of its audit events and states

        register_provisional_recompute(repairs_recompute_provisional)
        register_notification_kinds(NOTIFICATION_KINDS)
        register_subject_scope(subjects_with_work)

        register_role_permissions(
            all={"repair.view_repairapplication", "repair.view_repairdocument"},
            initiating={"repair.add_repairapplication", "repair.change_repairapplication", "repair.view_commitmentbreach", "repair.add_commitmentbreach"},
            credit_office={
                "repair.add_repairapplication", "repair.change_repairapplication",
                "repair.view_commitmentbreach", "repair.add_commitmentbreach",
            },
        )
        register_menu("disputes", "repair.RepairApplication", order=20)
        workbench_tasks.register()  # its 待办 tasks (credit_platform.workbench)
