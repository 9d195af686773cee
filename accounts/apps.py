from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the start-up check that every SQLite database can be written (iamconsole.E001), and SQLite's
        # write-ahead log for every connection.
        from iamconsole import outages, sqlite  # noqa: F401
