"""Service-specific credential results shaped as botocore's IAM output shapes.

Password services answer ``ServiceUserName``/``ServicePassword``; API key services ``ServiceCredentialAlias``/
``ServiceCredentialSecret`` (and ``ExpirationDate`` when they expire). The secret appears in Create and Reset only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from iamconsole.pagination import page_shape
from identities.models import ServiceSpecificCredential
from identities.services.service_specific_credentials import API_KEY_SERVICES, NewServiceSpecificCredential


def _status(credential: ServiceSpecificCredential) -> str:
    if credential.expires_at is not None and credential.expires_at <= timezone.now():
        return "Expired"
    return credential.status


def credential_metadata_shape(credential: ServiceSpecificCredential) -> dict[str, Any]:
    """``ServiceSpecificCredentialMetadata``: what the List operation shows."""
    shape: dict[str, Any] = {
        "UserName": credential.user.name,
        "Status": _status(credential),
        "CreateDate": credential.created_at,
        "ServiceSpecificCredentialId": credential.service_specific_credential_id,
        "ServiceName": credential.service_name,
    }
    if credential.service_name in API_KEY_SERVICES:
        shape["ServiceCredentialAlias"] = credential.service_user_name
    else:
        shape["ServiceUserName"] = credential.service_user_name
    if credential.expires_at is not None:
        shape["ExpirationDate"] = credential.expires_at
    return shape


def new_credential_shape(new: NewServiceSpecificCredential) -> dict[str, Any]:
    """``ServiceSpecificCredential`` with its secret, shown this once."""
    shape = credential_metadata_shape(new.credential)
    shape["ServicePassword" if not new.is_api_key else "ServiceCredentialSecret"] = new.secret
    return {"ServiceSpecificCredential": shape}


OUTPUTS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "CreateServiceSpecificCredential": new_credential_shape,
    "ResetServiceSpecificCredential": new_credential_shape,
    "ListServiceSpecificCredentials": lambda page: page_shape(
        "ServiceSpecificCredentials", page, credential_metadata_shape
    ),
}
