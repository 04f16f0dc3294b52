from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObjectionsConfig(AppConfig):
    name = "objections"
    verbose_name = _("Objections")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from credit_platform.roles import ROLE_PERMISSIONS

        ROLE_PERMISSIONS["all"] |= {"objections.view_objection", "objections.add_objection", "objections.view_evidence"}
        ROLE_PERMISSIONS["initiating"] |= {"objections.change_objection"}
        ROLE_PERMISSIONS["credit_office"] |= {"objections.change_objection"}
