"""Operations on service-specific credentials, authorized against the user's ARN (the caller's when the request
names no user)."""

from __future__ import annotations

from identities import selectors, services
from identities.operations.common import on_user

OPERATIONS = (
    on_user("CreateServiceSpecificCredential", services.create_service_specific_credential),
    # ListServiceSpecificCredentials reads the caller from its target: with ``AllUsers`` the caller is not implied.
    on_user(
        "ListServiceSpecificCredentials",
        selectors.list_service_specific_credentials,
        takes_target=True,
        read_only=True,
    ),
    on_user("ResetServiceSpecificCredential", services.reset_service_specific_credential, implicit_user=True),
    on_user("UpdateServiceSpecificCredential", services.update_service_specific_credential, implicit_user=True),
    on_user("DeleteServiceSpecificCredential", services.delete_service_specific_credential, implicit_user=True),
)
