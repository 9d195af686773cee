from django.apps import AppConfig


class IdentitiesConfig(AppConfig):
    name = "identities"
    default_auto_field = "django.db.models.BigAutoField"
