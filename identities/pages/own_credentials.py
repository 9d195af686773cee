"""My security credentials (``/security-credentials``): the signed-in principal's own console password, MFA devices
and access keys, root user included, through the same section as a user's Security credentials tab."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from iamconsole import console
from iamconsole.actors import ActorKind
from iamconsole.middleware import SignedInRequest, signin_required
from identities.pages import credentials

TEMPLATE = "identities/security_credentials.html"


@require_http_methods(["GET", "POST"])
@signin_required
def security_credentials(request: SignedInRequest) -> HttpResponse:
    """GET shows the section; POST runs one of its actions on the caller's own credentials."""
    if request.actor.kind not in (ActorKind.ROOT, ActorKind.USER):
        # A role or federated session has only temporary credentials, which no page manages.
        return console.page(request, TEMPLATE, "credentials", {"temporary": True})
    subject = credentials.own_subject(request, reverse("identities:security-credentials"))
    extra, status = credentials.handle_post(request, subject) if request.method == "POST" else ({}, 200)
    return console.page(
        request, TEMPLATE, "credentials", credentials.section_context(request, subject, **extra), status=status
    )
