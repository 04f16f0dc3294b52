from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListsConfig(AppConfig):
    name = "lists"
    verbose_name = _("Red, black and watch lists")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from credit_platform.calendar import register_provisional_recompute
        from credit_platform.menus import register_menu
        from credit_platform.notifications import register_notification_kinds
        from credit_platform.origins import LIST_ENTRY, register_case_origin
        from credit_platform.roles import register_role_permissions
        from credit_platform.selectors import register_subject_scope
        from lists import workbench as workbench_tasks
        from lists.access import subjects_with_work
        from lists.case_origin import entry_case_origin_resolve, entry_label
        from lists.notification_kinds import NOTIFICATION_KINDS
        from lists.services import entries_recompute_publication_due
        from lists import events  # noqa: F401 - registers the labels of its audit events and states
        from lists import tasks  # noqa: F401 - registers the tasks the importer queues by name

        register_provisional_recompute(entries_recompute_publication_due)
        register_notification_kinds(NOTIFICATION_KINDS)
        register_subject_scope(subjects_with_work)
        # A case keeps its entry by id; lists checks an entry a case is opened on and names it.
        register_case_origin(LIST_ENTRY, resolve=entry_case_origin_resolve, label=entry_label, admin_url_name="lists_listentry_change")

        # Model permissions open the admin module and the endpoints; lists.access decides which
        # entries a department sees and which it manages.
        register_role_permissions(
            all={"lists.view_listentry"},
            initiating={"lists.add_listentry", "lists.change_listentry"},
            credit_office={"lists.add_listentry", "lists.change_listentry", "lists.add_importbatch", "lists.view_importbatch"},
        )
        register_menu("lists", "lists.ListEntry", "lists.ImportBatch", order=10)
        workbench_tasks.register()  # its 待办 tasks (credit_platform.workbench)
