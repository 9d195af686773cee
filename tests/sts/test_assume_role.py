"""AssumeRole at the service level, through ``operations.run``: who may assume a role, and what the session gets."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import botocore.session
import pytest
from django.utils import timezone

from iamconsole import authorization, operations
from iamconsole.actors import ActorKind, RequestContext, Source
from iamconsole.errors import AccessDenied, MalformedPolicyDocument, PackedPolicyTooLarge, ValidationError
from identities.models import Role
from sts import awsapi
from tests.sts.conftest import allow, assume, policy, session_of, trust

pytestmark = pytest.mark.django_db


def test_trust_naming_the_user_suffices_in_the_same_account(env):
    alice = env.user("alice")
    role_arn = env.role("Deploy", trust(alice.arn), path="/eng/")
    result = assume(alice, role_arn, "alice-deploy")
    role = Role.objects.get(name="Deploy")
    creds = result.credentials
    assert creds.access_key_id.startswith("ASIA") and len(creds.access_key_id) == 20
    assert len(creds.secret_access_key) == 40 and len(creds.session_token) > 200
    assert result.assumed_role_id == f"{role.role_id}:alice-deploy"
    # The session ARN never carries the role's path.
    assert result.arn == f"arn:aws:sts::{env.account_id}:assumed-role/Deploy/alice-deploy"
    expected = timezone.now() + timedelta(hours=1)
    assert abs((creds.expiration - expected).total_seconds()) < 3
    assert result.packed_policy_size is None
    assert role.last_used_at is not None and role.last_used_region == "us-east-1"
    actor = session_of(result)
    assert actor.kind is ActorKind.ROLE_SESSION and actor.arn == result.arn
    assert actor.role_arn == role_arn and actor.principal_id == result.assumed_role_id


def test_output_shape_matches_botocore(env):
    alice = env.user("alice")
    result = assume(alice, env.role("R", trust(alice.arn)), policy=policy(allow("s3:GetObject")), source_identity=None)
    shape = awsapi.OUTPUTS["AssumeRole"](result)
    model: Any = botocore.session.get_session().get_service_model("sts").operation_model("AssumeRole").output_shape
    members: Any = model.members
    assert set(shape) <= set(members)
    assert set(shape["Credentials"]) == set(members["Credentials"].members)
    assert set(shape["AssumedRoleUser"]) == set(members["AssumedRoleUser"].members)
    assert 0 < shape["PackedPolicySize"] <= 100
    assert "SourceIdentity" not in shape


def test_trust_naming_the_account_also_needs_an_identity_policy(env):
    bob = env.user("bob")
    role_arn = env.role("R", trust(f"arn:aws:iam::{env.account_id}:root"))
    with pytest.raises(AccessDenied) as denied:
        assume(bob, role_arn)
    assert denied.value.message == (
        f"User: {bob.arn} is not authorized to perform: sts:AssumeRole on resource: {role_arn} "
        "because no identity-based policy allows the sts:AssumeRole action"
    )
    carol = env.user("carol", policy_document=policy(allow("sts:AssumeRole", role_arn)))
    assert assume(carol, role_arn).arn.endswith("assumed-role/R/session")


def test_an_identity_policy_alone_does_not_let_a_caller_in(env):
    dave = env.user("dave", policy_document=policy(allow("sts:AssumeRole")))
    role_arn = env.role("R", trust("arn:aws:iam::123456789012:user/someone-else"))
    with pytest.raises(AccessDenied, match="because no resource-based policy allows the sts:AssumeRole action"):
        assume(dave, role_arn)


def test_cross_account_needs_both_sides(env, other):
    erin = other.user("erin")
    role_arn = env.role("Shared", trust(erin.arn))
    with pytest.raises(AccessDenied, match="because no identity-based policy allows"):
        assume(erin, role_arn)
    frank = other.user(
        "frank", policy_document=policy(allow("sts:AssumeRole", f"arn:aws:iam::{env.account_id}:role/*"))
    )
    with pytest.raises(AccessDenied, match="because no resource-based policy allows"):
        assume(frank, role_arn)
    env.role("Shared2", trust([erin.arn, frank.arn]))
    result = assume(frank, f"arn:aws:iam::{env.account_id}:role/Shared2")
    actor = session_of(result)
    # The session lives in the role's account.
    assert actor.account_id == env.account_id


def test_root_cannot_assume_roles(env):
    role_arn = env.role("R", trust(f"arn:aws:iam::{env.account_id}:root"))
    with pytest.raises(AccessDenied) as denied:
        assume(env.root, role_arn)
    assert denied.value.message == "Roles may not be assumed by root accounts."


def test_missing_role_and_wrong_path_are_denied_like_untrusted_roles(env):
    alice = env.user("alice")
    env.role("R", trust(alice.arn), path="/eng/")
    for arn in (f"arn:aws:iam::{env.account_id}:role/Nope", f"arn:aws:iam::{env.account_id}:role/R"):
        with pytest.raises(AccessDenied, match=f"sts:AssumeRole on resource: {arn} "):
            assume(alice, arn)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"role_session_name": "a"}, "Member must have length greater than or equal to 2"),
        ({"role_session_name": "a" * 65}, "Member must have length less than or equal to 64"),
        ({"role_session_name": "has space"}, r"Member must satisfy regular expression pattern: [\w+=,.@-]*"),
        ({"duration_seconds": 899}, "Member must have value greater than or equal to 900"),
        ({"duration_seconds": 43201}, "Member must have value less than or equal to 43200"),
        ({"external_id": "x"}, "at 'externalId' failed to satisfy constraint"),
        ({"external_id": "x" * 1225}, "Member must have length less than or equal to 1224"),
        ({"source_identity": "bad id!"}, "at 'sourceIdentity'"),
        ({"policy_arns": [{"arn": f"arn:aws:iam::aws:policy/P{i}"} for i in range(11)]}, "less than or equal to 10"),
        ({"policy": "x" * 2049}, "Member must have length less than or equal to 2048"),
    ],
)
def test_parameters_are_validated_before_anything_else(env, params, message):
    alice = env.user("alice")
    role_arn = env.role("R", trust(alice.arn))
    base = {"role_arn": role_arn, "role_session_name": "ok"}
    with pytest.raises(ValidationError) as error:
        operations.run(alice, "AssumeRole", {**base, **params})
    assert message in error.value.message


def test_malformed_session_policy(env):
    alice = env.user("alice")
    with pytest.raises(MalformedPolicyDocument):
        assume(alice, env.role("R", trust(alice.arn)), policy='{"Version": "2012-10-17", "Statement": 3}')


def test_duration_bounded_by_the_role_max_session_duration(env):
    alice = env.user("alice")
    role_arn = env.role("R", trust(alice.arn), max_session_duration=7200)
    result = assume(alice, role_arn, duration_seconds=7200)
    assert abs((result.credentials.expiration - timezone.now()).total_seconds() - 7200) < 3
    with pytest.raises(ValidationError) as error:
        assume(alice, role_arn, duration_seconds=7201)
    assert error.value.message == "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."


def test_role_chaining_is_limited_to_one_hour(env):
    alice = env.user("alice")
    first = env.role(
        "First", trust(alice.arn), policy_document=policy(allow("sts:AssumeRole")), max_session_duration=43200
    )
    second = env.role("Second", trust(first), max_session_duration=43200)
    session = session_of(assume(alice, first, duration_seconds=43200))
    with pytest.raises(ValidationError) as error:
        assume(session, second, duration_seconds=3601)
    assert error.value.message == (
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
    )
    chained = assume(session, second, "hop")
    assert abs((chained.credentials.expiration - timezone.now()).total_seconds() - 3600) < 3
    assert chained.session.chained


def test_chaining_needs_the_first_role_to_allow_assume_role_when_trust_names_the_account(env):
    alice = env.user("alice")
    first = env.role("First", trust(alice.arn))
    second = env.role("Second", trust(f"arn:aws:iam::{env.account_id}:root"))
    session = session_of(assume(alice, first))
    with pytest.raises(AccessDenied, match="because no identity-based policy allows"):
        assume(session, second)
    env.put_role_policy("First", "hop", policy(allow("sts:AssumeRole", second)))
    # Permissions are evaluated live: the same session may now chain.
    assert assume(session, second).session.chained


def test_session_policies_intersect_with_the_role_permissions(env):
    alice = env.user("alice")
    role_arn = env.role("R", trust(alice.arn), policy_document=policy(allow(["iam:GetUser", "iam:ListUsers"])))
    full = session_of(assume(alice, role_arn, "full"))
    narrowed = session_of(assume(alice, role_arn, "narrow", policy=policy(allow(["iam:GetUser", "iam:DeleteUser"]))))
    user_arn = alice.arn
    assert authorization.is_allowed(full, "iam:ListUsers", "*")
    assert authorization.is_allowed(narrowed, "iam:GetUser", user_arn)
    assert not authorization.is_allowed(narrowed, "iam:ListUsers", "*")
    # A session policy never grants what the role does not.
    assert not authorization.is_allowed(narrowed, "iam:DeleteUser", user_arn)


def test_permissions_of_a_session_follow_the_role_live(env):
    alice = env.user("alice")
    role_arn = env.role("R", trust(alice.arn), policy_document=policy(allow("iam:ListUsers")))
    session = session_of(assume(alice, role_arn))
    assert authorization.is_allowed(session, "iam:ListUsers")
    env.put_role_policy("R", "p", policy(allow("iam:GetUser")))
    assert not authorization.is_allowed(session, "iam:ListUsers")


def test_session_tags_need_tag_session_in_the_trust_policy(env):
    alice = env.user("alice")
    role_arn = env.role("R", trust(alice.arn), tags={"team": "blue", "Level": "1"})
    tags = [{"key": "level", "value": "5"}, {"key": "project", "value": "x"}]
    with pytest.raises(AccessDenied, match="sts:TagSession on resource"):
        assume(alice, role_arn, tags=tags)
    tagged = env.role(
        "Tagged", trust(alice.arn, ["sts:AssumeRole", "sts:TagSession"]), tags={"team": "blue", "Level": "1"}
    )
    actor = session_of(assume(alice, tagged, tags=tags))
    # Role tags overlaid by session tags; keys compare ignoring case.
    assert dict(actor.tags) == {"team": "blue", "level": "5", "project": "x"}


def test_request_tags_are_in_the_trust_context(env):
    alice = env.user("alice")
    role_arn = env.role(
        "R",
        policy(
            {"Effect": "Allow", "Principal": {"AWS": alice.arn}, "Action": "sts:AssumeRole"},
            {
                "Effect": "Allow",
                "Principal": {"AWS": alice.arn},
                "Action": "sts:TagSession",
                "Condition": {"StringEquals": {"aws:RequestTag/project": "x"}},
            },
        ),
    )
    assume(alice, role_arn, tags=[{"key": "project", "value": "x"}])
    with pytest.raises(AccessDenied, match="sts:TagSession"):
        assume(alice, role_arn, tags=[{"key": "project", "value": "y"}])


def test_transitive_tags_and_source_identity_survive_chaining(env):
    alice = env.user("alice")
    actions = ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]
    first = env.role("First", trust(alice.arn, actions), policy_document=policy(allow("sts:AssumeRole")))
    second = env.role("Second", trust(first, actions))
    session = session_of(
        assume(
            alice,
            first,
            tags=[{"key": "project", "value": "x"}, {"key": "cost", "value": "42"}],
            transitive_tag_keys=["project"],
            source_identity="alice@example.com",
        )
    )
    assert session.source_identity == "alice@example.com"
    chained = assume(session, second, "hop")
    assert chained.source_identity == "alice@example.com"
    actor = session_of(chained)
    assert dict(actor.tags) == {"project": "x"} and actor.source_identity == "alice@example.com"
    with pytest.raises(ValidationError, match="transitive session tag"):
        assume(session, second, tags=[{"key": "PROJECT", "value": "y"}])
    with pytest.raises(ValidationError, match="source identity"):
        assume(session, second, source_identity="mallory")


def test_transitive_keys_must_be_session_tags(env):
    alice = env.user("alice")
    role_arn = env.role("R", trust(alice.arn, ["sts:AssumeRole", "sts:TagSession"]))
    with pytest.raises(Exception, match="subset of the session tags"):
        assume(alice, role_arn, tags=[{"key": "a", "value": "1"}], transitive_tag_keys=["b"])


def test_source_identity_needs_set_source_identity(env):
    alice = env.user("alice")
    with pytest.raises(AccessDenied, match="sts:SetSourceIdentity"):
        assume(alice, env.role("R", trust(alice.arn)), source_identity="alice")
    result = assume(
        alice, env.role("S", trust(alice.arn, ["sts:AssumeRole", "sts:SetSourceIdentity"])), source_identity="alice"
    )
    assert awsapi.OUTPUTS["AssumeRole"](result)["SourceIdentity"] == "alice"


def test_external_id_condition(env):
    alice = env.user("alice")
    role_arn = env.role("R", trust(alice.arn, Condition={"StringEquals": {"sts:ExternalId": "Unique-42"}}))
    with pytest.raises(AccessDenied):
        assume(alice, role_arn)
    with pytest.raises(AccessDenied):
        assume(alice, role_arn, external_id="Unique-43")
    assert assume(alice, role_arn, external_id="Unique-42")


def test_session_name_condition(env):
    alice = env.user("alice")
    role_arn = env.role("R", trust(alice.arn, Condition={"StringLike": {"sts:RoleSessionName": "${aws:username}"}}))
    with pytest.raises(AccessDenied):
        assume(alice, role_arn, "bob")
    assert assume(alice, role_arn, "alice")


def test_source_ip_and_principal_tag_conditions(env):
    alice = env.user("alice", tags={"dept": "ops"})
    role_arn = env.role(
        "R",
        trust(
            alice.arn,
            Condition={
                "IpAddress": {"aws:SourceIp": "203.0.113.0/24"},
                "StringEquals": {"aws:PrincipalTag/dept": "ops"},
            },
        ),
    )
    assert assume(alice, role_arn, request=RequestContext(source=Source.API, source_ip="203.0.113.7"))
    with pytest.raises(AccessDenied):
        assume(alice, role_arn, request=RequestContext(source=Source.API, source_ip="198.51.100.1"))
    bob = env.user("bob", tags={"dept": "sales"})
    env.role("R2", trust(bob.arn, Condition={"StringEquals": {"aws:PrincipalTag/dept": "ops"}}))
    with pytest.raises(AccessDenied):
        assume(bob, f"arn:aws:iam::{env.account_id}:role/R2")


def test_mfa_code_is_checked_against_the_callers_device(env):
    alice = env.user("alice")
    serial, totp = env.mfa_device("alice")
    role_arn = env.role(
        "R",
        trust(
            alice.arn,
            Condition={
                "Bool": {"aws:MultiFactorAuthPresent": "true"},
                "NumericLessThan": {"aws:MultiFactorAuthAge": "300"},
            },
        ),
    )
    with pytest.raises(AccessDenied):
        assume(alice, role_arn)
    wrong = f"{(int(totp.now()) + 1) % 1_000_000:06d}"
    with pytest.raises(AccessDenied) as denied:
        assume(alice, role_arn, serial_number=serial, token_code=wrong)
    assert denied.value.message == "MultiFactorAuthentication failed with invalid MFA one time pass code."
    result = assume(alice, role_arn, serial_number=serial, token_code=totp.now())
    actor = session_of(result)
    assert actor.mfa_authenticated and actor.mfa_authenticated_at is not None
    # A code is accepted once.
    with pytest.raises(AccessDenied):
        assume(alice, role_arn, serial_number=serial, token_code=totp.now())
    bob = env.user("bob")
    with pytest.raises(AccessDenied, match="unable to validate MFA code"):
        assume(bob, role_arn, serial_number=serial, token_code=totp.now())


def test_packed_policy_too_large(env):
    alice = env.user("alice")
    role_arn = env.role("R", trust(alice.arn, ["sts:AssumeRole", "sts:TagSession"]))
    tags = [{"key": f"T{i}", "value": "a" * 250} for i in range(9)]
    with pytest.raises(PackedPolicyTooLarge, match=r"Packed size of session tags consumes \d+% of allotted space."):
        assume(alice, role_arn, tags=tags)


def test_denied_and_successful_calls_are_audited(env):
    from accounts.models import AuditEvent

    alice = env.user("alice")
    role_arn = env.role("R", trust(alice.arn))
    assume(alice, role_arn)
    with pytest.raises(AccessDenied):
        assume(env.root, role_arn)
    events = list(
        AuditEvent.objects.filter(event_name="AssumeRole").order_by("pk").values_list("outcome", "resource_arn")
    )
    assert events == [("success", role_arn), ("denied", role_arn)]
    sources = set(AuditEvent.objects.filter(event_name="AssumeRole").values_list("event_source", flat=True))
    assert sources == {"sts.amazonaws.com"}
