from django.apps import AppConfig


class ObjectionsConfig(AppConfig):
    name = "objections"
    default_auto_field = "django.db.models.BigAutoField"
