from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObjectionsConfig(AppConfig):
    name = "objections"
    verbose_name = _("Objections")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from credit_platform.calendar import register_provisional_recompute
        from credit_platform.menus import register_menu
        from credit_platform.notifications import register_notification_kinds
        from credit_platform.roles import register_role_permissions
        from credit_platform.selectors import register_subject_scope
        from objections import workbench as workbench_tasks
        from objections.access import subjects_with_work
        from objections.notification_kinds import NOTIFICATION_KINDS
        from objections.services import objections_recompute_provisional
        from objections import events  # noqa: F401 - registers the labels of its audit events and states

        register_provisional_recompute(objections_recompute_provisional)
        register_notification_kinds(NOTIFICATION_KINDS)
        register_subject_scope(subjects_with_work)

        # Working departments file objections; the leadership office supervises and files none.
        register_role_permissions(
            all={"objections.view_objection", "objections.view_evidence"},
            executing={"objections.add_objection"},
            initiating={"objections.add_objection", "objections.change_objection"},
            credit_office={"objections.add_objection", "objections.change_objection"},
        )
        register_menu("disputes", "objections.Objection", order=10)
        workbench_tasks.register()  # its 待办 tasks (credit_platform.workbench)
