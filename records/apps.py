from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = _("Credit records")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from records import events  # noqa: F401 - registers the labels of its audit events and states
