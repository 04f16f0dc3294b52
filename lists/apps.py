from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListsConfig(AppConfig):
    name = "lists"
    verbose_name = _("Red, black and watch lists")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from credit_platform.calendar import register_provisional_recompute
        from credit_platform.roles import ROLE_PERMISSIONS
        from lists.services import entries_recompute_publication_due
        from lists import events  # noqa: F401 - registers the labels of its audit events and states

        register_provisional_recompute(entries_recompute_publication_due)

        # Model permissions open the admin module and the endpoints; lists.access decides which
        # entries a department sees and which it manages.
        ROLE_PERMISSIONS["all"] |= {"lists.view_listentry"}
        ROLE_PERMISSIONS["initiating"] |= {"lists.add_listentry", "lists.change_listentry"}
        ROLE_PERMISSIONS["credit_office"] |= {
            "lists.add_listentry", "lists.change_listentry", "lists.add_importbatch", "lists.view_importbatch",
        }
