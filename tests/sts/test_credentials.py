"""Temporary credentials at the request: token binding, expiry, revocation, GetSessionToken, GetCallerIdentity,
GetAccessKeyInfo, session lists and the expiry sweep."""

from __future__ import annotations

import io
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import AuditEvent
from iamconsole import authentication, authorization, operations
from iamconsole.actors import Actor, ActorKind
from iamconsole.errors import AccessDenied, ExpiredToken, InvalidClientTokenId, NoSuchEntity, ValidationError
from identities.models import InlinePolicy, Role
from sts import awsapi, services
from sts.models import StsSession
from tests import factories
from tests.factories import deny
from tests.sts.conftest import allow, assume, policy, session_of, trust

pytestmark = pytest.mark.django_db


def _resolve(creds, token=None):
    return authentication.resolve_access_key(creds.access_key_id, creds.session_token if token is None else token)


def test_the_token_is_bound_to_its_key_and_never_stored(env):
    alice = env.user("alice")
    role_arn = env.role("R", trust(alice.arn))
    one = assume(alice, role_arn, "one").credentials
    two = assume(alice, role_arn, "two").credentials
    assert _resolve(one).secret_access_key == one.secret_access_key
    for token in ("", "x", two.session_token):
        with pytest.raises(InvalidClientTokenId) as error:
            _resolve(one, token)
        assert error.value.message == "The security token included in the request is invalid."
    with pytest.raises(InvalidClientTokenId):
        authentication.resolve_access_key(one.access_key_id, None)
    row = StsSession.objects.get(access_key_id=one.access_key_id)
    assert one.session_token not in row.session_token_digest
    assert one.secret_access_key not in row.secret_encrypted


def test_refused_from_the_first_second_after_expiration(env):
    alice = env.user("alice")
    creds = assume(alice, env.role("R", trust(alice.arn)), duration_seconds=900).credentials
    with mock.patch("django.utils.timezone.now", return_value=creds.expiration):
        assert _resolve(creds).actor.kind is ActorKind.ROLE_SESSION
    late = creds.expiration + timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=late), pytest.raises(ExpiredToken) as error:
        _resolve(creds)
    assert error.value.message == "The security token included in the request is expired"


def test_sessions_of_a_deleted_role_are_refused(env):
    alice = env.user("alice")
    creds = assume(alice, env.role("R", trust(alice.arn))).credentials
    Role.objects.filter(name="R").delete()
    with pytest.raises(InvalidClientTokenId):
        _resolve(creds)


def test_revoke_older_sessions_denies_sessions_issued_before(env):
    alice = env.user("alice")
    role_arn = env.role("R", trust(alice.arn), policy_document=policy(allow(["iam:ListUsers", "sts:AssumeRole"])))
    env.role("Next", trust(role_arn))
    old = session_of(assume(alice, role_arn, "old"))
    assert authorization.is_allowed(old, "iam:ListUsers")
    # No clock shift: the revocation and the sessions either side of it are moments apart, usually within one second.
    operations.run(env.root, "RevokeOlderRoleSessions", {"role_name": "R"})
    document = InlinePolicy.objects.get(role__name="R", name="AWSRevokeOlderSessions").document
    assert '"Action": ["*"]' in document and '"DateLessThan": {"aws:TokenIssueTime": "' in document
    assert not authorization.is_allowed(old, "iam:ListUsers")
    with pytest.raises(AccessDenied, match="with an explicit deny in an identity-based policy"):
        assume(old, f"arn:aws:iam::{env.account_id}:role/Next")
    new = session_of(assume(alice, role_arn, "new"))
    assert authorization.is_allowed(new, "iam:ListUsers")


def test_revoke_one_session(env):
    alice = env.user("alice")
    env.role("R", trust(alice.arn))
    kept = assume(alice, f"arn:aws:iam::{env.account_id}:role/R", "kept").credentials
    gone = assume(alice, f"arn:aws:iam::{env.account_id}:role/R", "gone").credentials
    operations.run(env.root, "RevokeRoleSession", {"role_name": "R", "access_key_id": gone.access_key_id})
    with pytest.raises(InvalidClientTokenId):
        _resolve(gone)
    assert _resolve(kept)
    with pytest.raises(NoSuchEntity):
        operations.run(env.root, "RevokeRoleSession", {"role_name": "R", "access_key_id": "ASIAAAAAAAAAAAAAAAAA"})


def test_get_session_token_for_users_and_root(env):
    alice = env.user("alice")
    result = operations.run(alice, "GetSessionToken", {})
    assert abs((result.credentials.expiration - timezone.now()).total_seconds() - 43200) < 3
    actor = _resolve(result.credentials).actor
    assert actor.kind is ActorKind.USER and actor.from_session_token and actor.arn == alice.arn
    root = operations.run(env.root, "GetSessionToken", {"duration_seconds": 129600})
    assert abs((root.credentials.expiration - timezone.now()).total_seconds() - 3600) < 3
    with pytest.raises(ValidationError, match="less than or equal to 129600"):
        operations.run(alice, "GetSessionToken", {"duration_seconds": 129601})
    with pytest.raises(AccessDenied) as denied:
        operations.run(actor, "GetSessionToken", {})
    assert denied.value.message == "Cannot call GetSessionToken with session credentials"
    role_session = session_of(assume(alice, env.role("R", trust(alice.arn))))
    with pytest.raises(AccessDenied):
        operations.run(role_session, "GetSessionToken", {})
    # Refused before any MFA code is looked at.
    mfa = {"serial_number": f"arn:aws:iam::{env.account_id}:mfa/device", "token_code": "123456"}
    with pytest.raises(AccessDenied) as denied:
        operations.run(role_session, "GetSessionToken", mfa)
    assert denied.value.message == "Cannot call GetSessionToken with session credentials"


def test_session_token_credentials_without_mfa_cannot_call_iam(env):
    root_session = _resolve(operations.run(env.root, "GetSessionToken", {}).credentials).actor
    with pytest.raises(InvalidClientTokenId):
        operations.run(root_session, "ListUsers", {})
    with pytest.raises(AccessDenied):
        operations.run(root_session, "GetAccessKeyInfo", {"access_key_id": env.fixture.access_key_id})
    # AssumeRole and GetCallerIdentity remain open to them.
    assert operations.run(root_session, "GetCallerIdentity", {}).arn == env.root.arn
    serial, totp = env.mfa_device(None)
    mfa_session = _resolve(
        operations.run(env.root, "GetSessionToken", {"serial_number": serial, "token_code": totp.now()}).credentials
    ).actor
    assert mfa_session.mfa_authenticated
    assert operations.run(mfa_session, "ListUsers", {}).items == []


def test_get_caller_identity_for_every_kind_of_caller(env):
    alice = env.user("alice")
    role_arn = env.role("R", trust(alice.arn))
    result = assume(alice, role_arn, "s1")
    # Never denied, even to a caller denied everything.
    factories.put_user_policy(env.fixture, "alice", policy(deny("*")), policy_name="d")
    cases = [
        (env.root, env.account_id, f"arn:aws:iam::{env.account_id}:root"),
        (alice, alice.principal_id, alice.arn),
        (session_of(result), result.assumed_role_id, result.arn),
    ]
    for actor, user_id, arn in cases:
        identity = operations.run(actor, "GetCallerIdentity", {})
        assert awsapi.OUTPUTS["GetCallerIdentity"](identity) == {
            "UserId": user_id,
            "Account": env.account_id,
            "Arn": arn,
        }


def test_get_access_key_info(env, other):
    alice = env.user("alice")
    creds = assume(alice, env.role("R", trust(alice.arn))).credentials
    assert operations.run(other.root, "GetAccessKeyInfo", {"access_key_id": creds.access_key_id}) == env.account_id
    assert (
        operations.run(env.root, "GetAccessKeyInfo", {"access_key_id": other.fixture.access_key_id}) == other.account_id
    )


def test_session_lists_show_active_sessions_in_constant_queries(env, django_assert_num_queries):
    alice = env.user("alice")
    role_arn = env.role("R", trust(alice.arn, ["sts:AssumeRole", "sts:SetSourceIdentity"]))
    for n in range(2):
        assume(alice, role_arn, f"s{n}", source_identity="alice")
    gone = assume(alice, role_arn, "revoked").credentials
    operations.run(env.root, "RevokeRoleSession", {"role_name": "R", "access_key_id": gone.access_key_id})
    page = operations.run(env.root, "ListRoleSessions", {"role_name": "R"})
    shaped = awsapi.OUTPUTS["ListRoleSessions"](page)
    assert [s["RoleSessionName"] for s in shaped["Sessions"]] == ["s0", "s1"]
    assert shaped["Sessions"][0]["IssuedTo"] == alice.arn and shaped["Sessions"][0]["SourceIdentity"] == "alice"
    with CaptureQueriesContext(connection) as small:
        operations.run(env.root, "ListAccountSessions", {})
    for n in range(18):
        assume(alice, role_arn, f"more{n}", source_identity="alice")
    with django_assert_num_queries(len(small.captured_queries)):
        page = operations.run(env.root, "ListAccountSessions", {})
    assert len(page.items) == 20 and not page.is_truncated


def test_purge_expired_sessions_is_set_based_and_idempotent(env):
    alice = env.user("alice")
    role_arn = env.role("R", trust(alice.arn))
    live = assume(alice, role_arn, "live").credentials
    for n in range(5):
        assume(alice, role_arn, f"old{n}", duration_seconds=900)
    later = timezone.now() + timedelta(seconds=1000)
    StsSession.objects.filter(access_key_id=live.access_key_id).update(expires_at=later + timedelta(hours=1))
    assert services.purge_expired_sessions(batch_size=2, now=later) == 5
    assert services.purge_expired_sessions(batch_size=2, now=later) == 0
    assert list(StsSession.objects.values_list("access_key_id", flat=True)) == [live.access_key_id]


def test_purge_runs_as_the_system_actor_only_and_is_audited(env):
    with pytest.raises(AccessDenied):
        operations.run(env.root, "PurgeExpiredSessions", {})
    assert operations.run(Actor.system(), "PurgeExpiredSessions", {}) == 0
    assert AuditEvent.objects.filter(event_name="PurgeExpiredSessions", outcome="success").count() == 1


def test_the_sweep_task_and_command_delete_expired_sessions(env):
    from django.core.management import call_command

    from iamconsole.celery import app
    from sts.tasks import purge_expired_sessions_task

    assert app.conf.beat_schedule["purge-expired-sessions"]["task"] == purge_expired_sessions_task.name
    alice = env.user("alice")
    role_arn = env.role("R", trust(alice.arn))
    for n in range(3):
        assume(alice, role_arn, f"s{n}")
    StsSession.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert purge_expired_sessions_task.apply().get() == 3
    sweep = AuditEvent.objects.get(event_name="PurgeExpiredSessions", source="task")
    assert sweep.details == {"deleted": 3}
    assume(alice, role_arn, "late")
    StsSession.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    out = io.StringIO()
    call_command("purgeexpiredsessions", stdout=out)
    assert out.getvalue().strip() == "1 expired sessions deleted"
    assert not StsSession.objects.exists()
