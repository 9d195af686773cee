"""URL routes: the console at the root, the REST API under /api/, the AWS Query API at /aws, and a health check."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, include, path


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers and compose health checks."""
    return JsonResponse({"status": "ok"})


#: A database outage answers the console's styled 503 page instead of a bare 500.
handler500 = "iamconsole.outages.server_error"

urlpatterns: list[URLPattern | URLResolver] = [
    path("healthz", healthz, name="healthz"),
    path("", include("iamconsole.awsquery.urls")),
    path("", include("accounts.urls")),
    path("", include("identities.role_create_urls")),
    path("", include("identities.urls")),
    path("", include("policies.urls")),
    path("", include("sts.urls")),
    path("api/", include("iamconsole.restapi.urls")),
]
