from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = _("Credit records")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from credit_platform.calendar import register_provisional_recompute
        from credit_platform.demo import register_demo_loader
        from credit_platform.notifications import register_notification_kinds
        from credit_platform.selectors import register_subject_scope
        from records.access import subjects_with_work
        from records.demo import load_record_types
        from records.notification_kinds import NOTIFICATION_KINDS
        from records.services import records_recompute_publication_due
        from records import events  # noqa: F401 - registers the labels of its audit events and states
        from records import tasks  # noqa: F401 - registers its periodic tasks

        register_provisional_recompute(records_recompute_publication_due)
        register_notification_kinds(NOTIFICATION_KINDS)
        register_subject_scope(subjects_with_work)
        register_demo_loader("records", load_record_types, order=30)
