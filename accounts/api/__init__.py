"""The REST API of the accounts app (``/api/v1/account/``)."""
