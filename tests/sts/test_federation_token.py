"""GetFederationToken: who may call it, its parameters' rules, the federated user session it issues (identity,
permissions as the intersection of the caller's policies and the session policies, what it may not call), and its
expiry."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone

from iamconsole import authentication, authorization, operations
from iamconsole.actors import Actor, ActorKind
from iamconsole.errors import (
    AccessDenied,
    ExpiredToken,
    InvalidClientTokenId,
    MalformedPolicyDocument,
    ValidationError,
)
from identities.models import User
from sts import awsapi, services
from sts.models import StsSession
from tests import factories
from tests.sts.conftest import Env, allow, assume, policy, session_of, trust

pytestmark = pytest.mark.django_db

BUCKET = "arn:aws:s3:::reports/q1.csv"
#: What the federating user itself may do: read and delete objects, and federate.
USER_POLICY = policy(allow(["s3:GetObject", "s3:DeleteObject"], "arn:aws:s3:::reports/*"), allow("sts:*"))


def federate(actor: Actor, name: str = "bob", **params: Any) -> services.FederationToken:
    result: services.FederationToken = operations.run(actor, "GetFederationToken", {"name": name, **params})
    return result


def federated(result: services.FederationToken) -> Actor:
    creds = result.credentials
    return authentication.resolve_access_key(creds.access_key_id, creds.session_token).actor


def _seconds_left(result: services.FederationToken) -> float:
    return (result.credentials.expiration - timezone.now()).total_seconds()


def test_issues_a_federated_user_session(env: Env) -> None:
    proxy = env.user("proxy", policy_document=USER_POLICY)
    result = federate(proxy, "bob@example.com", policy=policy(allow("s3:GetObject")))
    account = env.account_id
    assert result.credentials.access_key_id.startswith("ASIA")
    assert result.federated_user_id == f"{account}:bob@example.com"
    assert result.arn == f"arn:aws:sts::{account}:federated-user/bob@example.com"
    assert result.packed_policy_size is not None and 0 < result.packed_policy_size <= 100
    assert abs(_seconds_left(result) - 43_200) < 3
    shape = awsapi.OUTPUTS["GetFederationToken"](result)
    assert shape["FederatedUser"] == {"FederatedUserId": f"{account}:bob@example.com", "Arn": result.arn}
    assert shape["PackedPolicySize"] == result.packed_policy_size
    row = StsSession.objects.get(access_key_id=result.credentials.access_key_id)
    assert row.federated and row.user is not None and row.user.name == "proxy" and row.role is None
    assert result.credentials.session_token not in row.session_token_digest

    actor = federated(result)
    assert actor.kind is ActorKind.FEDERATED_USER
    assert (actor.arn, actor.principal_id, actor.user_pk) == (result.arn, f"{account}:bob@example.com", proxy.user_pk)
    identity = operations.run(actor, "GetCallerIdentity", {})
    assert (identity.user_id, identity.account, identity.arn) == (f"{account}:bob@example.com", account, result.arn)
    # Without session policies or tags there is no PackedPolicySize.
    assert "PackedPolicySize" not in awsapi.OUTPUTS["GetFederationToken"](federate(proxy, "carol"))


def test_the_caller_needs_sts_get_federation_token_on_the_federated_user(env: Env) -> None:
    only_alice = policy(allow("sts:GetFederationToken", f"arn:aws:sts::{env.account_id}:federated-user/alice"))
    proxy = env.user("proxy", policy_document=only_alice)
    assert federate(proxy, "alice").arn.endswith(":federated-user/alice")
    with pytest.raises(AccessDenied) as denied:
        federate(proxy, "mallory")
    assert denied.value.message == (
        f"User: {proxy.arn} is not authorized to perform: sts:GetFederationToken on resource: "
        f"arn:aws:sts::{env.account_id}:federated-user/mallory "
        "because no identity-based policy allows the sts:GetFederationToken action"
    )
    nobody = env.user("nobody")
    with pytest.raises(AccessDenied):
        federate(nobody)


def test_permissions_are_the_intersection_of_the_user_and_session_policies(env: Env) -> None:
    proxy = env.user("proxy", policy_document=USER_POLICY)
    actor = federated(federate(proxy, policy=policy(allow(["s3:GetObject", "s3:PutObject"]))))
    assert authorization.is_allowed(actor, "s3:GetObject", BUCKET)  # both allow it
    assert not authorization.is_allowed(actor, "s3:PutObject", BUCKET)  # only the session policy does
    assert not authorization.is_allowed(actor, "s3:DeleteObject", BUCKET)  # only the user's policy does
    with pytest.raises(AccessDenied) as denied:
        authorization.authorize(actor, "s3:DeleteObject", BUCKET)
    assert denied.value.message == (
        f"User: {actor.arn} is not authorized to perform: s3:DeleteObject on resource: {BUCKET} "
        "because no session policy allows the s3:DeleteObject action"
    )
    # The user's policies are read at each request: removing them takes the session's permissions away too.
    operations.run(env.root, "DeleteUserPolicy", {"user_name": "proxy", "policy_name": "p"})
    assert not authorization.is_allowed(actor, "s3:GetObject", BUCKET)


def test_managed_session_policies_narrow_too(env: Env) -> None:
    proxy = env.user("proxy", policy_document=USER_POLICY)
    managed = factories.managed_policy(env.fixture, "ReadOnly", policy(allow("s3:GetObject")))
    actor = federated(federate(proxy, policy_arns=[{"arn": managed.arn}]))
    assert actor.session_policy_arns == (managed.arn,)
    assert authorization.is_allowed(actor, "s3:GetObject", BUCKET)
    assert not authorization.is_allowed(actor, "s3:DeleteObject", BUCKET)


def test_without_a_session_policy_the_federated_user_may_do_nothing(env: Env) -> None:
    proxy = env.user("proxy", policy_document=policy(allow("*")))
    actor = federated(federate(proxy))
    assert not actor.has_session_policies
    for action in ("s3:GetObject", "ec2:DescribeInstances", "sqs:SendMessage"):
        assert not authorization.is_allowed(actor, action, "*")
    with pytest.raises(AccessDenied, match="because no session policy allows the s3:GetObject action"):
        authorization.authorize(actor, "s3:GetObject", BUCKET)


def test_a_federated_user_cannot_call_iam_even_when_every_policy_allows_it(env: Env) -> None:
    proxy = env.user("proxy", policy_document=policy(allow("*")))
    actor = federated(federate(proxy, policy=policy(allow("*"))))
    for name, params in (("ListUsers", {}), ("CreateUser", {"user_name": "x"}), ("GetUser", {"user_name": "proxy"})):
        with pytest.raises(InvalidClientTokenId) as refused:
            operations.run(actor, name, params)
        assert refused.value.message == "The security token included in the request is invalid."
    assert not User.objects.filter(name="x").exists()


def test_of_sts_only_get_caller_identity(env: Env) -> None:
    proxy = env.user("proxy", policy_document=policy(allow("*")))
    role_arn = env.role("R", trust(f"arn:aws:iam::{env.account_id}:root"))
    actor = federated(federate(proxy, policy=policy(allow("*"))))
    assert operations.run(actor, "GetCallerIdentity", {}).arn == actor.arn
    with pytest.raises(AccessDenied) as denied:
        operations.run(actor, "GetFederationToken", {"name": "again"})
    assert denied.value.message == "Cannot call GetFederationToken with session credentials"
    with pytest.raises(AccessDenied) as denied:
        operations.run(actor, "GetSessionToken", {})
    assert denied.value.message == "Cannot call GetSessionToken with session credentials"
    with pytest.raises(AccessDenied, match="sts:AssumeRole"):
        assume(actor, role_arn)
    with pytest.raises(AccessDenied, match="sts:GetAccessKeyInfo"):
        operations.run(actor, "GetAccessKeyInfo", {"access_key_id": env.fixture.access_key_id})
    assert StsSession.objects.count() == 1


@pytest.mark.parametrize(
    ("duration", "message"),
    [
        (899, "Member must have value greater than or equal to 900"),
        (129_601, "Member must have value less than or equal to 129600"),
    ],
)
def test_duration_bounds(env: Env, duration: int, message: str) -> None:
    proxy = env.user("proxy", policy_document=USER_POLICY)
    with pytest.raises(ValidationError) as invalid:
        federate(proxy, duration_seconds=duration)
    assert invalid.value.message == (
        f"1 validation error detected: Value '{duration}' at 'durationSeconds' failed to satisfy constraint: {message}"
    )
    assert not StsSession.objects.exists()


def test_durations_within_bounds(env: Env) -> None:
    proxy = env.user("proxy", policy_document=USER_POLICY)
    assert abs(_seconds_left(federate(proxy, "short", duration_seconds=900)) - 900) < 3
    assert abs(_seconds_left(federate(proxy, "long", duration_seconds=129_600)) - 129_600) < 3


@pytest.mark.parametrize(
    ("name", "constraint"),
    [
        ("b", "Member must have length greater than or equal to 2"),
        ("b" * 33, "Member must have length less than or equal to 32"),
        ("bob smith", "Member must satisfy regular expression pattern: [\\w+=,.@-]*"),
        ("bob/smith", "Member must satisfy regular expression pattern: [\\w+=,.@-]*"),
    ],
)
def test_name_rules(env: Env, name: str, constraint: str) -> None:
    proxy = env.user("proxy", policy_document=USER_POLICY)
    with pytest.raises(ValidationError) as invalid:
        federate(proxy, name)
    assert invalid.value.message == (
        f"1 validation error detected: Value '{name}' at 'name' failed to satisfy constraint: {constraint}"
    )


def test_names_at_the_bounds_and_with_every_allowed_character(env: Env) -> None:
    proxy = env.user("proxy", policy_document=USER_POLICY)
    for name in ("ab", "x" * 32, "a_b+c=d,e.f@g-h"):
        assert federate(proxy, name).arn.endswith(f":federated-user/{name}")


def test_session_policy_rules(env: Env) -> None:
    proxy = env.user("proxy", policy_document=USER_POLICY)
    with pytest.raises(MalformedPolicyDocument):
        federate(proxy, policy="{not json")
    with pytest.raises(ValidationError, match="less than or equal to 2048"):
        federate(proxy, policy=policy(allow("s3:GetObject", "arn:aws:s3:::" + "x" * 2100)))
    arns = [{"arn": f"arn:aws:iam::{env.account_id}:policy/p{n}"} for n in range(11)]
    with pytest.raises(ValidationError, match="less than or equal to 10"):
        federate(proxy, policy_arns=arns)


def test_root_may_federate_for_at_most_an_hour_and_session_policies_alone_narrow_it(env: Env) -> None:
    default = federate(env.root, "ops")
    assert abs(_seconds_left(default) - 3_600) < 3
    assert abs(_seconds_left(federate(env.root, "ops2", duration_seconds=129_600)) - 3_600) < 3
    assert abs(_seconds_left(federate(env.root, "ops3", duration_seconds=1_800)) - 1_800) < 3
    row = StsSession.objects.get(access_key_id=default.credentials.access_key_id)
    assert row.federated and row.user is None and row.issued_to_arn == env.root.arn
    actor = federated(federate(env.root, "reader", policy=policy(allow("s3:GetObject"))))
    assert actor.kind is ActorKind.FEDERATED_USER and actor.arn.endswith(":federated-user/reader")
    assert authorization.is_allowed(actor, "s3:GetObject", BUCKET)
    assert not authorization.is_allowed(actor, "s3:PutObject", BUCKET)
    assert not authorization.is_allowed(federated(default), "s3:GetObject", BUCKET)
    with pytest.raises(InvalidClientTokenId):
        operations.run(actor, "ListUsers", {})


def test_refused_with_session_credentials(env: Env) -> None:
    alice = env.user("alice", policy_document=policy(allow("*")))
    role_session = session_of(assume(alice, env.role("R", trust(alice.arn), policy_document=policy(allow("*")))))
    session_token = session_of(operations.run(alice, "GetSessionToken", {}))
    root_session = session_of(operations.run(env.root, "GetSessionToken", {}))
    for actor in (role_session, session_token, root_session):
        with pytest.raises(AccessDenied) as denied:
            federate(actor)
        assert denied.value.message == "Cannot call GetFederationToken with session credentials"
    assert not StsSession.objects.filter(federated=True).exists()


def test_session_tags_become_principal_tags_over_the_users_tags(env: Env) -> None:
    proxy = env.user("proxy", policy_document=USER_POLICY, tags={"team": "ops", "site": "paris"})
    tagged = policy(allow("s3:GetObject", Condition={"StringEquals": {"aws:PrincipalTag/team": "data"}}))
    result = federate(proxy, policy=tagged, tags=[{"key": "Team", "value": "data"}])
    actor = federated(result)
    assert dict(actor.tags) == {"site": "paris", "Team": "data"}
    assert authorization.is_allowed(actor, "s3:GetObject", BUCKET)
    assert result.packed_policy_size is not None
    # The request's tags are in the context of GetFederationToken itself.
    deny_tags = policy(
        allow("sts:GetFederationToken"),
        {
            "Effect": "Deny",
            "Action": "sts:GetFederationToken",
            "Resource": "*",
            "Condition": {"Null": {"aws:TagKeys": "false"}},
        },
    )
    strict = env.user("strict", policy_document=deny_tags)
    federate(strict, "plain")
    with pytest.raises(AccessDenied, match="explicit deny"):
        federate(strict, "tagged", tags=[{"key": "k", "value": "v"}])


def test_expiry_revocation_and_the_sweep(env: Env) -> None:
    proxy = env.user("proxy", policy_document=USER_POLICY)
    result = federate(proxy, duration_seconds=900)
    creds = result.credentials
    with mock.patch("django.utils.timezone.now", return_value=creds.expiration):
        assert federated(result).kind is ActorKind.FEDERATED_USER
    late = creds.expiration + timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=late), pytest.raises(ExpiredToken):
        federated(result)
    assert services.purge_expired_sessions(now=late) == 1
    with pytest.raises(InvalidClientTokenId):
        federated(result)


def test_deleting_the_user_ends_its_federated_sessions(env: Env) -> None:
    proxy = env.user("proxy", policy_document=USER_POLICY)
    result = federate(proxy)
    listed = operations.run(env.root, "ListAccountSessions", {})
    assert [awsapi.session_shape(s)["FederatedUserName"] for s in listed.items] == ["bob"]
    User.objects.filter(account=env.account, name="proxy").delete()
    with pytest.raises(InvalidClientTokenId):
        federated(result)


def test_a_federated_user_session_has_mfa_present_false(env: Env) -> None:
    # GetFederationToken takes no MFA: its sessions always carry aws:MultiFactorAuthPresent false, so a deny on
    # "no MFA" in the federating user's policy applies to them, while the user's long-term key (key absent) passes.
    no_mfa = {"Bool": {"aws:MultiFactorAuthPresent": "false"}}
    document = policy(
        allow(["s3:GetObject", "sts:GetFederationToken"]),
        {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": no_mfa},
    )
    proxy = env.user("proxy", policy_document=document)
    assert authorization.is_allowed(proxy, "s3:GetObject", BUCKET)
    actor = federated(federate(proxy, policy=policy(allow("s3:GetObject"))))
    assert not actor.mfa_authenticated
    with pytest.raises(AccessDenied, match="with an explicit deny in an identity-based policy"):
        authorization.authorize(actor, "s3:GetObject", BUCKET)
