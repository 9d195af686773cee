"""Errors of the IAM and STS APIs, defined once and rendered by every face.

Each subclass is named after the AWS error code it stands for and carries the HTTP status AWS answers with
(botocore's IAM and STS service models are the source). Services raise them; the Query API renders them as
``<ErrorResponse>`` XML, the REST API as ``{"code", "message", "field"}``, the console as form errors.
"""

from __future__ import annotations

from typing import ClassVar


class IamError(Exception):
    """An error with an AWS error code, an HTTP status and, when one parameter is at fault, its snake_case name."""

    code: ClassVar[str] = "ServiceFailure"
    http_status: ClassVar[int] = 500
    #: AWS puts faults of the caller under ``<Type>Sender</Type>`` and its own under ``Receiver``.
    sender_fault: ClassVar[bool] = True

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, field={self.field!r})"


class NoSuchEntity(IamError):
    """The named entity does not exist, or is not visible to the caller's account."""

    code = "NoSuchEntity"
    http_status = 404


class EntityAlreadyExists(IamError):
    """An entity with that name (compared ignoring case where AWS does) already exists."""

    code = "EntityAlreadyExists"
    http_status = 409


class DeleteConflict(IamError):
    """The entity still has subordinate entities that must be removed first."""

    code = "DeleteConflict"
    http_status = 409


class LimitExceeded(IamError):
    """A quota of the account or of the entity would be exceeded."""

    code = "LimitExceeded"
    http_status = 409


class MalformedPolicyDocument(IamError):
    """A policy document does not parse, or breaks the grammar for its kind."""

    code = "MalformedPolicyDocument"
    http_status = 400


class InvalidInput(IamError):
    """A parameter has a value AWS refuses (a bad name, path, or combination)."""

    code = "InvalidInput"
    http_status = 400


class ValidationError(IamError):
    """A parameter breaks a constraint of the API model (missing, too long, wrong pattern or type)."""

    code = "ValidationError"
    http_status = 400


class UnmodifiableEntity(IamError):
    """The entity is protected (a service-linked role) and cannot be changed that way."""

    code = "UnmodifiableEntity"
    http_status = 400


class AccessDenied(IamError):
    """The caller's policies do not allow the request; ``action`` names the permission missing, when one is."""

    code = "AccessDenied"
    http_status = 403

    def __init__(self, message: str, *, field: str | None = None, action: str | None = None) -> None:
        super().__init__(message, field=field)
        self.action = action


class PolicyNotAttachable(IamError):
    """The managed policy cannot be attached (AWS policies reserved for service-linked roles)."""

    code = "PolicyNotAttachable"
    http_status = 400


class PasswordPolicyViolation(IamError):
    """A password does not satisfy the account password policy."""

    code = "PasswordPolicyViolation"
    http_status = 400


class EntityTemporarilyUnmodifiable(IamError):
    """The entity is being changed by another request (for example, a login profile just created)."""

    code = "EntityTemporarilyUnmodifiable"
    http_status = 409


class InvalidAuthenticationCode(IamError):
    """An MFA code is wrong, out of its window, or already used."""

    code = "InvalidAuthenticationCode"
    http_status = 403


class ConcurrentModification(IamError):
    """Another request changed the same entity at the same time."""

    code = "ConcurrentModification"
    http_status = 409


class PreconditionFailed(IamError):
    """The REST API's ``If-Match`` names another version of a policy document than the one the write replaces (no
    AWS API has this precondition: only the REST face passes one)."""

    code = "PreconditionFailed"
    http_status = 412


class ServiceFailure(IamError):
    """An error on the server's side."""

    code = "ServiceFailure"
    http_status = 500
    sender_fault = False


class ServiceUnavailable(ServiceFailure):
    """The server cannot reach its database for a moment: AWS's ``ServiceFailure`` code with HTTP 503, which the SDKs
    retry."""

    http_status = 503


class NotSupportedService(IamError):
    """The service principal is not one iamconsole knows (service-linked roles)."""

    code = "NotSupportedService"
    http_status = 404


class ReportInProgress(IamError):
    """The credential report is still being generated."""

    code = "ReportInProgress"
    http_status = 404


class ReportNotPresent(IamError):
    """No credential report was generated yet."""

    code = "ReportNotPresent"
    http_status = 410


class ReportExpired(IamError):
    """The credential report is older than four hours."""

    code = "ReportExpired"
    http_status = 410


class ReportGenerationLimitExceeded(IamError):
    """Too many report generation requests."""

    code = "ReportGenerationLimitExceeded"
    http_status = 409


class InvalidUserType(IamError):
    """The request needs an IAM user, but the caller is another kind of principal."""

    code = "InvalidUserType"
    http_status = 400


class InvalidPublicKey(IamError):
    """An SSH public key that parses but is not acceptable (too short)."""

    code = "InvalidPublicKey"
    http_status = 400


class DuplicateSSHPublicKey(IamError):
    """The SSH public key is already associated with the user."""

    code = "DuplicateSSHPublicKey"
    http_status = 400


class UnrecognizedPublicKeyEncoding(IamError):
    """An SSH public key in neither of the encodings IAM reads (OpenSSH ``ssh-rsa``, PEM)."""

    code = "UnrecognizedPublicKeyEncoding"
    http_status = 400


class MalformedCertificate(IamError):
    """A certificate (or private key) that cannot be read."""

    code = "MalformedCertificate"
    http_status = 400


class InvalidCertificate(IamError):
    """A certificate that reads but cannot be used (expired, not yet valid)."""

    code = "InvalidCertificate"
    http_status = 400


class DuplicateCertificate(IamError):
    """The same signing certificate is already uploaded in the account."""

    code = "DuplicateCertificate"
    http_status = 409


class KeyPairMismatch(IamError):
    """The server certificate's public key and the private key are not a pair."""

    code = "KeyPairMismatch"
    http_status = 400


class FeatureEnabled(IamError):
    """The account feature is already enabled (EnableOutboundWebIdentityFederation)."""

    code = "FeatureEnabled"
    http_status = 409


class FeatureDisabled(IamError):
    """The account feature is not enabled (outbound web identity federation)."""

    code = "FeatureDisabled"
    http_status = 404


class OrganizationNotFoundException(IamError):
    """No AWS Organizations organization is associated with the account: iamconsole accounts are never in one."""

    code = "OrganizationNotFoundException"
    http_status = 400


class AWSOrganizationsNotInUseException(IamError):
    """The account is not a member of an organization (Organizations' own code, which IAM passes on)."""

    code = "AWSOrganizationsNotInUseException"
    http_status = 400


# --- protocol and STS errors -------------------------------------------------------------------------------------


class InvalidAction(IamError):
    """The Query API action does not exist for the service and version."""

    code = "InvalidAction"
    http_status = 400


class InvalidClientTokenId(IamError):
    """The access key id (or its session token) is unknown or inactive."""

    code = "InvalidClientTokenId"
    http_status = 403


class SignatureDoesNotMatch(IamError):
    """The SigV4 signature is wrong, or the request time is too far from the server's."""

    code = "SignatureDoesNotMatch"
    http_status = 403


class IncompleteSignature(IamError):
    """The SigV4 authorization is malformed or incomplete."""

    code = "IncompleteSignature"
    http_status = 400


class MissingAuthenticationToken(IamError):
    """The request carries no credentials at all."""

    code = "MissingAuthenticationToken"
    http_status = 403


class ExpiredToken(IamError):
    """The temporary credentials of the request have expired."""

    code = "ExpiredToken"
    http_status = 400


class InvalidAuthorizationMessageException(IamError):
    """DecodeAuthorizationMessage got a message it cannot decode (STS's code)."""

    code = "InvalidAuthorizationMessageException"
    http_status = 400


class InvalidIdentityToken(IamError):
    """A web identity token or SAML response that cannot be trusted: bad signature, unknown issuer, wrong audience."""

    code = "InvalidIdentityToken"
    http_status = 400


class ExpiredTokenException(IamError):
    """A web identity token or SAML assertion past its expiry (STS's code for federation, unlike ``ExpiredToken``)."""

    code = "ExpiredTokenException"
    http_status = 400


class IDPRejectedClaim(IamError):
    """The identity provider's token or assertion does not support the request (a role it does not name)."""

    code = "IDPRejectedClaim"
    http_status = 403


class IDPCommunicationError(IamError):
    """The identity provider's discovery document or keys could not be fetched."""

    code = "IDPCommunicationError"
    http_status = 400


class PackedPolicyTooLarge(IamError):
    """Session policies and tags together exceed the packed size AWS allows."""

    code = "PackedPolicyTooLarge"
    http_status = 400


class OutboundWebIdentityFederationDisabledException(IamError):
    """GetWebIdentityToken in an account whose outbound web identity federation is not enabled."""

    code = "OutboundWebIdentityFederationDisabledException"
    http_status = 403


class SessionDurationEscalationException(IamError):
    """A web identity token asked to outlive the temporary credentials that request it."""

    code = "SessionDurationEscalationException"
    http_status = 403


class JWTPayloadSizeExceededException(IamError):
    """The claims of a requested web identity token (mostly its request tags) are larger than allowed."""

    code = "JWTPayloadSizeExceededException"
    http_status = 400


class InsufficientSessionLifetime(IamError):
    """GetScopedCredentials asked for longer than the calling session has left."""

    code = "InsufficientSessionLifetime"
    http_status = 400


class InvalidSubjectCredentials(IamError):
    """GetScopedCredentials called with credentials that are not a session's (an IAM user's or the root user's keys)."""

    code = "InvalidSubjectCredentials"
    http_status = 400


class ExpiredTradeInTokenException(IamError):
    """GetDelegatedAccessToken with a trade-in token that is unknown, spent or expired."""

    code = "ExpiredTradeInTokenException"
    http_status = 400


class MalformedQueryString(IamError):
    """The request's query string or body cannot be decoded."""

    code = "MalformedQueryString"
    http_status = 400


class RequestEntityTooLarge(IamError):
    """The request body is larger than the server accepts."""

    code = "RequestEntityTooLarge"
    http_status = 413


ERRORS_BY_CODE: dict[str, type[IamError]] = {cls.code: cls for cls in IamError.__subclasses__()}


def constraint_error(member: str, value: object, constraint: str, *, field: str | None = None) -> ValidationError:
    """A ``ValidationError`` in AWS's wording for one broken model constraint.

    ``member`` is the AWS member name (``RoleName``); AWS names it in lower camel case in the message:
    "1 validation error detected: Value 'x' at 'roleName' failed to satisfy constraint: Member must …".
    """
    shown = "null" if value is None else f"'{value}'"
    name = member[:1].lower() + member[1:]
    return ValidationError(
        f"1 validation error detected: Value {shown} at '{name}' failed to satisfy constraint: {constraint}",
        field=field,
    )


def access_denied_message(principal_arn: str, action: str, resource: str, reason: str) -> str:
    """AWS's AccessDenied wording: "User: ARN is not authorized to perform: ACTION on resource: ARN because …"."""
    return f"User: {principal_arn} is not authorized to perform: {action} on resource: {resource} {reason}"
