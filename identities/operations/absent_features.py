"""Operations on delegation requests, role templates and account properties, which an installation never holds
(``identities.services.absent_features``). Authorized as AWS documents: delegation requests and role templates on
their ARNs, the List and account property operations on ``*``."""

from __future__ import annotations

from iamconsole.operations import Call, Operation
from identities import selectors, services


def _delegation_request(call: Call) -> str:
    request_id = str(call.params.get("delegation_request_id") or "*")
    return f"arn:aws:iam::{call.account_id}:delegation-request/{request_id}"


def _template(call: Call) -> str:
    return str(call.params.get("template_arn") or "*")


def _summarized(call: Call) -> str:
    return str(call.params.get("entity_arn") or "*")


OPERATIONS = (
    Operation("CreateDelegationRequest", services.create_delegation_request, resource=_delegation_request),
    Operation("ListDelegationRequests", selectors.list_delegation_requests, read_only=True),
    Operation("GetDelegationRequest", selectors.get_delegation_request, resource=_delegation_request, read_only=True),
    Operation("AssociateDelegationRequest", services.associate_delegation_request, resource=_delegation_request),
    Operation("AcceptDelegationRequest", services.accept_delegation_request, resource=_delegation_request),
    Operation("RejectDelegationRequest", services.reject_delegation_request, resource=_delegation_request),
    Operation("UpdateDelegationRequest", services.update_delegation_request, resource=_delegation_request),
    Operation("SendDelegationToken", services.send_delegation_token, resource=_delegation_request),
    Operation("GetHumanReadableSummary", selectors.get_human_readable_summary, resource=_summarized, read_only=True),
    Operation("GetRoleTemplateVersion", selectors.get_role_template_version, resource=_template, read_only=True),
    Operation("AcquireRole", services.acquire_role, resource=_template),
    Operation("GetAccountProperties", selectors.get_account_properties, read_only=True),
    Operation("PutAccountProperties", services.put_account_properties),
)
