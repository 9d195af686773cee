"""Customer managed policies through ``operations.run``: CreatePolicy, GetPolicy, DeletePolicy, ListPolicies,
ListEntitiesForPolicy, tags, usage counts and ValidatePolicy, as IAM answers them."""

from __future__ import annotations

import contextlib
import json
import threading
from typing import Any

import botocore.session
import pytest
from botocore.model import StructureShape
from django.db import connection

from accounts.models import AuditEvent
from iamconsole.errors import (
    AccessDenied,
    DeleteConflict,
    EntityAlreadyExists,
    InvalidInput,
    LimitExceeded,
    MalformedPolicyDocument,
    NoSuchEntity,
    ValidationError,
)
from identities.selectors import policy_usage as usage_selectors
from policies import awsapi, selectors
from policies.models import ManagedPolicy, PolicyVersion
from tests import factories
from tests.factories import run

pytestmark = pytest.mark.django_db

DOC = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}'
IAM_MODEL = botocore.session.get_session().get_service_model("iam")


def create(account: Any, name: str = "ReadBuckets", **params: Any) -> ManagedPolicy:
    params.setdefault("policy_document", DOC)
    return run(account, "CreatePolicy", policy_name=name, **params)


def members(shape_name: str) -> set[str]:
    shape = IAM_MODEL.shape_for(shape_name)
    assert isinstance(shape, StructureShape)
    return set(shape.members)


# --- CreatePolicy / GetPolicy -------------------------------------------------------------------------------------


def test_create_policy_gives_an_anpa_id_an_arn_with_its_path_and_v1_as_default(account):
    policy = create(account, "ReadBuckets", path="/team/", description="Reads S3")
    assert policy.policy_id.startswith("ANPA") and len(policy.policy_id) == 21
    assert policy.arn == f"arn:aws:iam::{account.account_id}:policy/team/ReadBuckets"
    fetched = run(account, "GetPolicy", policy_arn=policy.arn)
    shape = awsapi.OUTPUTS["GetPolicy"](fetched)["Policy"]
    assert shape["DefaultVersionId"] == "v1"
    assert shape["AttachmentCount"] == 0
    assert shape["PermissionsBoundaryUsageCount"] == 0
    assert shape["IsAttachable"] is True
    assert shape["Description"] == "Reads S3"
    assert "Tags" not in shape
    assert set(shape) <= members("Policy")


def test_the_document_is_stored_exactly_as_given(account):
    text = '{\n  "Version":"2012-10-17",\n  "Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}\n}'
    policy = create(account, policy_document=text)
    version = run(account, "GetPolicyVersion", policy_arn=policy.arn, version_id="v1")
    assert version.document == text
    assert awsapi.OUTPUTS["GetPolicyVersion"](version)["PolicyVersion"]["Document"] == text


def test_names_are_unique_in_the_account_ignoring_case(account, other_account):
    create(account, "ReadBuckets")
    with pytest.raises(EntityAlreadyExists) as exc:
        create(account, "READBUCKETS")
    assert exc.value.message == "A policy called READBUCKETS already exists. Duplicate names are not allowed."
    assert exc.value.field == "policy_name"
    create(other_account, "ReadBuckets")  # another account's namespace


def test_a_grammar_error_is_malformed_policy_document_with_the_engines_message(account):
    with pytest.raises(MalformedPolicyDocument) as exc:
        create(account, policy_document='{"Version": "2012-10-17", "Statement": [{"Effect": "Allow"}]}')
    assert exc.value.field == "policy_document"
    assert exc.value.message
    assert not ManagedPolicy.objects.filter(account=account.model).exists()


def test_validator_findings_never_refuse_a_document_aws_accepts(account):
    # An unknown action and a wildcard resource are Access Analyzer findings, not grammar errors: IAM accepts them.
    text = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObjektt", "Resource": "*"}]}'
    findings = run(account, "ValidatePolicy", policy_document=text, policy_type="IDENTITY_POLICY")
    assert findings, "the validator reports the unknown action"
    policy = create(account, policy_document=text)
    assert PolicyVersion.objects.get(policy=policy).document == text


def test_documents_over_6144_characters_without_whitespace_exceed_the_quota(account):
    statement = '{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::%s"}'
    body = ", ".join(statement % ("b" * 40 + str(i)) for i in range(80))
    text = '{"Version": "2012-10-17", "Statement": [' + body + "]}"
    assert len(text.replace(" ", "")) > 6144
    with pytest.raises(LimitExceeded) as exc:
        create(account, policy_document=text)
    assert exc.value.message == "Cannot exceed quota for PolicySize: 6144"
    # Whitespace does not count: a document just under the quota with lots of spaces is accepted.
    padded = DOC.replace(" ", " " * 50)
    assert create(account, "Spacious", policy_document=padded).name == "Spacious"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"policy_name": "bad name"}, "policy_name"),
        ({"policy_name": "x" * 129}, "policy_name"),
        ({"path": "no-slashes"}, "path"),
        ({"path": "/space in/"}, "path"),
        ({"description": "d" * 1001}, "description"),
        ({"tags": [{"key": "k", "value": "v"}, {"key": "K", "value": "w"}]}, "tags"),
    ],
)
def test_invalid_parameters_name_the_parameter_at_fault(account, params, field):
    params = {"policy_name": "Good", "policy_document": DOC, **params}
    with pytest.raises((ValidationError, InvalidInput)) as exc:
        run(account, "CreatePolicy", **params)
    assert exc.value.field == field


def test_the_account_policy_quota_is_enforced(account, settings):
    settings.IAM_QUOTAS = {**settings.IAM_QUOTAS, "policies": 2}
    create(account, "One")
    create(account, "Two")
    with pytest.raises(LimitExceeded) as exc:
        create(account, "Three")
    assert exc.value.message == "Cannot exceed quota for PoliciesPerAccount: 2"


def test_another_accounts_policy_is_denied_and_invisible_to_the_caller(account, other_account):
    policy = create(account)
    # The ARN names another account, and no resource-based policy lets this one in.
    with pytest.raises(AccessDenied) as denied:
        run(other_account, "GetPolicy", policy_arn=policy.arn)
    assert "because no resource-based policy allows the iam:GetPolicy action" in denied.value.message
    # Below authorization, reads are scoped to the account: the policy does not exist there.
    with pytest.raises(NoSuchEntity) as exc:
        selectors.get_policy_by_arn(account=other_account.model, policy_arn=policy.arn)
    assert exc.value.message == f"Policy {policy.arn} does not exist or is not attachable."


def test_a_string_that_is_not_a_policy_arn_is_invalid_input(account):
    with pytest.raises(InvalidInput) as exc:
        run(account, "GetPolicy", policy_arn="not-an-arn")
    assert exc.value.message == "ARN not-an-arn is not valid."


def test_create_and_get_are_audited_with_the_policy_arn(account):
    policy = create(account)
    run(account, "GetPolicy", policy_arn=policy.arn)
    events = AuditEvent.objects.filter(
        account_id_value=account.account_id, event_name__in=["CreatePolicy", "GetPolicy"]
    )
    assert {(e.event_name, e.resource_arn, e.read_only) for e in events} == {
        ("CreatePolicy", policy.arn, False),
        ("GetPolicy", policy.arn, True),
    }


# --- tags -------------------------------------------------------------------------------------------------------


def test_tags_are_set_on_create_merged_ignoring_case_and_removed_by_key(account):
    policy = create(account, tags=[{"key": "Team", "value": "data"}, {"key": "Env", "value": "prod"}])
    assert awsapi.OUTPUTS["CreatePolicy"](policy)["Policy"]["Tags"] == [
        {"Key": "Team", "Value": "data"},
        {"Key": "Env", "Value": "prod"},
    ]
    run(account, "TagPolicy", policy_arn=policy.arn, tags=[{"key": "team", "value": "ml"}])
    run(account, "UntagPolicy", policy_arn=policy.arn, tag_keys=["ENV", "absent"])
    page = run(account, "ListPolicyTags", policy_arn=policy.arn)
    assert awsapi.OUTPUTS["ListPolicyTags"](page) == {"Tags": [{"Key": "team", "Value": "ml"}], "IsTruncated": False}


def test_list_policy_tags_pages_with_a_marker(account):
    tags = [{"key": f"k{i}", "value": str(i)} for i in range(5)]
    policy = create(account, tags=tags)
    first = run(account, "ListPolicyTags", policy_arn=policy.arn, max_items=3)
    assert first.is_truncated and [k for k, _ in first.tags] == ["k0", "k1", "k2"]
    rest = run(account, "ListPolicyTags", policy_arn=policy.arn, marker=first.marker)
    assert not rest.is_truncated and [k for k, _ in rest.tags] == ["k3", "k4"]


def test_at_most_50_tags(account):
    policy = create(account, tags=[{"key": f"k{i}", "value": ""} for i in range(50)])
    with pytest.raises(LimitExceeded):
        run(account, "TagPolicy", policy_arn=policy.arn, tags=[{"key": "one-more", "value": ""}])


# --- DeletePolicy -------------------------------------------------------------------------------------------------


def test_delete_policy_removes_it_and_its_default_version(account):
    policy = create(account)
    run(account, "DeletePolicy", policy_arn=policy.arn)
    assert not ManagedPolicy.objects.filter(pk=policy.pk).exists()
    assert not PolicyVersion.objects.filter(policy_id=policy.pk).exists()
    with pytest.raises(NoSuchEntity):
        run(account, "GetPolicy", policy_arn=policy.arn)


def test_delete_policy_conflicts_while_it_holds_non_default_versions(account):
    policy = create(account)
    run(account, "CreatePolicyVersion", policy_arn=policy.arn, policy_document=DOC)
    with pytest.raises(DeleteConflict) as exc:
        run(account, "DeletePolicy", policy_arn=policy.arn)
    assert exc.value.message == (
        "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. "
        "The default version is deleted with the policy."
    )
    run(account, "DeletePolicyVersion", policy_arn=policy.arn, version_id="v2")
    run(account, "DeletePolicy", policy_arn=policy.arn)


@pytest.mark.parametrize("use", ["user", "group", "role", "user_boundary", "role_boundary"])
def test_delete_policy_conflicts_while_attached_or_used_as_a_boundary(account, use):
    policy = create(account)
    if use == "user":
        factories.attach(account, policy, user_name=factories.user(account, "alice").name)
    elif use == "group":
        factories.attach(account, policy, group_name=factories.group(account, "admins").name)
    elif use == "role":
        factories.attach(account, policy, role_name=factories.role(account, "app").name)
    elif use == "user_boundary":
        factories.user(account, "bob", boundary=policy.arn)
    else:
        factories.role(account, "bounded", boundary=policy.arn)
    with pytest.raises(DeleteConflict) as exc:
        run(account, "DeletePolicy", policy_arn=policy.arn)
    assert exc.value.message == "Cannot delete a policy attached to entities."
    assert ManagedPolicy.objects.filter(pk=policy.pk).exists()


def test_a_failed_delete_is_audited_as_failed(account):
    policy = create(account)
    factories.attach(account, policy, user_name=factories.user(account, "alice").name)
    with pytest.raises(DeleteConflict):
        run(account, "DeletePolicy", policy_arn=policy.arn)
    event = AuditEvent.objects.get(account_id_value=account.account_id, event_name="DeletePolicy")
    assert (event.outcome, event.error_code) == ("failed", "DeleteConflict")


# --- usage counts, ListPolicies -----------------------------------------------------------------------------------


def test_usage_counts_count_attachments_and_boundaries(account):
    policy = create(account)
    factories.attach(account, policy, user_name=factories.user(account, "alice").name)
    factories.attach(account, policy, group_name=factories.group(account, "devs").name)
    factories.attach(account, policy, role_name=factories.role(account, "app").name)
    factories.user(account, "bob", boundary=policy.arn)
    shape = awsapi.OUTPUTS["GetPolicy"](run(account, "GetPolicy", policy_arn=policy.arn))["Policy"]
    assert (shape["AttachmentCount"], shape["PermissionsBoundaryUsageCount"]) == (3, 1)


def test_list_policies_local_scope_path_prefix_and_usage_filters(account, other_account):
    attached = create(account, "Attached", path="/team/")
    boundary = create(account, "Boundary", path="/team/")
    create(account, "Idle")
    create(other_account, "NotMine")
    factories.attach(account, attached, user_name=factories.user(account, "alice").name)
    factories.role(account, "app", boundary=boundary.arn)

    def names(**params: Any) -> list[str]:
        return [p.name for p in run(account, "ListPolicies", scope="Local", **params)]

    assert names() == ["Attached", "Boundary", "Idle"]
    assert names(path_prefix="/team/") == ["Attached", "Boundary"]
    assert names(only_attached=True) == ["Attached"]
    assert names(policy_usage_filter="PermissionsBoundary") == ["Boundary"]
    assert names(policy_usage_filter="PermissionsPolicy", only_attached=True) == ["Attached"]
    with pytest.raises(ValidationError):
        names(policy_usage_filter="Sometimes")


def test_list_policies_shape_leaves_out_description_and_tags(account):
    create(account, "Described", description="text", tags=[{"key": "a", "value": "b"}])
    output = awsapi.OUTPUTS["ListPolicies"](run(account, "ListPolicies", scope="Local"))
    (listed,) = output["Policies"]
    assert "Description" not in listed and "Tags" not in listed
    assert listed["AttachmentCount"] == 0
    assert set(output) <= members("ListPoliciesResponse")


def test_list_policies_pages_in_name_order_ignoring_case(account):
    for name in ["beta", "Alpha", "delta", "Charlie", "echo"]:
        create(account, name)
    seen: list[str] = []
    marker = None
    while True:
        page = run(account, "ListPolicies", scope="Local", max_items=2, marker=marker)
        seen += [p.name for p in page]
        if not page.is_truncated:
            break
        marker = page.marker
    assert seen == ["Alpha", "beta", "Charlie", "delta", "echo"]


@pytest.mark.parametrize("count", [2, 20])
def test_list_policies_runs_one_query_whatever_the_page_size(account, count, django_assert_num_queries):
    for i in range(count):
        policy = create(account, f"P{i:02}")
        factories.attach(account, policy, user_name=factories.user(account, f"u{i}").name)
    # The page with its usage counts (subqueries) is one query; operations.run adds its own constant overhead.
    model = account.model
    with django_assert_num_queries(1):
        page = usage_selectors.list_policies(account=model, scope="Local", only_attached=True)
    assert len(page) == count
    assert all((p.attachment_count, p.permissions_boundary_usage_count) == (1, 0) for p in page)


# --- ListEntitiesForPolicy ----------------------------------------------------------------------------------------


def test_list_entities_for_policy_by_kind_usage_and_path(account):
    policy = create(account)
    alice = factories.user(account, "alice", path="/eng/")
    admins = factories.group(account, "admins")
    app = factories.role(account, "app")
    factories.user(account, "bounded", boundary=policy.arn)
    factories.attach(account, policy, user_name=alice.name)
    factories.attach(account, policy, group_name=admins.name)
    factories.attach(account, policy, role_name=app.name)

    def listed(**params: Any) -> dict[str, Any]:
        result = run(account, "ListEntitiesForPolicy", policy_arn=policy.arn, **params)
        return awsapi.OUTPUTS["ListEntitiesForPolicy"](result)

    everything = listed()
    assert everything["PolicyGroups"] == [{"GroupName": "admins", "GroupId": admins.group_id}]
    assert [u["UserName"] for u in everything["PolicyUsers"]] == ["alice", "bounded"]
    assert everything["PolicyRoles"] == [{"RoleName": "app", "RoleId": app.role_id}]
    assert [u["UserName"] for u in listed(policy_usage_filter="PermissionsPolicy")["PolicyUsers"]] == ["alice"]
    boundary_only = listed(policy_usage_filter="PermissionsBoundary")
    assert [u["UserName"] for u in boundary_only["PolicyUsers"]] == ["bounded"]
    assert boundary_only["PolicyGroups"] == [] and boundary_only["PolicyRoles"] == []
    roles_only = listed(entity_filter="Role")
    assert (roles_only["PolicyGroups"], roles_only["PolicyUsers"]) == ([], [])
    assert [u["UserName"] for u in listed(path_prefix="/eng/")["PolicyUsers"]] == ["alice"]
    assert listed(entity_filter="AWSManagedPolicy")["PolicyUsers"] == []


def test_list_entities_for_policy_pages_across_kinds(account, django_assert_max_num_queries):
    policy = create(account)
    for i in range(3):
        factories.attach(account, policy, group_name=factories.group(account, f"g{i}").name)
        factories.attach(account, policy, user_name=factories.user(account, f"u{i}").name)
        factories.attach(account, policy, role_name=factories.role(account, f"r{i}").name)
    names: list[str] = []
    marker = None
    model = account.model
    while True:
        # The policy, then at most one query per kind of entity.
        with django_assert_max_num_queries(4):
            page = usage_selectors.list_entities_for_policy(
                account=model, policy_arn=policy.arn, max_items=4, marker=marker
            )
        names += [g.name for g in page.groups] + [u.name for u in page.users] + [r.name for r in page.roles]
        if not page.is_truncated:
            break
        marker = page.marker
    assert names == ["g0", "g1", "g2", "u0", "u1", "u2", "r0", "r1", "r2"]


# --- ValidatePolicy -------------------------------------------------------------------------------------------------


def test_validate_policy_returns_located_findings_and_checks_its_type(account):
    text = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    findings = run(account, "ValidatePolicy", policy_document=text, policy_type="IDENTITY_POLICY")
    assert findings and all(f.line >= 1 for f in findings)
    assert run(account, "ValidatePolicy", policy_document=DOC, policy_type="IDENTITY_POLICY") == []
    with pytest.raises(ValidationError) as exc:
        run(account, "ValidatePolicy", policy_document=DOC, policy_type="NOT_A_TYPE")
    assert exc.value.field == "policy_type"
    event = AuditEvent.objects.filter(event_name="ValidatePolicy").first()
    assert event is not None and event.event_source == "access-analyzer.amazonaws.com" and event.read_only


def test_default_documents_reads_every_default_in_one_query(account, django_assert_num_queries):
    first = create(account, "First")
    second = create(account, "Second")
    run(account, "CreatePolicyVersion", policy_arn=second.arn, policy_document=DOC.replace("GetObject", "PutObject"))
    run(account, "SetDefaultPolicyVersion", policy_arn=second.arn, version_id="v2")
    with django_assert_num_queries(1):
        documents = selectors.default_documents([first.pk, second.pk])
    assert documents == {first.pk: DOC, second.pk: DOC.replace("GetObject", "PutObject")}


# --- races ----------------------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_of_one_name_in_any_case_give_one_policy(account):
    names = ["Shared", "SHARED", "shared", "sHaReD"]
    outcomes: list[str] = []
    # PostgreSQL runs the requests truly in parallel; SQLite's shared in-memory test database cannot, so there
    # they run one after the other and the test checks the same outcome.
    serial = threading.Lock() if connection.vendor == "sqlite" else contextlib.nullcontext()
    barrier = threading.Barrier(len(names))

    def attempt(name: str) -> None:
        try:
            barrier.wait()
            with serial:
                create(account, name)
            outcomes.append("created")
        except EntityAlreadyExists:
            outcomes.append("exists")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["created", "exists", "exists", "exists"]
    assert ManagedPolicy.objects.filter(account=account.model, name__iexact="shared").count() == 1
