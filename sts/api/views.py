"""``/api/v1/sts/``: temporary credentials (AssumeRole, GetSessionToken, GetFederationToken, and the federated
AssumeRoleWithWebIdentity and AssumeRoleWithSAML) and GetCallerIdentity.

The credentials' secret and session token are in the one response that issues them, never again. The two federated
endpoints are served unsigned, as AWS serves them: the token or assertion in the body is what authenticates.
"""

from __future__ import annotations

from iamconsole.restapi.endpoints import OperationViewSet, endpoint, route


class StsViewSet(OperationViewSet):
    """AWS STS over REST: the request's own credentials authenticate it, as they sign STS calls on ``/aws``."""

    assume_role = route("assume_role", "assume-role", detail=False, post=endpoint("AssumeRole", method="post"))
    session_token = route(
        "session_token", "session-token", detail=False, post=endpoint("GetSessionToken", method="post")
    )
    federation_token = route(
        "federation_token", "federation-token", detail=False, post=endpoint("GetFederationToken", method="post")
    )
    web_identity = route(
        "web_identity",
        "assume-role-with-web-identity",
        detail=False,
        unsigned=True,
        post=endpoint("AssumeRoleWithWebIdentity", method="post"),
    )
    saml = route(
        "saml",
        "assume-role-with-saml",
        detail=False,
        unsigned=True,
        post=endpoint("AssumeRoleWithSAML", method="post"),
    )
    caller_identity = route("caller_identity", "caller-identity", detail=False, get=endpoint("GetCallerIdentity"))
