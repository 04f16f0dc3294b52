from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints and reports")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from complaints import workbench as workbench_tasks
        from complaints.access import subjects_with_work
        from complaints.notification_kinds import NOTIFICATION_KINDS
        from complaints.services import complaints_recompute_provisional
        from complaints import events  # noqa: F401 - registers the labels of its audit events and states
        from credit_platform.calendar import register_provisional_recompute
        from credit_platform.menus import register_menu
        from credit_platform.notifications import register_notification_kinds
        from credit_platform.roles import register_role_permissions
        from credit_platform.selectors import register_subject_scope

        register_provisional_recompute(complaints_recompute_provisional)
        register_notification_kinds(NOTIFICATION_KINDS)
        register_subject_scope(subjects_with_work)
        # Every department may be routed a complaint (the list shows only its own); the credit office routes them.
        register_role_permissions(
            all={"complaints.view_complaint", "complaints.view_complaintevidence"},
            credit_office={"complaints.change_complaint"},
        )
        register_menu("disputes", "complaints.Complaint", order=30)
        workbench_tasks.register()  # its 待办 task (credit_platform.workbench)
