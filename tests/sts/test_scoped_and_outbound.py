"""GetScopedCredentials, GetWebIdentityToken, AssumeRoot and GetDelegatedAccessToken through ``operations.run``:
scope-down layers at the request, the outbound issuer's keys and documents, and the audit of each refusal."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import jwt
import pytest
from django.utils import timezone

from accounts.models import AuditEvent
from iamconsole import authentication, authorization, operations
from iamconsole.actors import Actor
from iamconsole.errors import (
    AccessDenied,
    ExpiredTradeInTokenException,
    InsufficientSessionLifetime,
    InvalidClientTokenId,
    InvalidSubjectCredentials,
    JWTPayloadSizeExceededException,
    MalformedPolicyDocument,
    NoSuchEntity,
    OrganizationNotFoundException,
    OutboundWebIdentityFederationDisabledException,
    SessionDurationEscalationException,
    ValidationError,
)
from identities.models import Role, ServiceLinkedRoleDeletion
from sts.models import OutboundSigningKey, StsSession
from tests.sts.conftest import allow, assume, policy, session_of, trust

pytestmark = pytest.mark.django_db

ROOT_TASK = {"arn": "arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy"}


def _role_session(env, *actions, duration_seconds=900):
    alice = env.user("alice")
    role_arn = env.role("R", trust(alice.arn), policy_document=policy(allow(list(actions))))
    return session_of(assume(alice, role_arn, "s1", duration_seconds=duration_seconds))


def _scoped(actor, **params):
    return operations.run(actor, "GetScopedCredentials", params)


def _allowed(actor, action):
    return authorization.check(actor, action, "*") is None


def test_scoped_credentials_keep_the_identity_and_intersect_each_layer(env):
    parent = _role_session(env, "iam:ListUsers", "iam:ListRoles", "iam:GetUser")
    first = _scoped(parent, policy=policy(allow(["iam:ListRoles", "iam:GetUser"])))
    one = session_of(first)
    assert (one.arn, one.principal_id, one.role_pk) == (parent.arn, parent.principal_id, parent.role_pk)
    assert first.scope_policies_count == 1 and first.credentials.expiration == parent.session_expires_at
    assert [_allowed(one, a) for a in ("iam:ListUsers", "iam:ListRoles", "iam:GetUser")] == [False, True, True]
    # A layer never widens: ListUsers stays refused though the second policy names it.
    two = session_of(_scoped(one, policy=policy(allow(["iam:ListUsers", "iam:GetUser"]))))
    assert [_allowed(two, a) for a in ("iam:ListUsers", "iam:ListRoles", "iam:GetUser")] == [False, False, True]
    row = StsSession.objects.get(access_key_id=two.access_key_id)
    assert row.scoped_from_id == parent.session_pk and len(row.scope_policy_documents) == 2
    assert row.issued_at == StsSession.objects.get(pk=parent.session_pk).issued_at


def test_scoped_credentials_of_the_root_users_session_token_are_narrowed_too(env):
    token = operations.run(env.root, "GetSessionToken", {"duration_seconds": 900})
    root_session = session_of(token)
    assert _allowed(root_session, "iam:CreateUser")
    scoped = session_of(_scoped(root_session, policy=policy(allow("iam:ListUsers"))))
    assert scoped.is_root and scoped.from_session_token
    assert _allowed(scoped, "iam:ListUsers") and not _allowed(scoped, "iam:CreateUser")


def test_scoped_credentials_refusals(env):
    with pytest.raises(InvalidSubjectCredentials):
        _scoped(env.root, duration_seconds=60)
    dave = env.user("dave", policy_document=policy(allow("sts:AssumeRole")))
    with pytest.raises(InvalidSubjectCredentials):
        _scoped(dave, policy=policy(allow("*")))
    parent = _role_session(env, "iam:ListUsers")
    with pytest.raises(ValidationError, match="at least one of Policy or DurationSeconds"):
        _scoped(parent)
    with pytest.raises(MalformedPolicyDocument):
        _scoped(parent, policy='{"Version": "2012-10-17", "Statement": {"Effect": "Allow"}}')
    for bad in (0, 129_601, "60"):
        with pytest.raises(ValidationError):
            _scoped(parent, duration_seconds=bad)
    with pytest.raises(ValidationError):
        _scoped(parent, duration_seconds=60, scoped_session_description="x")
    with pytest.raises(InsufficientSessionLifetime):
        _scoped(parent, duration_seconds=901)
    later = timezone.now() + timedelta(seconds=600)
    with mock.patch("django.utils.timezone.now", return_value=later), pytest.raises(InsufficientSessionLifetime):
        _scoped(parent, duration_seconds=301)
    event = AuditEvent.objects.filter(event_name="GetScopedCredentials").order_by("-pk")[0]
    assert (event.outcome, event.error_code) == ("failed", "InsufficientSessionLifetime")


def test_at_most_three_scope_layers(env):
    actor = _role_session(env, "iam:ListUsers")
    for _ in range(3):
        actor = session_of(_scoped(actor, policy=policy(allow("iam:*"))))
    with pytest.raises(AccessDenied, match="3 scope-down policies"):
        _scoped(actor, policy=policy(allow("iam:*")))
    # A shorter lifetime adds no layer, so it is still allowed.
    assert _scoped(actor, duration_seconds=60).scope_policies_count == 3


def test_revoking_the_first_session_revokes_its_scoped_credentials(env):
    parent = _role_session(env, "iam:ListUsers")
    scoped = _scoped(parent, duration_seconds=300).credentials
    operations.run(env.root, "RevokeRoleSession", {"role_name": "R", "access_key_id": parent.access_key_id})
    with pytest.raises(InvalidClientTokenId):
        authentication.resolve_access_key(scoped.access_key_id, scoped.session_token)


def _token(actor, **params):
    return operations.run(
        actor, "GetWebIdentityToken", {"audience": ["https://rp.example"], "signing_algorithm": "RS256", **params}
    )


def test_web_identity_token_needs_the_feature_and_the_permission(env):
    with pytest.raises(OutboundWebIdentityFederationDisabledException):
        _token(env.root)
    operations.run(env.root, "EnableOutboundWebIdentityFederation", {})
    bob = env.user("bob")
    with pytest.raises(AccessDenied):
        _token(bob)
    audience_only = {
        "Effect": "Allow",
        "Action": "sts:GetWebIdentityToken",
        "Resource": "*",
        "Condition": {
            "ForAllValues:StringEquals": {"sts:IdentityTokenAudience": "https://rp.example"},
            "NumericLessThanEquals": {"sts:DurationSeconds": "300"},
            "StringEquals": {"sts:SigningAlgorithm": "ES384"},
        },
    }
    carol = env.user("carol", policy_document=policy(audience_only))
    with pytest.raises(AccessDenied):
        _token(carol)  # RS256
    with pytest.raises(AccessDenied):
        _token(carol, signing_algorithm="ES384", audience=["https://other.example"])
    with pytest.raises(AccessDenied):
        _token(carol, signing_algorithm="ES384", duration_seconds=301)
    token = _token(carol, signing_algorithm="ES384").token
    assert jwt.get_unverified_header(token)["alg"] == "ES384"
    # Tags need sts:TagGetWebIdentityToken as well.
    with pytest.raises(AccessDenied, match="sts:TagGetWebIdentityToken"):
        _token(carol, signing_algorithm="ES384", tags=[{"key": "k", "value": "v"}])


def test_one_key_per_algorithm_kept_encrypted_and_published(env):
    operations.run(env.root, "EnableOutboundWebIdentityFederation", {})
    first, second = _token(env.root).token, _token(env.root).token
    _token(env.root, signing_algorithm="ES384")
    keys = OutboundSigningKey.objects.filter(account=env.account)
    assert sorted(k.algorithm for k in keys) == ["ES384", "RS256"]
    assert all("PRIVATE KEY" not in k.private_key_encrypted for k in keys)
    assert jwt.get_unverified_header(first)["kid"] == jwt.get_unverified_header(second)["kid"]
    issuer = operations.run(env.root, "GetOutboundWebIdentityFederationInfo", {}).outbound_issuer
    issuer_id = issuer.rsplit("/", 1)[1]
    documents = operations.run(env.root, "GetOutboundIssuerDocuments", {"issuer_id": issuer_id})
    assert documents.configuration["issuer"] == issuer
    assert documents.configuration["jwks_uri"] == f"{issuer}/.well-known/jwks.json"
    assert {k["kid"] for k in documents.jwks["keys"]} == {k.kid for k in keys}
    assert all("d" not in k for k in documents.jwks["keys"])  # public halves only
    rsa_jwk = next(k for k in documents.jwks["keys"] if k["kty"] == "RSA")
    claims = jwt.decode(first, jwt.PyJWK(rsa_jwk).key, algorithms=["RS256"], audience="https://rp.example")
    assert claims["sub"] == env.root.arn and claims["iss"] == issuer
    operations.run(env.root, "DisableOutboundWebIdentityFederation", {})
    with pytest.raises(NoSuchEntity):
        operations.run(env.root, "GetOutboundIssuerDocuments", {"issuer_id": issuer_id})


def test_token_lifetime_and_payload_bounds(env):
    operations.run(env.root, "EnableOutboundWebIdentityFederation", {})
    session = _role_session(env, "sts:GetWebIdentityToken", "sts:TagGetWebIdentityToken", duration_seconds=900)
    assert _token(session, duration_seconds=900).expiration <= session.session_expires_at
    with pytest.raises(SessionDurationEscalationException):
        _token(session, duration_seconds=960)
    for bad in (59, 3601):
        with pytest.raises(ValidationError):
            _token(env.root, duration_seconds=bad)
    with pytest.raises(ValidationError):
        _token(env.root, audience=[])
    with pytest.raises(ValidationError, match="trusted identity propagation"):
        _token(env.root, subject_mode="OriginIdentity", scope="read")
    with pytest.raises(ValidationError, match="Scope"):
        _token(env.root, subject_mode="AWSIdentity", scope="read")
    assert _token(env.root, subject_mode="AWSIdentity").token
    tags = [{"key": f"key-{n:02d}", "value": "v" * 256} for n in range(40)]
    with pytest.raises(JWTPayloadSizeExceededException):
        _token(session, tags=tags)
    claims = jwt.decode(_token(session, tags=tags[:5]).token, options={"verify_signature": False})
    assert len(claims["https://sts.amazonaws.com/"]["request_tags"]) == 5


def test_assume_root_and_delegated_access_token(env):
    admin = env.user("admin", policy_document=policy(allow("sts:AssumeRoot")))
    with pytest.raises(ValidationError):
        operations.run(admin, "AssumeRoot", {"target_principal": env.account_id, "task_policy_arn": {"arn": "x"}})
    with pytest.raises(ValidationError):
        operations.run(
            admin,
            "AssumeRoot",
            {"target_principal": env.account_id, "task_policy_arn": ROOT_TASK, "duration_seconds": 901},
        )
    with pytest.raises(OrganizationNotFoundException):
        operations.run(admin, "AssumeRoot", {"target_principal": env.account_id, "task_policy_arn": ROOT_TASK})
    scoped_to_other_task = {
        "Effect": "Allow",
        "Action": "sts:AssumeRoot",
        "Resource": "*",
        "Condition": {"StringEquals": {"sts:TaskPolicyArn": "arn:aws:iam::aws:policy/root-task/SQSUnlockQueuePolicy"}},
    }
    other = env.user("other", policy_document=policy(scoped_to_other_task))
    with pytest.raises(AccessDenied):
        operations.run(other, "AssumeRoot", {"target_principal": env.account_id, "task_policy_arn": ROOT_TASK})
    with pytest.raises(ExpiredTradeInTokenException):
        operations.run(env.root, "GetDelegatedAccessToken", {"trade_in_token": "token"})
    event = AuditEvent.objects.filter(event_name="GetDelegatedAccessToken").get()
    assert (event.outcome, event.error_code) == ("failed", "ExpiredTradeInTokenException")


@pytest.mark.django_db(transaction=True)  # committed as in the worker: the foreign keys are checked at commit
def test_the_expiry_sweep_deletes_scoped_sessions_with_their_parent(env):
    parent = _role_session(env, "iam:ListUsers")
    _scoped(session_of(_scoped(parent, duration_seconds=300)), duration_seconds=60)
    assert StsSession.objects.filter(account=env.account).count() == 3
    later = timezone.now() + timedelta(seconds=901)
    # Batches of one row: the parent goes in an earlier statement than the sessions scoped from it.
    deleted = operations.run(Actor.system(), "PurgeExpiredSessions", {"batch_size": 1, "now": later})
    assert deleted == 3 and not StsSession.objects.filter(account=env.account).exists()


def test_delete_role_deletes_its_sessions_and_those_scoped_down_from_them(env):
    parent = _role_session(env, "iam:ListRoles")
    first = session_of(_scoped(parent, policy=policy(allow(["iam:ListRoles"]))))
    second = session_of(_scoped(first, policy=policy(allow(["iam:ListRoles"]))))
    bob = env.user("bob")
    kept = session_of(assume(bob, env.role("Other", trust(bob.arn)), "s2"))
    deletion = ServiceLinkedRoleDeletion.objects.create(
        account=env.account,
        deletion_task_id="task/aws-service-role/example/R/1",
        role=Role.objects.get(name="R"),
        role_name="R",
        service_principal="example.amazonaws.com",
        status=ServiceLinkedRoleDeletion.Status.SUCCEEDED,
        created_at=timezone.now(),
        updated_at=timezone.now(),
    )
    operations.run(env.root, "DeleteRolePolicy", {"role_name": "R", "policy_name": "p"})
    operations.run(env.root, "DeleteRole", {"role_name": "R"})
    doomed = [parent.access_key_id, first.access_key_id, second.access_key_id]
    assert not StsSession.objects.filter(access_key_id__in=doomed).exists()
    assert StsSession.objects.filter(access_key_id=kept.access_key_id).exists()
    deletion.refresh_from_db()
    assert deletion.role_id is None and not Role.objects.filter(name="R").exists()
