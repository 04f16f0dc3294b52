from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = _("Credit records")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from credit_platform.calendar import register_provisional_recompute
        from credit_platform.demo import register_demo_loader
        from credit_platform.menus import register_menu
        from credit_platform.notifications import register_notification_kinds
        from credit_platform.roles import register_role_permissions
        from credit_platform.selectors import register_subject_scope
        from records import workbench as workbench_tasks
        from records.access import subjects_with_work
        from records.demo import load_record_types
        from records.notification_kinds import NOTIFICATION_KINDS
        from records.services import records_recompute_publication_due
        from records import events  # noqa: F401 - registers the labels of its audit events and states
        from records import tasks  # noqa: F401 - registers its periodic tasks
        from records import admin_import, import_events, import_tasks  # noqa: F401 - record imports: admin, audit labels, tasks
        from records import commitment_admin  # noqa: F401 - credit commitments in the admin

        register_provisional_recompute(records_recompute_publication_due)
        register_notification_kinds(NOTIFICATION_KINDS)
        register_subject_scope(subjects_with_work)
        register_demo_loader("records", load_record_types, order=30)

        # Model permissions open the admin modules and the endpoints; records.access decides which
        # records a department sees and manages (its own, as their providing department).
        register_role_permissions(
            all={"records.view_recordtype", "records.view_creditrecord", "records.view_commitment"},
            initiating={"records.add_creditrecord", "records.add_commitment"},
            executing={"records.add_creditrecord", "records.add_commitment"},
            credit_office={"records.add_recordtype", "records.change_recordtype", "records.add_creditrecord", "records.add_commitment"},
        )
        register_menu("lists", "records.CreditRecord", "records.RecordType", order=20)
        register_menu("lists", "records.RecordImportBatch", order=21)
        register_menu("lists", "records.Commitment", order=22)  # credit commitments (records/commitment_admin.py)  # record imports (records/admin_import.py)
        workbench_tasks.register()  # its 待办 task (credit_platform.workbench)
