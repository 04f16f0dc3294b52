from django.apps import AppConfig


class ListsConfig(AppConfig):
    name = "lists"
    default_auto_field = "django.db.models.BigAutoField"
