"""The REST API of the identities app (``/api/v1/users/``)."""
