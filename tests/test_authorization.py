"""The authorizer: policies gathered for users (their groups') and role sessions, the request context it builds,
AWS's denial wording, cross-account resources, and a constant number of queries per decision."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iamconsole import authorization, operations
from iamconsole.actors import Actor, ActorKind, RequestContext, Source
from iamconsole.arn import assumed_role_arn, iam_arn
from iamconsole.errors import AccessDenied
from tests import factories
from tests.factories import actor_for, allow, deny, document, make_policy

USER_ARN = "arn:aws:iam::{}:user/target"


@pytest.fixture
def caller(account):
    factories.user(account, "caller", tags={"team": "blue"})
    return account


def _put(account, *statements, name="p"):
    factories.put_user_policy(account, "caller", document(*statements), policy_name=name)


def test_system_and_root(account, other_account):
    assert authorization.is_allowed(Actor.system(), "iam:DeleteUser", "arn:aws:iam::111111111111:user/x")
    root = account.root
    assert authorization.is_allowed(root, "iam:DeleteUser", iam_arn(account.account_id, "user", "x"))
    assert authorization.is_allowed(root, "iam:GetPolicy", "arn:aws:iam::aws:policy/ReadOnlyAccess")
    with pytest.raises(AccessDenied) as exc:
        authorization.authorize(root, "iam:GetUser", iam_arn(other_account.account_id, "user", "x"))
    assert exc.value.message == (
        f"User: arn:aws:iam::{account.account_id}:root is not authorized to perform: iam:GetUser on resource: "
        f"arn:aws:iam::{other_account.account_id}:user/x because no resource-based policy allows the iam:GetUser action"
    )


def test_identity_policy_never_reaches_another_account(caller, other_account):
    _put(caller, allow("iam:*"))
    actor = actor_for(caller, "caller")
    assert authorization.is_allowed(actor, "iam:GetUser", iam_arn(caller.account_id, "user", "x"))
    assert not authorization.is_allowed(actor, "iam:GetUser", iam_arn(other_account.account_id, "user", "x"))


def test_resource_patterns_and_paths(caller):
    _put(caller, allow("iam:GetUser", f"arn:aws:iam::{caller.account_id}:user/eng/*"))
    actor = actor_for(caller, "caller")
    assert authorization.is_allowed(actor, "iam:GetUser", iam_arn(caller.account_id, "user", "a", "/eng/"))
    assert not authorization.is_allowed(actor, "iam:GetUser", iam_arn(caller.account_id, "user", "a"))
    factories.user(caller, "a", path="/eng/")
    factories.user(caller, "b")
    # The operation names the real path of the user, so the pattern decides.
    operations.run(actor, "GetUser", {"user_name": "a"})
    with pytest.raises(AccessDenied) as exc:
        operations.run(actor, "GetUser", {"user_name": "b"})
    assert f"on resource: arn:aws:iam::{caller.account_id}:user/b because" in exc.value.message


def test_request_context_keys(caller):
    conditions = {
        "StringEquals": {
            "aws:PrincipalTag/team": "blue",
            "aws:username": "caller",
            "aws:PrincipalType": "User",
            "aws:PrincipalAccount": caller.account_id,
            "aws:UserAgent": "pytest",
        },
        "IpAddress": {"aws:SourceIp": "203.0.113.0/24"},
        "Bool": {"aws:SecureTransport": "true"},
        "DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"},
    }
    _put(caller, allow("iam:ListUsers", Condition=conditions))
    actor = actor_for(caller, "caller")
    good = RequestContext(source=Source.API, source_ip="203.0.113.7", user_agent="pytest", secure_transport=True)
    operations.run(actor, "ListUsers", {}, request=good)
    for bad in (
        RequestContext(source=Source.API, source_ip="198.51.100.1", user_agent="pytest", secure_transport=True),
        RequestContext(source=Source.API, source_ip="203.0.113.7", user_agent="curl", secure_transport=True),
        RequestContext(source=Source.API, source_ip="203.0.113.7", user_agent="pytest", secure_transport=False),
        RequestContext(
            source=Source.API,
            source_ip="203.0.113.7",
            user_agent="pytest",
            secure_transport=True,
            time=datetime(2019, 1, 1, tzinfo=UTC),
        ),
    ):
        with pytest.raises(AccessDenied):
            operations.run(actor, "ListUsers", {}, request=bad)
    # Principal tags are read at the request: a changed tag changes the decision at once.
    operations.run(caller.root, "TagUser", {"user_name": "caller", "tags": [{"key": "team", "value": "red"}]})
    with pytest.raises(AccessDenied):
        operations.run(actor, "ListUsers", {}, request=good)


def test_operation_context_keys(caller):
    """aws:RequestTag, aws:TagKeys, aws:ResourceTag, iam:PolicyARN and iam:PermissionsBoundary reach the engine."""
    boundary = make_policy(caller, "Boundary", document(allow("*")))
    other = make_policy(caller, "Other", document(allow("*")))
    statements = [
        allow("iam:CreateUser", Condition={"StringEquals": {"aws:RequestTag/team": "blue"}}),
        allow("iam:TagUser", Condition={"ForAllValues:StringEquals": {"aws:TagKeys": ["cost"]}}),
        allow("iam:GetUser", Condition={"StringEquals": {"aws:ResourceTag/owner": "caller"}}),
        allow("iam:AttachUserPolicy", Condition={"ArnEquals": {"iam:PolicyARN": other.arn}}),
        allow("iam:PutUserPermissionsBoundary", Condition={"ArnEquals": {"iam:PermissionsBoundary": boundary.arn}}),
    ]
    _put(caller, *statements)
    actor = actor_for(caller, "caller")
    operations.run(
        actor,
        "CreateUser",
        {"user_name": "mine", "tags": [{"key": "team", "value": "blue"}, {"key": "owner", "value": "caller"}]},
    )
    with pytest.raises(AccessDenied):
        operations.run(actor, "CreateUser", {"user_name": "x", "tags": [{"key": "team", "value": "red"}]})
    with pytest.raises(AccessDenied):
        operations.run(actor, "CreateUser", {"user_name": "y"})
    operations.run(actor, "TagUser", {"user_name": "mine", "tags": [{"key": "cost", "value": "1"}]})
    with pytest.raises(AccessDenied):
        operations.run(actor, "TagUser", {"user_name": "mine", "tags": [{"key": "other", "value": "1"}]})
    operations.run(actor, "GetUser", {"user_name": "mine"})
    factories.user(caller, "theirs")
    with pytest.raises(AccessDenied):
        operations.run(actor, "GetUser", {"user_name": "theirs"})
    operations.run(actor, "AttachUserPolicy", {"user_name": "mine", "policy_arn": other.arn})
    with pytest.raises(AccessDenied):
        operations.run(actor, "AttachUserPolicy", {"user_name": "mine", "policy_arn": boundary.arn})
    operations.run(actor, "PutUserPermissionsBoundary", {"user_name": "mine", "permissions_boundary": boundary.arn})
    with pytest.raises(AccessDenied):
        operations.run(actor, "PutUserPermissionsBoundary", {"user_name": "mine", "permissions_boundary": other.arn})


def test_group_and_aws_managed_policies_are_gathered(caller):
    aws = make_policy(None, "IAMReadOnly", document(allow(["iam:Get*", "iam:List*"])), aws_managed=True)
    factories.group(caller, "readers", members=("caller",))
    factories.attach(caller, aws, group_name="readers")
    actor = actor_for(caller, "caller")
    operations.run(actor, "ListUsers", {})
    with pytest.raises(AccessDenied):
        operations.run(actor, "CreateUser", {"user_name": "x"})
    operations.run(caller.root, "RemoveUserFromGroup", {"group_name": "readers", "user_name": "caller"})
    with pytest.raises(AccessDenied):
        operations.run(actor, "ListUsers", {})


def test_deleted_user_credentials_allow_nothing(caller):
    _put(caller, allow("*"))
    actor = actor_for(caller, "caller")
    operations.run(caller.root, "DeleteUserPolicy", {"user_name": "caller", "policy_name": "p"})
    operations.run(caller.root, "DeleteUser", {"user_name": "caller"})
    assert not authorization.is_allowed(actor, "iam:ListUsers", "*")


def _role(account, *, boundary=None):
    return factories.role(account, "Admin", path="/ops/", boundary=boundary.arn if boundary else None)


def _session(account, role, **extra):
    return Actor(
        kind=ActorKind.ROLE_SESSION,
        account_id=account.account_id,
        arn=assumed_role_arn(account.account_id, role.name, "s"),
        principal_id=f"{role.role_id}:s",
        role_pk=role.pk,
        role_arn=iam_arn(account.account_id, "role", role.name, role.path),
        **extra,
    )


def test_role_session_policies(account):
    role = _role(account)
    factories.attach(account, make_policy(account, "Admin", document(allow("*"))), role_name=role.name)
    factories.put_role_policy(account, role.name, "deny", document(deny("iam:DeleteUser")))
    session = _session(account, role)
    assert authorization.is_allowed(session, "iam:ListUsers")
    assert not authorization.is_allowed(session, "iam:DeleteUser")
    narrowed = _session(account, role, session_policy_documents=(document(allow("iam:List*")),))
    assert authorization.is_allowed(narrowed, "iam:ListUsers")
    with pytest.raises(AccessDenied) as exc:
        authorization.authorize(narrowed, "iam:CreateUser", "*")
    assert exc.value.message == (
        f"User: {narrowed.arn} is not authorized to perform: iam:CreateUser on resource: * "
        "because no session policy allows the iam:CreateUser action"
    )
    managed_session = make_policy(account, "OnlyGet", document(allow("iam:Get*")))
    by_arn = _session(account, role, session_policy_arns=(managed_session.arn,))
    assert authorization.is_allowed(by_arn, "iam:GetUser")
    assert not authorization.is_allowed(by_arn, "iam:ListUsers")
    # aws:PrincipalArn is the role's ARN for a session.
    operations.run(account.root, "DeleteRolePolicy", {"role_name": role.name, "policy_name": "deny"})
    principal_arn = {"ArnEquals": {"aws:PrincipalArn": role_arn(account, role)}}
    factories.put_role_policy(account, role.name, "arn", document(deny("s3:*", Condition=principal_arn)))
    assert not authorization.is_allowed(session, "s3:GetObject")


def role_arn(account, role):
    return iam_arn(account.account_id, "role", role.name, role.path)


def test_role_boundary(account):
    boundary = make_policy(account, "OnlyIam", document(allow("iam:*")))
    role = _role(account, boundary=boundary)
    factories.attach(account, make_policy(account, "All", document(allow("*"))), role_name=role.name)
    session = _session(account, role)
    assert authorization.is_allowed(session, "iam:ListUsers")
    assert not authorization.is_allowed(session, "s3:ListBuckets")


def test_constant_queries_per_decision(caller):
    actor = actor_for(caller, "caller")
    factories.group(caller, "g", members=("caller",))
    counts = []
    for round_ in range(2):
        for n in range(5):
            name = f"r{round_}-{n}"
            policy = make_policy(caller, name, document(allow("iam:List*")))
            factories.attach(caller, policy, **({"group_name": "g"} if n % 2 else {"user_name": "caller"}))
            factories.put_group_policy(caller, "g", document(allow("iam:Get*")), policy_name=name)
        with CaptureQueriesContext(connection) as queries:
            assert authorization.is_allowed(actor, "iam:ListUsers")
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1] <= 4
