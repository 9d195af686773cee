"""``/api/v1/sts/``: temporary credentials (AssumeRole, GetSessionToken) and GetCallerIdentity.

The credentials' secret and session token are in the one response that issues them, never again.
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
    caller_identity = route("caller_identity", "caller-identity", detail=False, get=endpoint("GetCallerIdentity"))
