"""Service-specific credentials: CreateServiceSpecificCredential, ResetServiceSpecificCredential,
UpdateServiceSpecificCredential, DeleteServiceSpecificCredential.

Two kinds, as AWS has them: a user name and password for CodeCommit (Git over HTTPS) and Amazon Keyspaces, and
long-term API keys (an alias and a secret, optionally expiring after ``CredentialAgeDays``) for Amazon Bedrock and
CloudWatch Logs. At most two per service per user. The password or secret is returned once, by Create and Reset;
only a keyed digest is stored (``iamconsole.crypto.token_digest``: it is random, so a digest verifies it as well as
a slow hash would).
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Account
from iamconsole import crypto, ids
from iamconsole.errors import InvalidInput, LimitExceeded, NoSuchEntity, NotSupportedService, constraint_error
from identities.models import API_KEY_CREDENTIAL_SERVICES, PASSWORD_CREDENTIAL_SERVICES, ServiceSpecificCredential
from identities.services.user_credentials import set_credential_status
from identities.services.users import lock_user

PASSWORD_SERVICES = PASSWORD_CREDENTIAL_SERVICES
API_KEY_SERVICES = API_KEY_CREDENTIAL_SERVICES
SUPPORTED_SERVICES = PASSWORD_SERVICES + API_KEY_SERVICES
MAX_CREDENTIALS_PER_SERVICE_PER_USER = 2
CREDENTIAL_AGE_DAYS_MAX = 36600
NOT_SUPPORTED = "The specified service does not support service-specific credentials."


@dataclass(frozen=True, slots=True)
class NewServiceSpecificCredential:
    """A created or reset credential with its password (or API key secret), shown this once and never again."""

    credential: ServiceSpecificCredential
    secret: str

    @property
    def is_api_key(self) -> bool:
        return self.credential.service_name in API_KEY_SERVICES


def check_service(service_name: str) -> str:
    """``NotSupportedService`` for a service without service-specific credentials."""
    if service_name not in SUPPORTED_SERVICES:
        raise NotSupportedService(NOT_SUPPORTED, field="service_name")
    return service_name


def credential_not_found(credential_id: str) -> NoSuchEntity:
    return NoSuchEntity(
        f"No such credential {credential_id} exists for the user.", field="service_specific_credential_id"
    )


def _new_secret(service_name: str, alias: str) -> str:
    if service_name in API_KEY_SERVICES:
        # An API key carries its alias, so the service can find the credential the secret belongs to.
        return "ABSK" + base64.b64encode(f"{alias}:{secrets.token_urlsafe(45)}".encode()).decode()
    return secrets.token_urlsafe(33)


@transaction.atomic
def create_service_specific_credential(
    *, account: Account, user_name: str, service_name: str, credential_age_days: int | None = None
) -> NewServiceSpecificCredential:
    """CreateServiceSpecificCredential: ``NotSupportedService`` for another service, ``LimitExceeded`` past two
    per service, ``InvalidInput`` for ``CredentialAgeDays`` on a service without API keys."""
    check_service(service_name)
    if credential_age_days is not None:
        if service_name not in API_KEY_SERVICES:
            raise InvalidInput(
                "CredentialAgeDays is only valid for services that support long-term API keys.",
                field="credential_age_days",
            )
        if not 1 <= credential_age_days <= CREDENTIAL_AGE_DAYS_MAX:
            raise constraint_error(
                "CredentialAgeDays",
                credential_age_days,
                f"Member must have value between 1 and {CREDENTIAL_AGE_DAYS_MAX}",
                field="credential_age_days",
            )
    user = lock_user(account, user_name)
    existing = ServiceSpecificCredential.objects.filter(user=user, service_name=service_name)
    if existing.count() >= MAX_CREDENTIALS_PER_SERVICE_PER_USER:
        raise LimitExceeded(
            f"Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: "
            f"{MAX_CREDENTIALS_PER_SERVICE_PER_USER}"
        )
    now = timezone.now()
    credential_id = ids.unique_id(ids.IdPrefix.SERVICE_SPECIFIC_CREDENTIAL)
    if service_name in API_KEY_SERVICES:
        alias = f"{user.name}+{credential_id[-6:].lower()}-at-{account.account_id}"
    else:
        alias = f"{user.name}-at-{account.account_id}"
    secret = _new_secret(service_name, alias)
    credential = ServiceSpecificCredential.objects.create(
        account=account,
        user=user,
        service_specific_credential_id=credential_id,
        service_name=service_name,
        service_user_name=alias,
        secret_digest=crypto.token_digest(secret),
        created_at=now,
        expires_at=now + timedelta(days=credential_age_days) if credential_age_days else None,
    )
    return NewServiceSpecificCredential(credential=credential, secret=secret)


def _lock(account: Account, user_name: str | None, credential_id: str) -> ServiceSpecificCredential:
    credentials = ServiceSpecificCredential.objects.select_for_update().select_related("user")
    if user_name is None:
        # The root user has no service-specific credentials.
        raise credential_not_found(credential_id)
    user = lock_user(account, user_name)
    credential = credentials.filter(user=user, service_specific_credential_id=credential_id).first()
    if credential is None:
        raise credential_not_found(credential_id)
    return credential


@transaction.atomic
def reset_service_specific_credential(
    *, account: Account, service_specific_credential_id: str, user_name: str | None = None
) -> NewServiceSpecificCredential:
    """ResetServiceSpecificCredential: a new generated password (or secret); the old one stops working."""
    credential = _lock(account, user_name, service_specific_credential_id)
    secret = _new_secret(credential.service_name, credential.service_user_name)
    credential.secret_digest = crypto.token_digest(secret)
    credential.save(update_fields=["secret_digest"])
    return NewServiceSpecificCredential(credential=credential, secret=secret)


@transaction.atomic
def update_service_specific_credential(
    *, account: Account, service_specific_credential_id: str, status: str, user_name: str | None = None
) -> None:
    """UpdateServiceSpecificCredential: make the credential ``Active`` or ``Inactive``."""
    set_credential_status(lambda: _lock(account, user_name, service_specific_credential_id), status)


@transaction.atomic
def delete_service_specific_credential(
    *, account: Account, service_specific_credential_id: str, user_name: str | None = None
) -> None:
    """DeleteServiceSpecificCredential: remove the credential for good."""
    _lock(account, user_name, service_specific_credential_id).delete()


__all__ = [
    "NewServiceSpecificCredential",
    "check_service",
    "create_service_specific_credential",
    "delete_service_specific_credential",
    "reset_service_specific_credential",
    "update_service_specific_credential",
]
