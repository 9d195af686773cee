"""A role's policies: Attach/Detach/ListAttachedRolePolicies and Put/Get/List/DeleteRolePolicy, through
operations.run, with the per-role quota, the inline size total, iam:PolicyARN conditions and concurrent attaches."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from iamconsole import operations
from iamconsole.errors import AccessDenied, InvalidInput, LimitExceeded, MalformedPolicyDocument, NoSuchEntity
from identities.awsapi import OUTPUTS
from identities.models import PolicyAttachment
from tests.factories import actor_for, allow, document, make_policy, run
from tests.identities.concurrency import run_concurrently
from tests.identities.test_roles import QUOTAS, create


def policies(account: Any, count: int, *, path: str = "/") -> list[Any]:
    return [make_policy(account, f"P{i}", document(allow("s3:GetObject")), path=path) for i in range(count)]


def test_attach_list_and_detach(account):
    create(account, "app")
    first, second = policies(account, 2)
    scoped = make_policy(account, "Scoped", document(allow("s3:*")), path="/team/")
    for policy in (first, second, scoped, first):  # attaching twice changes nothing
        run(account, "AttachRolePolicy", role_name="app", policy_arn=policy.arn)
    page = run(account, "ListAttachedRolePolicies", role_name="app")
    assert OUTPUTS["ListAttachedRolePolicies"](page) == {
        "AttachedPolicies": [{"PolicyName": p.name, "PolicyArn": p.arn} for p in (first, second, scoped)],
        "IsTruncated": False,
    }
    assert [a.policy for a in run(account, "ListAttachedRolePolicies", role_name="app", path_prefix="/team/")] == [
        scoped
    ]
    run(account, "DetachRolePolicy", role_name="app", policy_arn=first.arn)
    with pytest.raises(NoSuchEntity) as exc:
        run(account, "DetachRolePolicy", role_name="app", policy_arn=first.arn)
    assert exc.value.message == f"Policy {first.arn} was not found."
    assert PolicyAttachment.objects.filter(role__name="app").count() == 2


def test_attach_unknown_or_invalid_policy(account, other_account):
    create(account, "app")
    theirs = make_policy(other_account, "Theirs", document(allow("s3:*")))
    with pytest.raises(NoSuchEntity) as exc:
        run(account, "AttachRolePolicy", role_name="app", policy_arn=theirs.arn)
    assert exc.value.message == f"Policy {theirs.arn} does not exist or is not attachable."
    with pytest.raises(InvalidInput):
        run(account, "AttachRolePolicy", role_name="app", policy_arn="not-an-arn")
    with pytest.raises(NoSuchEntity) as exc:
        run(account, "AttachRolePolicy", role_name="ghost", policy_arn=theirs.arn)
    assert exc.value.message == "The role with name ghost cannot be found."


def test_attached_policies_quota(account):
    create(account, "app")
    found = policies(account, 12)
    for policy in found[:10]:
        run(account, "AttachRolePolicy", role_name="app", policy_arn=policy.arn)
    with pytest.raises(LimitExceeded) as exc:
        run(account, "AttachRolePolicy", role_name="app", policy_arn=found[10].arn)
    assert exc.value.message == "Cannot exceed quota for PoliciesPerRole: 10"
    with override_settings(IAM_QUOTAS={**QUOTAS, "managed_policies_per_role": 11}):
        run(account, "AttachRolePolicy", role_name="app", policy_arn=found[10].arn)
        with pytest.raises(LimitExceeded) as exc:
            run(account, "AttachRolePolicy", role_name="app", policy_arn=found[11].arn)
    assert exc.value.message == "Cannot exceed quota for PoliciesPerRole: 11"


@pytest.mark.django_db(transaction=True)
def test_concurrent_attaches_never_exceed_the_quota(account):
    create(account, "app")
    found = policies(account, 6)
    arns = iter([p.arn for p in found])  # a list iterator: safe to share between threads
    with override_settings(IAM_QUOTAS={**QUOTAS, "managed_policies_per_role": 3}):
        results = run_concurrently(6, lambda: run(account, "AttachRolePolicy", role_name="app", policy_arn=next(arns)))
    assert sum(r is None for r in results) == 3
    assert all(isinstance(r, LimitExceeded) for r in results if r is not None)
    assert PolicyAttachment.objects.filter(role__name="app").count() == 3


def test_list_attached_runs_constant_queries(account):
    create(account, "app")
    found = policies(account, 20)

    def listed() -> int:
        with CaptureQueriesContext(connection) as queries:
            OUTPUTS["ListAttachedRolePolicies"](run(account, "ListAttachedRolePolicies", role_name="app"))
        return len(queries)

    with override_settings(IAM_QUOTAS={**QUOTAS, "managed_policies_per_role": 20}):
        for policy in found[:2]:
            run(account, "AttachRolePolicy", role_name="app", policy_arn=policy.arn)
        with_two = listed()
        for policy in found[2:]:
            run(account, "AttachRolePolicy", role_name="app", policy_arn=policy.arn)
    assert listed() == with_two


def test_inline_policies(account):
    create(account, "app")
    text = document(allow("s3:GetObject"))
    run(account, "PutRolePolicy", role_name="app", policy_name="read", policy_document=text)
    run(account, "PutRolePolicy", role_name="app", policy_name="write", policy_document=document(allow("s3:Put*")))
    got = run(account, "GetRolePolicy", role_name="APP", policy_name="read")
    assert OUTPUTS["GetRolePolicy"](got) == {"RoleName": "app", "PolicyName": "read", "PolicyDocument": text}
    replaced = document(allow("s3:ListBucket"))
    run(account, "PutRolePolicy", role_name="app", policy_name="read", policy_document=replaced)
    assert run(account, "GetRolePolicy", role_name="app", policy_name="read").document == replaced
    page = run(account, "ListRolePolicies", role_name="app", max_items=1)
    assert OUTPUTS["ListRolePolicies"](page) == {"PolicyNames": ["read"], "IsTruncated": True, "Marker": page.marker}
    assert [p.name for p in run(account, "ListRolePolicies", role_name="app", marker=page.marker)] == ["write"]
    run(account, "DeleteRolePolicy", role_name="app", policy_name="read")
    with pytest.raises(NoSuchEntity) as exc:
        run(account, "GetRolePolicy", role_name="app", policy_name="read")
    assert exc.value.message == "The role policy with name read cannot be found."
    with pytest.raises(NoSuchEntity):
        run(account, "DeleteRolePolicy", role_name="app", policy_name="read")


def test_inline_policy_grammar_and_size(account):
    create(account, "app")
    with pytest.raises(MalformedPolicyDocument) as exc:
        run(
            account,
            "PutRolePolicy",
            role_name="app",
            policy_name="p",
            policy_document=document(allow("s3:*", Principal="*")),
        )
    assert exc.value.message == "Policy document should not specify a principal."
    # Each document is about 5,100 characters without whitespace: two fit in 10,240, three do not.
    big = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Sid": "a" * 5000}],
        }
    )
    run(account, "PutRolePolicy", role_name="app", policy_name="one", policy_document=big)
    run(account, "PutRolePolicy", role_name="app", policy_name="two", policy_document=big)
    with pytest.raises(LimitExceeded) as too_big:
        run(account, "PutRolePolicy", role_name="app", policy_name="three", policy_document=big)
    assert too_big.value.message == "Maximum policy size of 10240 bytes exceeded for role app"
    run(account, "PutRolePolicy", role_name="app", policy_name="one", policy_document=big)  # replacing is not adding


def test_attach_condition_on_policy_arn(account):
    create(account, "app")
    allowed, other = policies(account, 2)
    run(account, "CreateUser", user_name="dev")
    grant = make_policy(
        account.model,
        "Grant",
        document(
            allow(
                "iam:AttachRolePolicy",
                f"arn:aws:iam::{account.account_id}:role/*",
                Condition={"ArnEquals": {"iam:PolicyARN": allowed.arn}},
            )
        ),
    )
    run(account, "AttachUserPolicy", user_name="dev", policy_arn=grant.arn)
    actor = actor_for(account, "dev")
    operations.run(actor, "AttachRolePolicy", {"role_name": "app", "policy_arn": allowed.arn})
    with pytest.raises(AccessDenied) as exc:
        operations.run(actor, "AttachRolePolicy", {"role_name": "app", "policy_arn": other.arn})
    assert "iam:AttachRolePolicy" in exc.value.message
    assert [a.policy for a in PolicyAttachment.objects.filter(role__name="app")] == [allowed]
