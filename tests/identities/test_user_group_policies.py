"""Managed policy attachments and inline policies of users and groups, through operations.run."""

from __future__ import annotations

import contextlib
import json
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iamconsole.errors import LimitExceeded, MalformedPolicyDocument, NoSuchEntity, PolicyNotAttachable
from identities.awsapi import OUTPUTS
from identities.models import InlinePolicy, PolicyAttachment
from tests.factories import allow, document, make_policy, run


@pytest.fixture
def alice(account):
    return run(account, "CreateUser", user_name="alice")


@pytest.fixture
def devs(account):
    return run(account, "CreateGroup", group_name="devs")


@pytest.mark.parametrize(("kind", "param", "name"), [("User", "user_name", "alice"), ("Group", "group_name", "devs")])
def test_attach_list_detach(account, alice, devs, kind, param, name):
    mine = make_policy(account, "Mine", document(allow("s3:*")), path="/team/")
    aws = make_policy(None, "ReadOnlyAccess", document(allow("*:Get*")), aws_managed=True)
    run(account, f"Attach{kind}Policy", **{param: name}, policy_arn=mine.arn)
    run(account, f"Attach{kind}Policy", **{param: name}, policy_arn=aws.arn)
    run(account, f"Attach{kind}Policy", **{param: name}, policy_arn=mine.arn)  # again: nothing changes
    page = run(account, f"ListAttached{kind}Policies", **{param: name})
    assert OUTPUTS[f"ListAttached{kind}Policies"](page) == {
        "AttachedPolicies": [
            {"PolicyName": "Mine", "PolicyArn": mine.arn},
            {"PolicyName": "ReadOnlyAccess", "PolicyArn": aws.arn},
        ],
        "IsTruncated": False,
    }
    filtered = run(account, f"ListAttached{kind}Policies", **{param: name}, path_prefix="/team/")
    assert [a.policy.name for a in filtered] == ["Mine"]
    run(account, f"Detach{kind}Policy", **{param: name}, policy_arn=mine.arn)
    with pytest.raises(NoSuchEntity) as exc:
        run(account, f"Detach{kind}Policy", **{param: name}, policy_arn=mine.arn)
    assert exc.value.message == f"Policy {mine.arn} was not found."
    assert [a.policy.name for a in run(account, f"ListAttached{kind}Policies", **{param: name})] == ["ReadOnlyAccess"]


def test_attach_errors(account, other_account, alice):
    missing = f"arn:aws:iam::{account.account_id}:policy/Missing"
    with pytest.raises(NoSuchEntity) as exc:
        run(account, "AttachUserPolicy", user_name="alice", policy_arn=missing)
    assert exc.value.message == f"Policy {missing} does not exist or is not attachable."
    theirs = make_policy(other_account, "Theirs", document(allow("s3:*")))
    with pytest.raises(NoSuchEntity):
        run(account, "AttachUserPolicy", user_name="alice", policy_arn=theirs.arn)
    service_role = make_policy(None, "X", document(allow("s3:*")), path="/aws-service-role/", aws_managed=True)
    with pytest.raises(PolicyNotAttachable):
        run(account, "AttachUserPolicy", user_name="alice", policy_arn=service_role.arn)
    policy = make_policy(account, "Ok", document(allow("s3:*")))
    with pytest.raises(NoSuchEntity) as exc:
        run(account, "AttachUserPolicy", user_name="ghost", policy_arn=policy.arn)
    assert exc.value.message == "The user with name ghost cannot be found."


@pytest.mark.parametrize(
    ("kind", "param", "name", "quota"),
    [("User", "user_name", "alice", "PoliciesPerUser"), ("Group", "group_name", "devs", "PoliciesPerGroup")],
)
def test_managed_policies_quota(account, alice, devs, kind, param, name, quota):
    policies = [make_policy(account, f"P{n}", document(allow("s3:*"))) for n in range(11)]
    for policy in policies[:10]:
        run(account, f"Attach{kind}Policy", **{param: name}, policy_arn=policy.arn)
    with pytest.raises(LimitExceeded) as exc:
        run(account, f"Attach{kind}Policy", **{param: name}, policy_arn=policies[10].arn)
    assert exc.value.message == f"Cannot exceed quota for {quota}: 10"


@pytest.mark.parametrize(("kind", "param", "name"), [("User", "user_name", "alice"), ("Group", "group_name", "devs")])
def test_inline_policies(account, alice, devs, kind, param, name):
    text = document(allow("s3:GetObject"))
    run(account, f"Put{kind}Policy", **{param: name}, policy_name="read", policy_document=text)
    run(account, f"Put{kind}Policy", **{param: name}, policy_name="write", policy_document=document(allow("s3:Put*")))
    newer = document(allow("s3:Get*"))
    run(account, f"Put{kind}Policy", **{param: name}, policy_name="read", policy_document=newer)
    got = OUTPUTS[f"Get{kind}Policy"](run(account, f"Get{kind}Policy", **{param: name}, policy_name="read"))
    assert got == {f"{kind}Name": name, "PolicyName": "read", "PolicyDocument": newer}
    listed = OUTPUTS[f"List{kind}Policies"](run(account, f"List{kind}Policies", **{param: name}, max_items=1))
    assert listed["PolicyNames"] == ["read"] and listed["IsTruncated"] is True and listed["Marker"]
    run(account, f"Delete{kind}Policy", **{param: name}, policy_name="read")
    with pytest.raises(NoSuchEntity) as exc:
        run(account, f"Get{kind}Policy", **{param: name}, policy_name="read")
    assert exc.value.message == f"The {kind.lower()} policy with name read cannot be found."
    with pytest.raises(NoSuchEntity):
        run(account, f"Delete{kind}Policy", **{param: name}, policy_name="read")


def test_malformed_inline_policy(account, alice):
    with pytest.raises(MalformedPolicyDocument) as exc:
        run(account, "PutUserPolicy", user_name="alice", policy_name="p", policy_document="{not json")
    assert exc.value.field == "policy_document"
    bad = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*"}]})
    with pytest.raises(MalformedPolicyDocument):
        run(account, "PutUserPolicy", user_name="alice", policy_name="p", policy_document=bad)
    assert not InlinePolicy.objects.exists()


def _padded(size: int) -> str:
    """A valid policy of exactly ``size`` characters without whitespace."""
    base = document(allow("s3:GetObject", Sid="S"))
    base_size = len(base.replace(" ", ""))
    return document(allow("s3:GetObject", Sid="S" + "x" * (size - base_size)))


@pytest.mark.parametrize(
    ("kind", "param", "name", "limit"), [("User", "user_name", "alice", 2048), ("Group", "group_name", "devs", 5120)]
)
def test_inline_size_totals(account, alice, devs, kind, param, name, limit):
    half = _padded(limit // 2)
    assert len(half.replace(" ", "")) == limit // 2
    run(account, f"Put{kind}Policy", **{param: name}, policy_name="a", policy_document=half)
    run(account, f"Put{kind}Policy", **{param: name}, policy_name="b", policy_document=half)  # exactly the total
    with pytest.raises(LimitExceeded) as exc:
        run(account, f"Put{kind}Policy", **{param: name}, policy_name="c", policy_document=document(allow("s3:*")))
    assert exc.value.message == f"Maximum policy size of {limit} bytes exceeded for {kind.lower()} {name}"
    # Replacing a policy counts its new text instead of the old one.
    run(account, f"Put{kind}Policy", **{param: name}, policy_name="b", policy_document=document(allow("s3:*")))


def test_list_attached_constant_queries(account, alice):
    counts = []
    for total in (2, 10):
        while PolicyAttachment.objects.count() < total:
            n = PolicyAttachment.objects.count()
            policy = make_policy(account, f"P{n}", document(allow("s3:*")))
            run(account, "AttachUserPolicy", user_name="alice", policy_arn=policy.arn)
        with CaptureQueriesContext(connection) as queries:
            shape = OUTPUTS["ListAttachedUserPolicies"](run(account, "ListAttachedUserPolicies", user_name="alice"))
        assert len(shape["AttachedPolicies"]) == total
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


@pytest.mark.django_db(transaction=True)
def test_concurrent_attachments_respect_the_quota(account):
    run(account, "CreateUser", user_name="alice")
    policies = [make_policy(account, f"P{n}", document(allow("s3:*"))) for n in range(12)]
    for policy in policies[:9]:
        run(account, "AttachUserPolicy", user_name="alice", policy_arn=policy.arn)
    barrier = threading.Barrier(3)
    errors: list[str] = []
    turn = threading.Lock() if connection.vendor == "sqlite" else contextlib.nullcontext()

    def attach(policy_arn: str) -> None:
        try:
            barrier.wait()
            with turn:
                run(account, "AttachUserPolicy", user_name="alice", policy_arn=policy_arn)
        except LimitExceeded as exc:
            errors.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attach, args=(p.arn,)) for p in policies[9:]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == ["LimitExceeded", "LimitExceeded"]
    assert PolicyAttachment.objects.filter(user__name="alice").count() == 10
