"""Results of the sts operations shaped as botocore's STS output shapes (and iamconsole's own session lists)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sts.models import StsSession
from sts.outbound import IssuerDocuments, WebIdentityToken
from sts.selectors import CallerIdentity
from sts.services import (
    AssumedRole,
    Credentials,
    FederationToken,
    SamlRole,
    ScopedCredentials,
    SessionToken,
    WebIdentityRole,
)


def credentials_shape(credentials: Credentials) -> dict[str, Any]:
    """``Credentials``: the secret and the session token, shown this once."""
    return {
        "AccessKeyId": credentials.access_key_id,
        "SecretAccessKey": credentials.secret_access_key,
        "SessionToken": credentials.session_token,
        "Expiration": credentials.expiration,
    }


def assume_role_shape(result: AssumedRole) -> dict[str, Any]:
    """AssumeRole's output: ``PackedPolicySize`` and ``SourceIdentity`` only when set."""
    shape: dict[str, Any] = {
        "Credentials": credentials_shape(result.credentials),
        "AssumedRoleUser": {"AssumedRoleId": result.assumed_role_id, "Arn": result.arn},
    }
    if result.packed_policy_size is not None:
        shape["PackedPolicySize"] = result.packed_policy_size
    if result.source_identity:
        shape["SourceIdentity"] = result.source_identity
    return shape


def web_identity_shape(result: WebIdentityRole) -> dict[str, Any]:
    """AssumeRoleWithWebIdentity's output: AssumeRole's members and what the token said."""
    return {
        **assume_role_shape(result.assumed),
        "SubjectFromWebIdentityToken": result.subject,
        "Audience": result.audience,
        "Provider": result.provider,
    }


def saml_shape(result: SamlRole) -> dict[str, Any]:
    """AssumeRoleWithSAML's output: AssumeRole's members and what the assertion said."""
    return {
        **assume_role_shape(result.assumed),
        "Subject": result.subject,
        "SubjectType": result.subject_type,
        "Issuer": result.issuer,
        "Audience": result.audience,
        "NameQualifier": result.name_qualifier,
    }


def federation_token_shape(result: FederationToken) -> dict[str, Any]:
    """GetFederationToken's output: ``PackedPolicySize`` only with session policies or tags."""
    shape: dict[str, Any] = {
        "Credentials": credentials_shape(result.credentials),
        "FederatedUser": {"FederatedUserId": result.federated_user_id, "Arn": result.arn},
    }
    if result.packed_policy_size is not None:
        shape["PackedPolicySize"] = result.packed_policy_size
    return shape


def session_shape(session: StsSession) -> dict[str, Any]:
    """One active session in iamconsole's session lists: who holds it, since when, until when, never a secret."""
    shape: dict[str, Any] = {
        "AccessKeyId": session.access_key_id,
        "IssuedTo": session.issued_to_arn,
        "IssuedAt": session.issued_at,
        "Expiration": session.expires_at,
        "MultiFactorAuthenticated": session.mfa_authenticated_at is not None,
    }
    if session.federated_subject:
        shape["FederatedSubject"] = session.federated_subject
    if session.role is not None:
        shape["RoleName"] = session.role.name
        shape["RoleSessionName"] = session.session_name
    elif session.federated:
        shape["FederatedUserName"] = session.session_name
        if session.user is not None:
            shape["UserName"] = session.user.name
    elif session.user is not None:
        shape["UserName"] = session.user.name
    if session.source_identity:
        shape["SourceIdentity"] = session.source_identity
    if session.session_tags:
        shape["Tags"] = [{"Key": key, "Value": value} for key, value in session.session_tags.items()]
    return shape


def _sessions_page(page: Any) -> dict[str, Any]:
    result: dict[str, Any] = {"Sessions": [session_shape(s) for s in page.items], "IsTruncated": page.is_truncated}
    if page.marker:
        result["Marker"] = page.marker
    return result


def _session_token_shape(result: SessionToken) -> dict[str, Any]:
    return {"Credentials": credentials_shape(result.credentials)}


def _caller_identity_shape(identity: CallerIdentity) -> dict[str, Any]:
    return {"UserId": identity.user_id, "Account": identity.account, "Arn": identity.arn}


def _scoped_credentials_shape(result: ScopedCredentials) -> dict[str, Any]:
    """GetScopedCredentials' output: ``SourceIdentity`` only when the session has one."""
    shape: dict[str, Any] = {
        "Credentials": credentials_shape(result.credentials),
        "SessionInfo": {"ScopedSessionId": result.scoped_session_id, "Arn": result.arn},
        "ScopedPoliciesCount": result.scope_policies_count,
    }
    if result.source_identity:
        shape["SourceIdentity"] = result.source_identity
    return shape


def _web_identity_token_shape(result: WebIdentityToken) -> dict[str, Any]:
    return {"WebIdentityToken": result.token, "Expiration": result.expiration}


def _issuer_documents_shape(result: IssuerDocuments) -> dict[str, Any]:
    return {"Configuration": result.configuration, "Jwks": result.jwks}


OUTPUTS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "AssumeRole": assume_role_shape,
    "AssumeRoleWithWebIdentity": web_identity_shape,
    "AssumeRoleWithSAML": saml_shape,
    "GetSessionToken": _session_token_shape,
    "GetFederationToken": federation_token_shape,
    "GetCallerIdentity": _caller_identity_shape,
    "GetAccessKeyInfo": lambda account_id: {"Account": account_id},
    "DecodeAuthorizationMessage": lambda message: {"DecodedMessage": message},
    "GetWebIdentityToken": _web_identity_token_shape,
    "GetScopedCredentials": _scoped_credentials_shape,
    "GetOutboundIssuerDocuments": _issuer_documents_shape,
    "ListRoleSessions": _sessions_page,
    "ListAccountSessions": _sessions_page,
    "RevokeRoleSession": lambda session: {"Session": session_shape(session)},
    "RevokeOlderRoleSessions": lambda policy: {"PolicyName": policy.name, "PolicyDocument": policy.document},
    "PurgeExpiredSessions": lambda count: {"Deleted": count},
}
