"""Reads on service-specific credentials: never the password or secret."""

from __future__ import annotations

from accounts.models import Account
from iamconsole.errors import InvalidInput, NotSupportedService
from iamconsole.pagination import Page, paginate
from identities.models import API_KEY_CREDENTIAL_SERVICES, PASSWORD_CREDENTIAL_SERVICES, ServiceSpecificCredential
from identities.selectors.targets import EntityFacts
from identities.selectors.users import get_user_by_name

SUPPORTED_SERVICES = PASSWORD_CREDENTIAL_SERVICES + API_KEY_CREDENTIAL_SERVICES


def list_service_specific_credentials(
    *,
    account: Account,
    user_name: str | None = None,
    service_name: str | None = None,
    all_users: bool | None = None,
    marker: str | None = None,
    max_items: int | None = None,
    target: EntityFacts | None = None,
) -> Page[ServiceSpecificCredential]:
    """ListServiceSpecificCredentials: the named user's credentials, the calling user's when none is named (none
    for the root user), or every user's with ``AllUsers``; optionally of one service only."""
    if all_users and user_name:
        raise InvalidInput("AllUsers cannot be specified together with UserName.", field="all_users")
    if service_name is not None and service_name not in SUPPORTED_SERVICES:
        raise NotSupportedService(
            "The specified service does not support service-specific credentials.", field="service_name"
        )
    credentials = ServiceSpecificCredential.objects.filter(account=account).select_related("user")
    if user_name:
        credentials = credentials.filter(user=get_user_by_name(account=account, user_name=user_name))
    elif not all_users:
        credentials = credentials.filter(user_id=target.pk) if target is not None else credentials.none()
    if service_name:
        credentials = credentials.filter(service_name=service_name)
    return paginate(credentials, key="pk", marker=marker, max_items=max_items)


__all__ = ["list_service_specific_credentials"]
