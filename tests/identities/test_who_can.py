"""Who can (ListAllowedPrincipals): users through their own and their groups' policies, roles, boundaries, explicit
denies, conditions on principal tags and on the given context, a constant number of queries, and its speed."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from iamconsole import ids, operations
from iamconsole.errors import AccessDenied, InvalidInput
from identities.models import GroupMembership, PolicyAttachment, User
from tests import factories
from tests.factories import actor_for, allow, deny, document, make_policy, trust

pytestmark = pytest.mark.django_db

BUCKET = "arn:aws:s3:::reports/q1.csv"


def _who(account, action="s3:GetObject", resource=BUCKET, context=None):
    params = {"action_name": action, "resource_arn": resource}
    if context is not None:
        params["context_keys"] = context
    return operations.run(account.root, "ListAllowedPrincipals", params)


def test_who_can_read_an_object(account):
    reader = document(allow("s3:GetObject", resource="arn:aws:s3:::reports/*"))
    by_tag = document(
        allow("s3:GetObject", resource="*", Condition={"StringEquals": {"aws:PrincipalTag/team": "finance"}})
    )
    # A boundary that does not allow s3 takes the grant away.
    boundary = make_policy(account.model, "OnlyIam", document(allow("iam:*")))
    factories.user(account, "direct")
    factories.put_user_policy(account, "direct", reader, policy_name="read")
    factories.user(account, "via-group")
    factories.user(account, "bounded", boundary=boundary.arn)
    factories.put_user_policy(account, "bounded", reader, policy_name="read")
    factories.user(account, "denied")
    factories.put_user_policy(account, "denied", document(deny("s3:*")), policy_name="no")
    factories.group(account, "analysts", members=("via-group", "denied"))
    factories.put_group_policy(account, "analysts", reader, policy_name="read")
    factories.user(account, "tagged", tags={"team": "finance"})
    factories.user(account, "untagged")
    for name in ("tagged", "untagged"):
        factories.put_user_policy(account, name, by_tag, policy_name="tag")
    factories.user(account, "nothing")
    factories.role(account, "etl", trust(f"arn:aws:iam::{account.account_id}:root"))
    managed = make_policy(account.model, "S3Read", document(allow("s3:Get*")))
    factories.attach(account, managed, role_name="etl")

    answer = _who(account)
    assert answer.evaluated == 8
    assert {(p.type, p.name) for p in answer.principals} == {
        ("USER", "direct"),
        ("USER", "via-group"),
        ("USER", "tagged"),
        ("ROLE", "etl"),
    }
    allowed_by = {p.name: p.allowed_by for p in answer.principals}
    assert allowed_by["via-group"] == ("analysts/read",)
    assert allowed_by["etl"] == (managed.arn,)
    assert [p.arn for p in answer.principals if p.name == "etl"] == [f"arn:aws:iam::{account.account_id}:role/etl"]
    assert {p.name for p in _who(account, resource="arn:aws:s3:::other/x").principals} == {"tagged", "etl"}


def test_the_context_given_is_evaluated(account):
    policy = document(allow("s3:GetObject", Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}))
    factories.user(account, "office")
    factories.put_user_policy(account, "office", policy, policy_name="ip")
    assert [p.name for p in _who(account, context={"aws:SourceIp": "203.0.113.7"}).principals] == ["office"]
    assert _who(account, context={"aws:SourceIp": "198.51.100.1"}).principals == []


def test_bad_questions_and_the_permission(account):
    with pytest.raises(InvalidInput):
        _who(account, action="s3:Get*")
    factories.user(account, "curious")
    with pytest.raises(AccessDenied, match="iamconsole:ListAllowedPrincipals"):
        operations.run(actor_for(account, "curious"), "ListAllowedPrincipals", {"action_name": "s3:GetObject"})


def _bulk_users(account, count: int, group, prefix: str = "u") -> list[User]:
    """``count`` users made in one statement (the operations are far too slow for thousands), every other one in
    ``group``."""
    now = timezone.now()
    users = User.objects.bulk_create(
        User(account=account.model, user_id=ids.unique_id(ids.IdPrefix.USER), name=f"{prefix}{index}", created_at=now)
        for index in range(count)
    )
    GroupMembership.objects.bulk_create(GroupMembership(group_id=group.pk, user=user) for user in users[::2])
    return users


def test_the_same_queries_for_few_and_many_principals(account):
    group = factories.group(account, "all")
    factories.attach(account, make_policy(account.model, "Read", document(allow("s3:GetObject"))), group_name="all")
    counts = []
    for batch in ("a", "b"):
        _bulk_users(account, 2 if batch == "a" else 40, group, prefix=batch)
        with CaptureQueriesContext(connection) as queries:
            _who(account)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_five_thousand_principals_in_under_two_seconds(account):
    """The issue's figure: 5,000 principals (half of them in a group) with shared and own policies."""
    group = factories.group(account, "many")
    shared = make_policy(
        account.model, "Shared", document(allow(["s3:Get*", "s3:List*"], resource="arn:aws:s3:::reports/*"))
    )
    factories.attach(account, shared, group_name="many")
    users = _bulk_users(account, 5000, group)
    own = make_policy(account.model, "Own", document(allow("s3:PutObject"), deny("s3:DeleteObject")))
    PolicyAttachment.objects.bulk_create(
        PolicyAttachment(policy=own, account=account.model, user=user) for user in users[1::2]
    )
    started = time.perf_counter()
    answer = _who(account)
    elapsed = time.perf_counter() - started
    assert answer.evaluated == 5000
    assert len(answer.principals) == 2500
    assert elapsed < 2.0, f"{elapsed:.2f}s for 5,000 principals"
