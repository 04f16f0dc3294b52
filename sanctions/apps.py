from django.apps import AppConfig


class SanctionsConfig(AppConfig):
    name = "sanctions"
    default_auto_field = "django.db.models.BigAutoField"
