from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SanctionsConfig(AppConfig):
    name = "sanctions"
    verbose_name = _("Joint rewards and punishments")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from credit_platform.calendar import register_provisional_recompute
        from credit_platform.demo import register_demo_loader
        from credit_platform.menus import register_menu
        from credit_platform.notifications import register_notification_kinds
        from credit_platform.roles import register_role_permissions
        from credit_platform.selectors import register_subject_scope
        from sanctions import access, demo
        from sanctions import workbench as workbench_tasks
        from sanctions.notification_kinds import NOTIFICATION_KINDS
        from sanctions.services import assignments_recompute_provisional, measure_liftings_recompute_provisional
        from sanctions import events  # noqa: F401 - registers the labels of its audit events and states

        register_provisional_recompute(assignments_recompute_provisional)
        register_provisional_recompute(measure_liftings_recompute_provisional)
        register_notification_kinds(NOTIFICATION_KINDS)
        register_subject_scope(access.subjects_with_work)
        # Measures and memoranda: after the core's departments, before anything that uses them.
        register_demo_loader("sanctions", demo.load_catalogue, order=10)

        register_role_permissions(
            all={
                "sanctions.view_measure",
                "sanctions.view_memorandum",
                "sanctions.view_assignment",
                "sanctions.view_jointcase",
                "sanctions.view_measurefeedback",
            },
            initiating={"sanctions.add_jointcase", "sanctions.change_jointcase", "sanctions.view_bulkpushjob", "sanctions.add_bulkpushjob"},
            executing={"sanctions.change_assignment"},
            credit_office={
                "sanctions.add_measure", "sanctions.change_measure", "sanctions.add_memorandum", "sanctions.change_memorandum",
                "sanctions.add_jointcase", "sanctions.change_jointcase", "sanctions.change_assignment",
                "sanctions.view_bulkpushjob", "sanctions.add_bulkpushjob",
            },
        )
        register_menu("cases", "sanctions.JointCase", "sanctions.BulkPushJob", "sanctions.Measure", "sanctions.Memorandum", order=10)
        register_menu("inbox", "sanctions.Assignment", order=10)
        workbench_tasks.register()  # its 待办 tasks (credit_platform.workbench)
