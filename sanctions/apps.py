from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SanctionsConfig(AppConfig):
    name = "sanctions"
    verbose_name = _("Joint rewards and punishments")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        from credit_platform.roles import ROLE_PERMISSIONS
        from sanctions import access

        from credit_platform.calendar import register_provisional_recompute
        from sanctions.services import assignments_recompute_provisional
        from sanctions import events  # noqa: F401 - registers the labels of its audit events and states

        register_provisional_recompute(assignments_recompute_provisional)
        # Permission ids are cached per process; a flush (tests) recreates them with new ids.
        post_migrate.connect(lambda **kwargs: access.permission_id.cache_clear(), weak=False, dispatch_uid="sanctions_perm_cache")

        ROLE_PERMISSIONS["all"] |= {
            "sanctions.view_measure",
            "sanctions.view_memorandum",
            "sanctions.view_assignment",
            "sanctions.view_jointcase",
            "sanctions.view_measurefeedback",
        }
        ROLE_PERMISSIONS["initiating"] |= {"sanctions.add_jointcase", "sanctions.change_jointcase", "sanctions.view_bulkpushjob", "sanctions.add_bulkpushjob"}
        ROLE_PERMISSIONS["executing"] |= {"sanctions.change_assignment"}
        ROLE_PERMISSIONS["credit_office"] |= {
            "sanctions.add_measure", "sanctions.change_measure", "sanctions.add_memorandum", "sanctions.change_memorandum",
            "sanctions.add_jointcase", "sanctions.change_jointcase", "sanctions.change_assignment",
            "sanctions.view_bulkpushjob", "sanctions.add_bulkpushjob",
        }
