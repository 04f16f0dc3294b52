from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObjectionsConfig(AppConfig):
    name = "objections"
    verbose_name = _("Objections")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from credit_platform.calendar import register_provisional_recompute
        from credit_platform.roles import ROLE_PERMISSIONS
        from objections.services import objections_recompute_provisional
        from objections import events  # noqa: F401 - registers the labels of its audit events and states

        register_provisional_recompute(objections_recompute_provisional)

        ROLE_PERMISSIONS["all"] |= {"objections.view_objection", "objections.view_evidence"}
        # Working departments file objections; the leadership office supervises and files none.
        ROLE_PERMISSIONS["executing"] |= {"objections.add_objection"}
        ROLE_PERMISSIONS["initiating"] |= {"objections.add_objection", "objections.change_objection"}
        ROLE_PERMISSIONS["credit_office"] |= {"objections.add_objection", "objections.change_objection"}
