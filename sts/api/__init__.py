"""The REST API of the sts app (``/api/v1/sts/``)."""
