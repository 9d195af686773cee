"""The REST API's conventions under ``/api/v1/``: authentication, errors, cursor pagination, and running operations.

Each app's ``api/`` package holds its viewsets (explicit methods calling :func:`run`) and serializers (separate input
and output serializers, snake_case names as botocore names AWS's members); this package holds what they share.
"""
