"""Policy versions through ``operations.run``: at most five, ids never reused, one default, as IAM keeps them."""

from __future__ import annotations

import contextlib
import threading
from typing import Any

import pytest
from django.db import connection

from iamconsole.errors import DeleteConflict, LimitExceeded, MalformedPolicyDocument, NoSuchEntity, ValidationError
from policies import awsapi, selectors
from policies.models import ManagedPolicy, PolicyVersion
from tests import factories
from tests.factories import run

pytestmark = pytest.mark.django_db

DOC = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}'


def doc(action: str) -> str:
    return DOC.replace("s3:GetObject", action)


@pytest.fixture
def policy(account: Any) -> ManagedPolicy:
    return factories.managed_policy(account, "Versioned", DOC)


def version_ids(account: Any, policy: ManagedPolicy) -> list[str]:
    return [v.version_id for v in run(account, "ListPolicyVersions", policy_arn=policy.arn)]


def default_of(policy: ManagedPolicy) -> str:
    return PolicyVersion.objects.get(policy=policy, is_default=True).version_id


def test_a_new_version_is_not_the_default_unless_asked(account, policy):
    version = run(account, "CreatePolicyVersion", policy_arn=policy.arn, policy_document=doc("s3:PutObject"))
    assert (version.version_id, version.is_default) == ("v2", False)
    assert default_of(policy) == "v1"
    shape = awsapi.OUTPUTS["CreatePolicyVersion"](version)["PolicyVersion"]
    assert shape == {"VersionId": "v2", "IsDefaultVersion": False, "CreateDate": version.created_at}
    version = run(
        account, "CreatePolicyVersion", policy_arn=policy.arn, policy_document=doc("s3:List*"), set_as_default=True
    )
    assert version.is_default
    assert default_of(policy) == "v3"
    got = run(account, "GetPolicy", policy_arn=policy.arn)
    assert got.default_version_id == "v3"
    assert got.updated_at == version.created_at


def test_at_most_five_versions(account, policy):
    for i in range(4):
        run(account, "CreatePolicyVersion", policy_arn=policy.arn, policy_document=doc(f"s3:Get{i}"))
    with pytest.raises(LimitExceeded) as exc:
        run(account, "CreatePolicyVersion", policy_arn=policy.arn, policy_document=doc("s3:Extra"))
    assert exc.value.message == (
        "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing "
        "version."
    )
    assert version_ids(account, policy) == ["v5", "v4", "v3", "v2", "v1"]  # newest first, as IAM lists them


def test_version_ids_are_never_reused(account, policy):
    for i in range(4):
        run(account, "CreatePolicyVersion", policy_arn=policy.arn, policy_document=doc(f"s3:Get{i}"))
    run(account, "DeletePolicyVersion", policy_arn=policy.arn, version_id="v5")
    run(account, "DeletePolicyVersion", policy_arn=policy.arn, version_id="v2")
    created = run(account, "CreatePolicyVersion", policy_arn=policy.arn, policy_document=doc("s3:Again"))
    assert created.version_id == "v6"
    assert version_ids(account, policy) == ["v6", "v4", "v3", "v1"]


def test_set_default_moves_the_single_default(account, policy):
    run(account, "CreatePolicyVersion", policy_arn=policy.arn, policy_document=doc("s3:PutObject"))
    run(account, "SetDefaultPolicyVersion", policy_arn=policy.arn, version_id="v2")
    assert list(PolicyVersion.objects.filter(policy=policy, is_default=True).values_list("version_id", flat=True)) == [
        "v2"
    ]
    assert ManagedPolicy.objects.get(pk=policy.pk).default_version_id == "v2"
    with pytest.raises(NoSuchEntity) as exc:
        run(account, "SetDefaultPolicyVersion", policy_arn=policy.arn, version_id="v9")
    assert exc.value.message == f"Policy {policy.arn} version v9 does not exist or is not attachable."
    with pytest.raises(ValidationError):
        run(account, "SetDefaultPolicyVersion", policy_arn=policy.arn, version_id="version-two")


def test_the_default_version_cannot_be_deleted(account, policy):
    with pytest.raises(DeleteConflict) as exc:
        run(account, "DeletePolicyVersion", policy_arn=policy.arn, version_id="v1")
    assert exc.value.message == "Cannot delete the default version of a policy."
    with pytest.raises(NoSuchEntity):
        run(account, "DeletePolicyVersion", policy_arn=policy.arn, version_id="v2")


def test_get_policy_version_returns_each_document(account, policy):
    run(account, "CreatePolicyVersion", policy_arn=policy.arn, policy_document=doc("s3:PutObject"))
    v1 = run(account, "GetPolicyVersion", policy_arn=policy.arn, version_id="v1")
    v2 = run(account, "GetPolicyVersion", policy_arn=policy.arn, version_id="v2")
    assert (v1.document, v1.is_default) == (DOC, True)
    assert (v2.document, v2.is_default) == (doc("s3:PutObject"), False)
    with pytest.raises(NoSuchEntity):
        run(account, "GetPolicyVersion", policy_arn=policy.arn, version_id="v3")


def test_new_versions_are_checked_by_the_grammar(account, policy):
    with pytest.raises(MalformedPolicyDocument):
        run(account, "CreatePolicyVersion", policy_arn=policy.arn, policy_document='{"Statement": "nope"}')
    assert version_ids(account, policy) == ["v1"]


def test_list_policy_versions_leaves_documents_out_and_pages(account, policy, django_assert_max_num_queries):
    for i in range(3):
        run(account, "CreatePolicyVersion", policy_arn=policy.arn, policy_document=doc(f"s3:Get{i}"))
    # The policy, then the page of versions.
    model = account.model
    with django_assert_max_num_queries(2):
        page = selectors.list_policy_versions(account=model, policy_arn=policy.arn, max_items=3)
    output = awsapi.OUTPUTS["ListPolicyVersions"](page)
    assert [v["VersionId"] for v in output["Versions"]] == ["v4", "v3", "v2"]
    assert all("Document" not in v for v in output["Versions"])
    assert output["IsTruncated"] is True
    rest = run(account, "ListPolicyVersions", policy_arn=policy.arn, marker=output["Marker"])
    assert [v.version_id for v in rest] == ["v1"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_version_creates_never_pass_five(account):
    policy = run(account, "CreatePolicy", policy_name="Raced", policy_document=DOC)
    attempts = 8
    outcomes: list[str] = []
    # PostgreSQL runs the requests truly in parallel; SQLite's shared in-memory test database cannot, so there
    # they run one after the other and the test checks the same outcome.
    serial = threading.Lock() if connection.vendor == "sqlite" else contextlib.nullcontext()
    barrier = threading.Barrier(attempts)

    def attempt(i: int) -> None:
        try:
            barrier.wait()
            with serial:
                run(account, "CreatePolicyVersion", policy_arn=policy.arn, policy_document=doc(f"s3:Get{i}"))
            outcomes.append("created")
        except LimitExceeded:
            outcomes.append("limit")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    count = PolicyVersion.objects.filter(policy=policy).count()
    assert count == 5
    assert sorted(outcomes) == ["created"] * 4 + ["limit"] * 4
    ids = sorted(PolicyVersion.objects.filter(policy=policy).values_list("version_id", flat=True))
    assert len(set(ids)) == count  # no version id was handed out twice
