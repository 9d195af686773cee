"""A stored policy that no longer parses fails closed: an identity policy grants nothing while its Deny statements
still deny, a permissions boundary or a session policy denies everything, and each is logged.

Documents are validated when written, so the tests store them directly, as a stricter grammar would find them.
"""

from __future__ import annotations

import json
import logging

import pytest

from iamconsole import authentication, authorization, operations
from iamconsole.arn import iam_arn
from identities.models import InlinePolicy
from sts.models import StsSession
from tests import factories
from tests.factories import actor_for, allow, deny, document, make_policy

pytestmark = pytest.mark.django_db

#: Parses as JSON, but "Bogus" is no policy element: the whole document is refused today.
BOGUS_ALLOW = {"Effect": "Allow", "Action": "*", "Resource": "*", "Bogus": 1}


def user_with(account, *documents: str):
    factories.user(account, "caller")
    for n, text in enumerate(documents):
        factories.put_user_policy(account, "caller", document(allow("sts:GetCallerIdentity")), policy_name=f"p{n}")
        # No operation stores a document it refuses: the row is rewritten to stand for one stored by an older release.
        InlinePolicy.objects.filter(user__name="caller", name=f"p{n}").update(document=text)
    return actor_for(account, "caller")


def target(account, name: str = "x") -> str:
    return iam_arn(account.account_id, "user", name)


def test_an_unreadable_identity_policy_grants_nothing(account, caplog):
    with caplog.at_level(logging.ERROR):
        actor = user_with(account, document(BOGUS_ALLOW))
        assert not authorization.is_allowed(actor, "iam:GetUser", target(account))
    assert any("no longer parses" in record.getMessage() and "p0" in record.getMessage() for record in caplog.records)


def test_the_deny_statements_of_an_unreadable_identity_policy_still_deny(account):
    broken = document(BOGUS_ALLOW, deny("iam:DeleteUser"))
    actor = user_with(account, broken, document(allow("iam:*")))
    assert authorization.is_allowed(actor, "iam:GetUser", target(account))  # the readable policy still allows
    decision = authorization.decide(actor, "iam:DeleteUser", target(account))
    assert decision.decision == "explicitDeny"


@pytest.mark.parametrize(
    "broken",
    [
        document({"Effect": "Deny", "Action": "iam:DeleteUser", "Resource": "*", "Bogus": 1}),
        document({"Effect": "deny", "Action": "iam:DeleteUser", "Resource": "*"}),
        "{not json",
        json.dumps({"Statement": "nope"}),
    ],
    ids=["deny statement", "effect", "not json", "no statements"],
)
def test_an_unreadable_deny_statement_or_document_denies_everything(account, broken):
    # What it denied cannot be known: it denies everything rather than nothing.
    actor = user_with(account, broken, document(allow("iam:*")))
    assert authorization.decide(actor, "iam:GetUser", target(account)).decision == "explicitDeny"


def test_an_unreadable_permissions_boundary_denies_everything(account):
    boundary = make_policy(account, "Boundary", document(allow("iam:*")))
    actor = user_with(account, document(allow("iam:*")))
    operations.run(
        account.root, "PutUserPermissionsBoundary", {"user_name": "caller", "permissions_boundary": boundary.arn}
    )
    assert authorization.is_allowed(actor, "iam:GetUser", target(account))
    boundary.versions.update(document=document(BOGUS_ALLOW))
    decision = authorization.decide(actor, "iam:GetUser", target(account))
    assert (decision.decision, decision.reason) == ("explicitDeny", "permissions boundary")


def test_an_unreadable_session_policy_denies_everything(account):
    actor = user_with(account, document(allow("*")))
    result = operations.run(actor, "GetFederationToken", {"name": "fed", "policy": document(allow("s3:*"))})
    creds = result.credentials
    session = authentication.resolve_access_key(creds.access_key_id, creds.session_token).actor
    assert authorization.is_allowed(session, "s3:GetObject", "arn:aws:s3:::bucket/key")
    StsSession.objects.filter(access_key_id=creds.access_key_id).update(session_policy_document=document(BOGUS_ALLOW))
    session = authentication.resolve_access_key(creds.access_key_id, creds.session_token).actor
    decision = authorization.decide(session, "s3:GetObject", "arn:aws:s3:::bucket/key")
    assert (decision.decision, decision.reason) == ("explicitDeny", "session")
