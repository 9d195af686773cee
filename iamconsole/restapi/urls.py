"""The REST API's routes: each app's ``api.urls`` under ``/api/v1/``, the OpenAPI schema and its documentation.

Swagger UI is served from this server's own static files (drf-spectacular-sidecar), never from a CDN, and its script
is a file of its own, so the console's Content-Security-Policy holds on the docs page too.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path, re_path
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from iamconsole.restapi import schema  # noqa: F401  (registers the authentication schemes with drf-spectacular)


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@authentication_classes([])
@permission_classes([])
def not_found(request: Request) -> Response:
    """Any other path under ``/api/``: the API's own JSON error rather than an HTML page."""
    raise NotFound(f"No endpoint at {request.path}.")


urlpatterns: list[URLPattern | URLResolver] = [
    path("v1/", include("accounts.api.urls")),
    path("v1/", include("identities.api.urls")),
    path("v1/", include("policies.api.urls")),
    path("v1/", include("sts.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"^.*$", not_found),
]
