"""The REST API of the policies app (``/api/v1/policies/``, ``/api/v1/simulate/``)."""
