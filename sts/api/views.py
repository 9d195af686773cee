"""``/api/v1/sts/``: temporary credentials (AssumeRole, GetSessionToken, GetFederationToken, the federated
AssumeRoleWithWebIdentity and AssumeRoleWithSAML, GetScopedCredentials), GetCallerIdentity, GetWebIdentityToken,
and AssumeRoot and GetDelegatedAccessToken (answered as AWS answers what iamconsole cannot have).

The credentials' secret and session token are in the one response that issues them, never again. The two federated
endpoints are served unsigned, as AWS serves them: the token or assertion in the body is what authenticates.
"""

from __future__ import annotations

from iamconsole.restapi.endpoints import OperationViewSet, call, endpoint, route


class StsViewSet(OperationViewSet):
    """AWS STS over REST: the request's own credentials authenticate it, as they sign STS calls on ``/aws``."""

    assume_role = call("assume_role", "assume-role", "AssumeRole")
    session_token = call("session_token", "session-token", "GetSessionToken")
    federation_token = call("federation_token", "federation-token", "GetFederationToken")
    web_identity = call("web_identity", "assume-role-with-web-identity", "AssumeRoleWithWebIdentity", unsigned=True)
    saml = call("saml", "assume-role-with-saml", "AssumeRoleWithSAML", unsigned=True)
    caller_identity = route("caller_identity", "caller-identity", detail=False, get=endpoint("GetCallerIdentity"))
    web_identity_token = call("web_identity_token", "web-identity-token", "GetWebIdentityToken")
    scoped_credentials = call("scoped_credentials", "scoped-credentials", "GetScopedCredentials")
    # No AWS Organizations organization can exist here: an authorized AssumeRoot is answered as IAM answers that.
    assume_root = call("assume_root", "assume-root", "AssumeRoot", errors=("OrganizationNotFoundException",))
    delegated_access_token = call("delegated_access_token", "delegated-access-token", "GetDelegatedAccessToken")
