"""Reads on things an iamconsole installation never holds (see ``identities.services.absent_features``)."""

from __future__ import annotations

from typing import NoReturn

from accounts.models import Account
from iamconsole.errors import InvalidInput, NoSuchEntity
from iamconsole.pagination import check_max_items, decode_marker

DELEGATION_REQUEST_ARN_PART = ":delegation-request/"


def list_delegation_requests(
    *, account: Account, owner_id: str | None = None, marker: str | None = None, max_items: int | None = None
) -> list[object]:
    """ListDelegationRequests: none exists (markers are still checked, as on every list)."""
    check_max_items(max_items)
    if marker:
        decode_marker(marker)
    return []


def get_delegation_request(
    *, account: Account, delegation_request_id: str, delegation_permission_check: bool | None = None
) -> NoReturn:
    """GetDelegationRequest."""
    raise NoSuchEntity(
        f"The delegation request with id {delegation_request_id} cannot be found.", field="delegation_request_id"
    )


def get_human_readable_summary(*, account: Account, entity_arn: str, locale: str | None = None) -> NoReturn:
    """GetHumanReadableSummary: only delegation requests are summarized, and none exists."""
    if DELEGATION_REQUEST_ARN_PART not in entity_arn:
        raise InvalidInput("Only delegation-request entities can be summarized.", field="entity_arn")
    raise NoSuchEntity(f"The entity {entity_arn} cannot be found.", field="entity_arn")


def get_role_template_version(*, account: Account, template_arn: str, minor_version: int | None = None) -> NoReturn:
    """GetRoleTemplateVersion: no AWS service publishes role templates here."""
    raise NoSuchEntity(f"The role template {template_arn} cannot be found.", field="template_arn")


def get_account_properties(*, account: Account) -> dict[str, str]:
    """GetAccountProperties: the account has no property (iamconsole has none of the features they configure)."""
    return {}


__all__ = [
    "get_account_properties",
    "get_delegation_request",
    "get_human_readable_summary",
    "get_role_template_version",
    "list_delegation_requests",
]
