"""The permission battery, generated from the operation table: every operation that needs a permission is denied to
a principal without policies (in AWS's message form, and audited as denied), and is let through for a principal
allowed exactly that action (it may still fail for another reason, such as NoSuchEntity: authorization passed).

The parameters of each call are built from the operation's required members (botocore's input shape, or the
handler's required keyword parameters for iamconsole's own operations) and the values of :data:`VALUES`, one per
parameter name. A new operation is covered as soon as its parameters are known here; otherwise the battery fails
naming the parameter that needs a value.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest
from botocore import xform_name

from accounts.models import AuditEvent
from iamconsole import operations
from iamconsole.awsquery import params as query_params
from iamconsole.errors import AccessDenied, IamError
from tests import factories
from tests.factories import actor_for, allow, document, make_policy, trust

CALLER = "caller"

#: One value for each parameter an operation may require, by its snake_case name; callables receive the account id.
VALUES: dict[str, Any | Callable[[str], Any]] = {
    "access_key_id": "AKIAIOSFODNN7EXAMPLE",
    "account_alias": "battery-alias",
    "action_name": "s3:GetObject",
    "action_names": ["s3:GetObject"],
    "assume_role_policy_document": lambda account: _trust(account),
    "arn": lambda account: f"arn:aws:iam::{account}:user/target",
    "authentication_code1": "123456",
    "authentication_code2": "654321",
    "certificate_body": "-----BEGIN CERTIFICATE-----",
    "certificate_id": "A" * 32,
    "encoded_message": "an-encoded-authorization-message",
    "encoding": "SSH",
    "aws_service_name": "elasticbeanstalk.amazonaws.com",
    "audience": ["https://relying-party.example"],
    "client_id": "battery-client",
    "deletion_task_id": "task/aws-service-role/elasticbeanstalk.amazonaws.com/AWSServiceRoleForElasticBeanstalk/1",
    "delegation_request_id": "dr-0123456789abcdef0123",
    "description": "battery",
    "entity_arn": lambda account: f"arn:aws:iam::{account}:delegation-request/dr-0123456789abcdef0123",
    "entity_path": "o-a1b2c3d4e5/r-f6g7h8i9j0example",
    "global_endpoint_token_version": "v2Token",
    "group_name": "team",
    "instance_profile_name": "profile",
    "job_id": "00000000-0000-0000-0000-000000000000",
    "keys": '{"keys": [{"kty": "RSA", "n": "AQAB", "e": "AQAB"}]}',
    "name": "federated",
    "notification_channel": "arn:aws:sns:us-east-1:123456789012:topic",
    "permissions": {"policy_template_arn": "arn:aws:iam::aws:policy-template/Example"},
    "properties": {"RoleManager/Enabled": "true"},
    "new_password": "New-Battery-Passw0rd!",
    "old_password": "Old-Battery-Passw0rd!",
    "open_id_connect_provider_arn": lambda account: f"arn:aws:iam::{account}:oidc-provider/example.com",
    "permissions_boundary": lambda account: f"arn:aws:iam::{account}:policy/Attachable",
    "policy_arn": lambda account: f"arn:aws:iam::{account}:policy/Attachable",
    "policy_document": document(allow("s3:GetObject")),
    "policy_input_list": [document(allow("s3:GetObject"))],
    "policy_id": "ANPAEXAMPLEPOLICYID000",
    "policy_name": "inline",
    "private_key": "-----BEGIN PRIVATE KEY-----",
    "policy_source_arn": lambda account: f"arn:aws:iam::{account}:user/target",
    "region": "us-east-1",
    "requestor_workflow_id": "workflow-1",
    "resource_arn": "arn:aws:elasticbeanstalk:us-east-1:123456789012:environment/app/env",
    "role_arn": lambda account: f"arn:aws:iam::{account}:role/target-role",
    "role_name": "target-role",
    "role_session_name": "battery",
    "saml_metadata_document": "<EntityDescriptor/>",
    "saml_provider_arn": lambda account: f"arn:aws:iam::{account}:saml-provider/idp",
    "session_duration": 3600,
    "serial_number": lambda account: f"arn:aws:iam::{account}:mfa/device",
    "server_certificate_name": "www",
    "service_name": "codecommit.amazonaws.com",
    "service_namespace": "iam",
    "service_namespaces": ["iam"],
    "signing_algorithm": "RS256",
    "service_specific_credential_id": "ACCAEXAMPLEEXAMPLE123",
    "ssh_public_key_body": "ssh-rsa AAAA",
    "ssh_public_key_id": "APKAEXAMPLEEXAMPLE12",
    "status": "Inactive",
    "tag_keys": ["team"],
    "tags": [{"key": "team", "value": "blue"}],
    "target_principal": lambda account: account,
    "task_policy_arn": {"arn": "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"},
    "template_arn": "arn:aws:iam::aws:role-template/ec2.amazonaws.com/ExampleTemplate:1",
    "thumbprint_list": ["a" * 40],
    "trade_in_token": "a-trade-in-token",
    "url": "https://example.com",
    "user_name": "target",
    "version_id": "v1",
    "virtual_mfa_device_name": "device",
}


def _trust(account_id: str) -> str:
    """A trust policy delegating AssumeRole to the account (its principals then need an identity policy too)."""
    return trust(f"arn:aws:iam::{account_id}:root")


def required_parameters(operation: operations.Operation) -> list[str]:
    """The parameters a call of ``operation`` must carry: botocore's required members, or the handler's own."""
    if operation.service in query_params.API_VERSIONS:
        model = query_params.service_model(operation.service)
        if operation.name in model.operation_names:
            shape = model.operation_model(operation.name).input_shape
            return sorted(xform_name(member) for member in (shape.required_members if shape else ()))
    signature = inspect.signature(operation.handler)
    return sorted(
        name
        for name, parameter in signature.parameters.items()
        if parameter.default is inspect.Parameter.empty
        and parameter.kind is inspect.Parameter.KEYWORD_ONLY
        and name not in ("account", "actor", "request")
    )


def needs_permission(operation: operations.Operation) -> bool:
    """Operations whose caller is a signed principal; those whose caller is named by a token they carry
    (AssumeRoleWithWebIdentity, AssumeRoleWithSAML) are only ever allowed by a trust policy (tests/sts)."""
    return operation.iam_action is not None and not operation.system_only and operation.principal is None


GUARDED = sorted(name for name, operation in operations.operations().items() if needs_permission(operation))


def params_for(operation: operations.Operation, account_id: str) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for name in required_parameters(operation):
        if name not in VALUES:
            pytest.fail(f"{operation.name} requires {name!r}: give it a value in the battery's VALUES")
        value = VALUES[name]
        params[name] = value(account_id) if callable(value) else value
    return params


@pytest.fixture
def world(account):
    """The entities the operations name: a user, a group, a role trusting the account, a customer managed policy,
    an instance profile, and the calling user without any policy."""
    factories.user(account, "target")
    factories.group(account, "team")
    factories.role(account, "target-role", _trust(account.account_id))
    make_policy(account, "Attachable", document(allow("s3:*")))
    operations.run(account.root, "CreateInstanceProfile", {"instance_profile_name": "profile"})
    factories.user(account, CALLER)
    return account


def test_the_battery_covers_the_operations_that_need_a_permission():
    assert len(GUARDED) > 140
    assert {"CreateUser", "AssumeRole", "ChangePassword", "GetFederationToken", "ValidatePolicy"} <= set(GUARDED)


def test_only_the_operations_aws_leaves_unguarded_need_no_permission_and_the_table_says_why():
    unguarded = {
        name: operation.no_permission
        for name, operation in operations.operations().items()
        if operation.iam_action is None and not operation.system_only
    }
    # GetScopedCredentials only narrows the caller's own session; an issuer's documents are public.
    assert set(unguarded) == {
        "GetCallerIdentity",
        "GetSessionToken",
        "GetScopedCredentials",
        "GetOutboundIssuerDocuments",
    }
    assert all(unguarded.values())


def test_an_operation_checking_no_permission_must_say_why():
    silent = operations.Operation("Silent", lambda *, account: None, action=None)
    with pytest.raises(RuntimeError, match="Silent checks no permission"):
        operations.check_declaration(silent)


@pytest.mark.parametrize("name", GUARDED)
def test_a_principal_without_policies_is_denied_and_the_denial_audited(world, name):
    operation = operations.get_operation(name)
    action = operation.iam_action
    caller = actor_for(world, CALLER)
    with pytest.raises(AccessDenied) as excinfo:
        operations.run(caller, name, params_for(operation, world.account_id))
    event = AuditEvent.objects.filter(event_name=name, actor_arn=caller.arn).get()
    assert (event.outcome, event.error_code) == ("denied", "AccessDenied")
    assert event.resource_arn
    assert excinfo.value.message == (
        f"User: {caller.arn} is not authorized to perform: {action} on resource: {event.resource_arn} "
        f"because no identity-based policy allows the {action} action"
    )
    assert event.error_message == excinfo.value.message


@pytest.mark.parametrize("name", GUARDED)
def test_a_principal_allowed_exactly_that_action_gets_through(world, name):
    operation = operations.get_operation(name)
    assert operation.iam_action is not None
    actions = [operation.iam_action, *(action for action, _ in operation.also_requires)]
    factories.put_user_policy(world, CALLER, document(allow(actions)), policy_name="exactly")
    caller = actor_for(world, CALLER)
    try:
        operations.run(caller, name, params_for(operation, world.account_id))
    except AccessDenied as exc:
        pytest.fail(f"{name} was denied although {actions} is allowed: {exc.message}")
    except IamError:
        pass  # refused for another reason (NoSuchEntity, a wrong code…): authorization let it through
    event = AuditEvent.objects.filter(event_name=name, actor_arn=caller.arn).get()
    assert event.outcome in ("success", "failed")
