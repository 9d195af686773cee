"""AWS managed policies in the database: loaded on demand, readable and countable, never editable."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import AuditEvent
from iamconsole.errors import AccessDenied, NoSuchEntity, ValidationError
from policies import aws_managed, awsapi, services
from policies.models import ManagedPolicy, PolicyVersion
from tests import factories
from tests.factories import run

pytestmark = pytest.mark.django_db

READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
DOC = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}'


def test_sync_loads_the_whole_catalogue_once(db):
    catalogue = aws_managed.all_policies()
    assert services.sync_aws_managed_policies() == len(catalogue)
    assert services.sync_aws_managed_policies() == 0
    assert ManagedPolicy.objects.filter(account__isnull=True).count() == len(catalogue)
    assert PolicyVersion.objects.filter(policy__account__isnull=True, is_default=True).count() == len(catalogue)


def test_sync_moves_a_policy_whose_default_version_changed(db):
    services.sync_aws_managed_policies()
    entry = aws_managed.get_by_arn(READ_ONLY)
    assert entry is not None
    # Pretend the database holds an older version of the policy than the catalogue.
    policy = ManagedPolicy.objects.get(arn=READ_ONLY)
    PolicyVersion.objects.filter(policy=policy).update(version_id="v1", document="{}")
    ManagedPolicy.objects.filter(pk=policy.pk).update(default_version_id="v1")
    services.sync_aws_managed_policies()
    current = PolicyVersion.objects.get(policy=policy, is_default=True)
    assert (current.version_id, current.document) == (entry.default_version_id, entry.document_json)
    assert ManagedPolicy.objects.get(pk=policy.pk).default_version_id == entry.default_version_id


def test_reads_never_load_the_catalogue(account):
    with pytest.raises(NoSuchEntity):
        run(account, "GetPolicy", policy_arn=READ_ONLY)
    assert list(run(account, "ListPolicies", scope="AWS")) == []
    assert not ManagedPolicy.objects.filter(account__isnull=True).exists()


def test_get_policy_answers_as_aws(account, aws_managed_policies):
    entry = aws_managed.get_by_arn(READ_ONLY)
    assert entry is not None
    policy = run(account, "GetPolicy", policy_arn=READ_ONLY)
    shape = awsapi.OUTPUTS["GetPolicy"](policy)["Policy"]
    assert shape["PolicyName"] == "ReadOnlyAccess"
    assert shape["PolicyId"] == entry.policy_id
    assert shape["Path"] == "/"
    assert shape["DefaultVersionId"] == entry.default_version_id
    assert shape["IsAttachable"] is True
    assert shape["CreateDate"] == entry.create_date
    version = run(account, "GetPolicyVersion", policy_arn=READ_ONLY, version_id=entry.default_version_id)
    assert json.loads(version.document) == entry.document
    assert version.is_default


def test_service_linked_role_policies_are_listed_as_not_attachable(account, aws_managed_policies):
    arn = "arn:aws:iam::aws:policy/aws-service-role/AutoScalingServiceRolePolicy"
    assert run(account, "GetPolicy", policy_arn=arn).is_attachable is False


def test_list_policies_scopes(account, aws_managed_policies):
    run(account, "CreatePolicy", policy_name="Mine", policy_document=DOC)
    total = len(aws_managed.all_policies())
    aws_page = run(account, "ListPolicies", scope="AWS", max_items=1000)
    assert aws_page.is_truncated
    rest = run(account, "ListPolicies", scope="AWS", max_items=1000, marker=aws_page.marker)
    names = [p.name for p in aws_page] + [p.name for p in rest]
    assert len(names) == total and "Mine" not in names
    assert [p.name for p in run(account, "ListPolicies", scope="Local")] == ["Mine"]
    job = run(account, "ListPolicies", scope="All", path_prefix="/job-function/")
    assert {p.path for p in job} == {"/job-function/"} and len(job) > 0
    with pytest.raises(ValidationError, match="enum value set"):
        run(account, "ListPolicies", scope="Everything")


def test_attachment_count_of_an_aws_policy_counts_the_callers_account_only(
    account, other_account, aws_managed_policies
):
    policy = run(account, "GetPolicy", policy_arn=READ_ONLY)
    for fixture, names in ((account, ["alice"]), (other_account, ["bob", "carol"])):
        for name in names:
            factories.user(fixture, name)
            factories.attach(fixture, policy, user_name=name)
    assert run(account, "GetPolicy", policy_arn=READ_ONLY).attachment_count == 1
    assert run(other_account, "GetPolicy", policy_arn=READ_ONLY).attachment_count == 2
    attached = run(account, "ListPolicies", scope="AWS", only_attached=True)
    assert [(p.name, p.attachment_count) for p in attached] == [("ReadOnlyAccess", 1)]
    entities = run(account, "ListEntitiesForPolicy", policy_arn=READ_ONLY)
    assert [u.name for u in entities.users] == ["alice"]


@pytest.mark.parametrize(
    ("operation", "params"),
    [
        ("CreatePolicyVersion", {"policy_document": DOC, "set_as_default": True}),
        ("SetDefaultPolicyVersion", {"version_id": "v1"}),
        ("DeletePolicyVersion", {"version_id": "v1"}),
        ("DeletePolicy", {}),
        ("TagPolicy", {"tags": [{"key": "mine", "value": "now"}]}),
        ("UntagPolicy", {"tag_keys": ["mine"]}),
    ],
)
def test_aws_managed_policies_are_never_changed(account, aws_managed_policies, operation, params):
    before = run(account, "GetPolicy", policy_arn=READ_ONLY)
    with pytest.raises(AccessDenied) as exc:
        run(account, operation, policy_arn=READ_ONLY, **params)
    action = f"iam:{operation}"
    assert exc.value.message == (
        f"User: arn:aws:iam::{account.account_id}:root is not authorized to perform: {action} on resource: "
        f"{READ_ONLY} because no resource-based policy allows the {action} action"
    )
    after = ManagedPolicy.objects.get(pk=before.pk)
    assert (after.default_version_id, after.tags) == (before.default_version_id, {})
    assert PolicyVersion.objects.filter(policy=after).count() == 1
    event = AuditEvent.objects.get(account_id_value=account.account_id, event_name=operation)
    assert event.outcome == "denied"


def test_the_service_refuses_aws_managed_arns_even_without_the_operation_layer(account):
    with pytest.raises(AccessDenied):
        services.create_policy_version(account=account.model, policy_arn=READ_ONLY, policy_document=DOC)


def test_syncawspolicies_command_is_idempotent_and_audited(db):
    out = StringIO()
    call_command("syncawspolicies", stdout=out)
    assert out.getvalue().strip() == f"AWS managed policies: {len(aws_managed.all_policies())} added."
    out = StringIO()
    call_command("syncawspolicies", stdout=out)
    assert out.getvalue().strip() == "AWS managed policies: 0 added."
    assert AuditEvent.objects.filter(event_name="SyncAwsManagedPolicies", source="command").count() == 2
