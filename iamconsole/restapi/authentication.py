"""Who calls the REST API: a SigV4-signed request (service ``iam``) or a console session.

Both resolve their credentials through ``iamconsole.authentication``, as the other faces do. A console session is
held to Django's CSRF check on unsafe methods (DRF's ``SessionAuthentication`` rule); a signed request is not, as a
browser cannot forge its signature.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from iamconsole import authentication, web
from iamconsole.actors import Actor
from iamconsole.awsquery import sigv4
from iamconsole.errors import SignatureDoesNotMatch

if TYPE_CHECKING:  # DRF's views import the authentication classes named in the settings: no cycle at run time
    from rest_framework.views import APIView

#: The service a REST API request must be signed for.
SERVICE = "iam"


def _is_signed(request: Request) -> bool:
    header = request.headers.get("Authorization", "")
    return header.startswith(sigv4.ALGORITHM) or "X-Amz-Algorithm" in request.query_params


class SigV4Authentication(BaseAuthentication):
    """A request signed with AWS Signature Version 4 for the service ``iam``, as for the Query API."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        if not _is_signed(request):
            return None
        django_request = request._request
        received = web.signed_request(django_request, django_request.body)
        auth = sigv4.parse_authorization(received)
        if auth.service != SERVICE:
            raise SignatureDoesNotMatch(f"Credential should be scoped to correct service: '{SERVICE}'.")
        actor = authentication.authenticate_signature(received, auth, now=datetime.now(UTC))
        return (actor, auth)

    def authenticate_header(self, request: Request) -> str:
        return sigv4.ALGORITHM


class ConsoleSessionAuthentication(SessionAuthentication):
    """The console's session (``request.actor``, set by the console middleware), with Django's CSRF check."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        actor = getattr(request._request, "actor", None)
        if actor is None:
            return None
        self.enforce_csrf(request)
        return (actor, None)


class UnsignedFederation(BaseAuthentication):
    """After :class:`SigV4Authentication`, on AssumeRoleWithWebIdentity and AssumeRoleWithSAML only: an unsigned
    request is the anonymous caller, as on ``/aws``; the token or assertion it carries names the principal that the
    operation authorizes (a signed request is still held to its signature)."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        return (Actor.anonymous(), None)


#: The authentication of the endpoints served unsigned (a console session is not one of their callers).
FEDERATION = (SigV4Authentication, UnsignedFederation)


class IsSignedIn(BasePermission):
    """Every endpoint needs a principal; authorization itself is ``operations.run``'s."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return request.user is not None
