from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepairConfig(AppConfig):
    name = "repair"
    verbose_name = _("Credit repair")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from credit_platform.calendar import register_provisional_recompute
        from credit_platform.roles import ROLE_PERMISSIONS
        from repair.services import repairs_recompute_provisional
        from repair import events  # noqa: F401 - registers the labels of its audit events and states

        register_provisional_recompute(repairs_recompute_provisional)

        ROLE_PERMISSIONS["all"] |= {"repair.view_repairapplication", "repair.view_repairdocument"}
        ROLE_PERMISSIONS["initiating"] |= {"repair.add_repairapplication", "repair.change_repairapplication", "repair.view_commitmentbreach", "repair.add_commitmentbreach"}
        ROLE_PERMISSIONS["credit_office"] |= {
            "repair.add_repairapplication", "repair.change_repairapplication",
            "repair.view_commitmentbreach", "repair.add_commitmentbreach",
        }
