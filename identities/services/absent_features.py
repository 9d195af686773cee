"""IAM operations on things an iamconsole installation never holds, answered as AWS answers when they do not exist.

- Delegation requests are created by AWS partners that went through AWS's onboarding; an installation has none, so
  CreateDelegationRequest is refused (``InvalidInput``, among the errors botocore's model lists for it: the caller
  is authorized, but not an onboarded partner), every request id is unknown (``NoSuchEntity``) and
  ListDelegationRequests lists nothing.
- Role templates are published by AWS services (``arn:aws:iam::aws:role-template/…``); none is published here, so
  GetRoleTemplateVersion and AcquireRole answer ``NoSuchEntity``.
- Account properties configure AWS console features (Role Manager) that iamconsole does not have: the account has no
  property, and PutAccountProperties refuses every one with ``InvalidInput``.

Each operation's permission is checked first, as for any other.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NoReturn

from accounts.models import Account
from iamconsole.errors import InvalidInput, NoSuchEntity

NOT_ONBOARDED = (
    "CreateDelegationRequest is available to AWS partners onboarded for temporary delegation; "
    "this installation has none."
)


def delegation_request_not_found(delegation_request_id: str) -> NoSuchEntity:
    return NoSuchEntity(
        f"The delegation request with id {delegation_request_id} cannot be found.", field="delegation_request_id"
    )


def create_delegation_request(
    *,
    account: Account,
    description: str,
    permissions: Any,
    requestor_workflow_id: str,
    notification_channel: str,
    session_duration: int,
    owner_account_id: str | None = None,
    request_message: str | None = None,
    redirect_url: str | None = None,
    only_send_by_owner: bool | None = None,
) -> NoReturn:
    """CreateDelegationRequest: for onboarded partners only."""
    raise InvalidInput(NOT_ONBOARDED)


def associate_delegation_request(*, account: Account, delegation_request_id: str) -> NoReturn:
    """AssociateDelegationRequest."""
    raise delegation_request_not_found(delegation_request_id)


def accept_delegation_request(*, account: Account, delegation_request_id: str) -> NoReturn:
    """AcceptDelegationRequest."""
    raise delegation_request_not_found(delegation_request_id)


def reject_delegation_request(*, account: Account, delegation_request_id: str, notes: str | None = None) -> NoReturn:
    """RejectDelegationRequest."""
    raise delegation_request_not_found(delegation_request_id)


def update_delegation_request(*, account: Account, delegation_request_id: str, notes: str | None = None) -> NoReturn:
    """UpdateDelegationRequest."""
    raise delegation_request_not_found(delegation_request_id)


def send_delegation_token(*, account: Account, delegation_request_id: str) -> NoReturn:
    """SendDelegationToken."""
    raise delegation_request_not_found(delegation_request_id)


def role_template_not_found(template_arn: str) -> NoSuchEntity:
    return NoSuchEntity(f"The role template {template_arn} cannot be found.", field="template_arn")


def acquire_role(
    *,
    account: Account,
    template_arn: str,
    template_minor_version: int | None = None,
    replacement_values: Mapping[str, Any] | None = None,
) -> NoReturn:
    """AcquireRole: no role template exists to create a role from."""
    raise role_template_not_found(template_arn)


def put_account_properties(*, account: Account, properties: Any) -> NoReturn:
    """PutAccountProperties: ``Namespace/PropertyName`` keys of one namespace; none is supported here."""
    if not isinstance(properties, Mapping) or not properties:
        raise InvalidInput("Properties must name at least one property.", field="properties")
    keys = sorted(str(key) for key in properties)
    for key in keys:
        namespace, slash, name = key.partition("/")
        if not slash or not namespace or not name or "/" in name:
            raise InvalidInput(f"Invalid property key {key}: the format is Namespace/PropertyName.", field="properties")
    if len({key.partition("/")[0] for key in keys}) > 1:
        raise InvalidInput("All properties in a request must belong to the same namespace.", field="properties")
    raise InvalidInput(f"The account property {keys[0]} is not supported.", field="properties")


__all__ = [
    "accept_delegation_request",
    "acquire_role",
    "associate_delegation_request",
    "create_delegation_request",
    "delegation_request_not_found",
    "put_account_properties",
    "reject_delegation_request",
    "role_template_not_found",
    "send_delegation_token",
    "update_delegation_request",
]
