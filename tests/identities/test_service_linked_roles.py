"""Service-linked roles through operations.run: creation as AWS does it, protection, and the deletion task."""

from __future__ import annotations

import contextlib
import json
import re
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AuditEvent, OutboxTask
from iamconsole import operations
from iamconsole.actors import Actor
from iamconsole.errors import AccessDenied, InvalidInput, NoSuchEntity, ValidationError
from identities import service_linked_catalog
from identities.awsapi import OUTPUTS
from identities.models import PolicyAttachment, Role, ServiceLinkedRoleDeletion
from identities.tasks import delete_service_linked_role_task
from tests import factories

BEANSTALK = "elasticbeanstalk.amazonaws.com"
DELETION_TASK_RE = re.compile(
    r"task/aws-service-role/elasticbeanstalk\.amazonaws\.com/AWSServiceRoleForElasticBeanstalk/"
    r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}"
)


pytestmark = pytest.mark.usefixtures("aws_managed_policies")


def create(account, service=BEANSTALK, **params):
    return operations.run(account.root, "CreateServiceLinkedRole", {"aws_service_name": service, **params})


def status(account, task_id):
    return operations.run(account.root, "GetServiceLinkedRoleDeletionStatus", {"deletion_task_id": task_id})


def test_create_gives_the_role_aws_gives(account):
    role = create(account)
    spec = service_linked_catalog.get_spec(BEANSTALK)
    assert spec is not None
    assert role.name == "AWSServiceRoleForElasticBeanstalk"
    assert role.path == "/aws-service-role/elasticbeanstalk.amazonaws.com/"
    assert re.fullmatch(r"AROA[A-Z2-7]{17}", role.role_id)
    assert role.linked_service == BEANSTALK
    assert json.loads(role.assume_role_policy_document) == {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": BEANSTALK}, "Action": "sts:AssumeRole"}],
    }
    attached = set(PolicyAttachment.objects.filter(role=role).values_list("policy__arn", flat=True))
    assert attached == set(spec.managed_policy_arns)
    assert attached == {"arn:aws:iam::aws:policy/aws-service-role/AWSElasticBeanstalkServiceRolePolicy"}
    shape = OUTPUTS["CreateServiceLinkedRole"](role)["Role"]
    assert shape["Arn"] == (
        f"arn:aws:iam::{account.account_id}:role/aws-service-role/{BEANSTALK}/AWSServiceRoleForElasticBeanstalk"
    )
    assert json.loads(shape["AssumeRolePolicyDocument"])["Statement"][0]["Principal"] == {"Service": BEANSTALK}
    assert "Description" not in shape


def test_description_is_kept(account):
    role = create(account, description="Beanstalk's own role")
    assert Role.objects.get(pk=role.pk).description == "Beanstalk's own role"


def test_every_catalogued_service_can_be_created(account):
    specs = service_linked_catalog.all_specs()
    assert len(specs) >= 20
    for spec in specs:
        role = create(account, spec.service_principal)
        assert (role.name, role.path) == (spec.role_name, spec.path)
        assert role.attachments.count() == len(spec.managed_policy_arns)


def test_a_second_role_with_the_same_name_is_invalid_input(account):
    create(account)
    with pytest.raises(InvalidInput) as caught:
        create(account)
    assert caught.value.message == (
        "Service role name AWSServiceRoleForElasticBeanstalk has been taken in this account, "
        "please try a different suffix."
    )
    assert Role.objects.filter(account=account.model).count() == 1


def test_the_same_service_may_be_linked_in_two_accounts(account, other_account):
    create(account)
    assert create(other_account).account.account_id == other_account.account_id


def test_custom_suffix_where_the_service_allows_it(account):
    create(account)
    role = create(account, custom_suffix="debug")
    assert role.name == "AWSServiceRoleForElasticBeanstalk_debug"
    assert role.path == "/aws-service-role/elasticbeanstalk.amazonaws.com/"


def test_custom_suffix_is_refused_where_the_service_does_not_allow_it(account):
    with pytest.raises(InvalidInput) as caught:
        create(account, "access-analyzer.amazonaws.com", custom_suffix="x")
    assert caught.value.message == "Custom suffix is not allowed for access-analyzer.amazonaws.com"
    assert caught.value.field == "custom_suffix"
    assert not Role.objects.filter(account=account.model).exists()


def test_unknown_service_is_invalid_input(account):
    with pytest.raises(InvalidInput) as caught:
        create(account, "nothing.amazonaws.com")
    assert caught.value.field == "aws_service_name"


def test_malformed_service_name_is_a_validation_error(account):
    with pytest.raises(ValidationError) as caught:
        create(account, "no spaces allowed")
    assert "aWSServiceName" in caught.value.message


def test_create_is_audited_with_the_new_roles_arn(account):
    create(account)
    event = AuditEvent.objects.get(event_name="CreateServiceLinkedRole", outcome="success")
    assert event.resource_arn.endswith(
        ":role/aws-service-role/elasticbeanstalk.amazonaws.com/AWSServiceRoleForElasticBeanstalk"
    )


def test_roles_quota_counts_service_linked_roles(account, settings):
    settings.IAM_QUOTAS = {**settings.IAM_QUOTAS, "roles": 1}
    create(account)
    with pytest.raises(Exception, match="Cannot exceed quota for RolesPerAccount: 1"):
        create(account, "autoscaling.amazonaws.com")


# --- deletion --------------------------------------------------------------------------------------------------------


def run_task(account, task_id):
    """The deletion task's body, eagerly, as the worker runs it."""
    return delete_service_linked_role_task(account.account_id, task_id)


def _for_each_usage(account, operation: str, role_name: str, usages: list[tuple[str, str]]) -> None:
    """Register (or deregister) the role's use by each ``(region, resource ARN)``."""
    for region, arn in usages:
        operations.run(account.root, operation, {"role_name": role_name, "region": region, "resource_arn": arn})


def test_deletion_goes_through_in_progress_to_succeeded(account):
    role = create(account)
    deletion = operations.run(account.root, "DeleteServiceLinkedRole", {"role_name": role.name})
    task_id = OUTPUTS["DeleteServiceLinkedRole"](deletion)["DeletionTaskId"]
    assert DELETION_TASK_RE.fullmatch(task_id)
    assert OUTPUTS["GetServiceLinkedRoleDeletionStatus"](status(account, task_id)) == {"Status": "NOT_STARTED"}
    queued = OutboxTask.objects.get()
    assert (queued.task_name, queued.args) == (
        "identities.tasks.delete_service_linked_role_task",
        [account.account_id, task_id],
    )

    assert run_task(account, task_id) == "IN_PROGRESS"
    assert status(account, task_id).status == "IN_PROGRESS"
    assert Role.objects.filter(pk=role.pk).exists()
    follow_up = OutboxTask.objects.exclude(pk=queued.pk).get()
    assert follow_up.args == [account.account_id, task_id]
    assert follow_up.countdown is not None

    assert run_task(account, task_id) == "SUCCEEDED"
    assert OUTPUTS["GetServiceLinkedRoleDeletionStatus"](status(account, task_id)) == {"Status": "SUCCEEDED"}
    assert not Role.objects.filter(pk=role.pk).exists()
    assert not PolicyAttachment.objects.filter(role_id=role.pk).exists()
    # Idempotent: a duplicate delivery changes nothing.
    assert run_task(account, task_id) == "SUCCEEDED"
    steps = AuditEvent.objects.filter(event_name="ProcessServiceLinkedRoleDeletion", source="task")
    assert steps.count() == 3
    assert set(steps.values_list("actor_arn", flat=True)) == {"iamconsole:system"}


def test_deletion_fails_while_resources_use_the_role(account):
    role = create(account)
    usages = [
        ("us-east-1", "arn:aws:elasticbeanstalk:us-east-1:123456789012:environment/app/prod"),
        ("us-east-1", "arn:aws:elasticbeanstalk:us-east-1:123456789012:environment/app/staging"),
        ("eu-west-1", "arn:aws:elasticbeanstalk:eu-west-1:123456789012:environment/app/eu"),
    ]
    _for_each_usage(account, "RegisterServiceLinkedRoleUsage", role.name, usages)
    task_id = operations.run(account.root, "DeleteServiceLinkedRole", {"role_name": role.name}).deletion_task_id
    run_task(account, task_id)
    assert run_task(account, task_id) == "FAILED"
    shape = OUTPUTS["GetServiceLinkedRoleDeletionStatus"](status(account, task_id))
    assert shape["Status"] == "FAILED"
    assert "in use by 3 resources" in shape["Reason"]["Reason"]
    assert shape["Reason"]["RoleUsageList"] == [
        {"Region": "eu-west-1", "Resources": [usages[2][1]]},
        {"Region": "us-east-1", "Resources": [usages[0][1], usages[1][1]]},
    ]
    assert Role.objects.filter(pk=role.pk).exists()

    # Once the resources are gone, a new deletion succeeds.
    _for_each_usage(account, "DeregisterServiceLinkedRoleUsage", role.name, usages)
    second = operations.run(account.root, "DeleteServiceLinkedRole", {"role_name": role.name}).deletion_task_id
    assert second != task_id
    run_task(account, second)
    assert run_task(account, second) == "SUCCEEDED"
    assert status(account, task_id).status == "FAILED"


def test_a_deletion_under_way_is_returned_again(account):
    role = create(account)
    first = operations.run(account.root, "DeleteServiceLinkedRole", {"role_name": role.name})
    again = operations.run(account.root, "DeleteServiceLinkedRole", {"role_name": role.name})
    assert again.deletion_task_id == first.deletion_task_id
    assert ServiceLinkedRoleDeletion.objects.count() == 1


def test_only_service_linked_roles_can_be_deleted_that_way(account):
    factories.role(account, "Plain")
    with pytest.raises(InvalidInput):
        operations.run(account.root, "DeleteServiceLinkedRole", {"role_name": "Plain"})
    with pytest.raises(NoSuchEntity) as caught:
        operations.run(account.root, "DeleteServiceLinkedRole", {"role_name": "Missing"})
    assert caught.value.message == "The role with name Missing cannot be found."


def test_deletion_status_of_unknown_or_foreign_tasks(account, other_account):
    role = create(other_account)
    foreign = operations.run(other_account.root, "DeleteServiceLinkedRole", {"role_name": role.name})
    with pytest.raises(NoSuchEntity):
        status(account, foreign.deletion_task_id)
    with pytest.raises(InvalidInput):
        status(account, "not-a-task-id")


def test_the_deletion_step_is_for_the_system_only(account):
    role = create(account)
    task_id = operations.run(account.root, "DeleteServiceLinkedRole", {"role_name": role.name}).deletion_task_id
    with pytest.raises(AccessDenied):
        operations.run(account.root, "ProcessServiceLinkedRoleDeletion", {"deletion_task_id": task_id})
    assert status(account, task_id).status == "NOT_STARTED"
    system = Actor.system(account.account_id)
    assert operations.run(system, "ProcessServiceLinkedRoleDeletion", {"deletion_task_id": task_id}).status == (
        "IN_PROGRESS"
    )


# --- usages ----------------------------------------------------------------------------------------------------------


def test_usages_are_listed_registered_once_and_validated(account):
    role = create(account)
    for index in range(3):
        params = {"role_name": role.name, "region": "us-east-1", "resource_arn": f"arn:aws:ecs:us-east-1:1:svc/{index}"}
        operations.run(account.root, "RegisterServiceLinkedRoleUsage", params)
        operations.run(account.root, "RegisterServiceLinkedRoleUsage", params)
    page = operations.run(account.root, "ListServiceLinkedRoleUsages", {"role_name": role.name, "max_items": 2})
    assert [u.resource_arn for u in page.items] == ["arn:aws:ecs:us-east-1:1:svc/0", "arn:aws:ecs:us-east-1:1:svc/1"]
    assert page.is_truncated
    with pytest.raises(InvalidInput):
        operations.run(
            account.root,
            "RegisterServiceLinkedRoleUsage",
            {"role_name": role.name, "region": "nowhere", "resource_arn": "arn:aws:ecs:us-east-1:1:svc/9"},
        )
    with pytest.raises(InvalidInput):
        operations.run(
            account.root,
            "RegisterServiceLinkedRoleUsage",
            {"role_name": role.name, "region": "us-east-1", "resource_arn": "not an arn"},
        )
    with pytest.raises(NoSuchEntity):
        operations.run(
            account.root,
            "DeregisterServiceLinkedRoleUsage",
            {"role_name": role.name, "region": "us-east-1", "resource_arn": "arn:aws:ecs:us-east-1:1:svc/9"},
        )


def test_listing_usages_takes_the_same_queries_for_2_and_20(account, django_assert_num_queries):
    from identities import selectors

    role = create(account)

    def register(count):
        for index in range(count):
            operations.run(
                account.root,
                "RegisterServiceLinkedRoleUsage",
                {"role_name": role.name, "region": "us-east-1", "resource_arn": f"arn:aws:ecs:us-east-1:1:s/{index}"},
            )

    register(2)
    with CaptureQueriesContext(connection) as two:
        page = selectors.list_service_linked_role_usages(account=account.model, role_name=role.name)
        assert [usage.role.name for usage in page.items] == [role.name] * 2
    register(20)
    with django_assert_num_queries(len(two)):
        page = selectors.list_service_linked_role_usages(account=account.model, role_name=role.name)
        assert [usage.role.name for usage in page.items] == [role.name] * 20
    assert len(two) <= 3


# --- concurrency -----------------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_creates_give_one_role_and_one_invalid_input(account):
    create(account, "autoscaling.amazonaws.com")  # loads the AWS catalogue before the race
    barrier = threading.Barrier(2)
    # SQLite's shared in-memory database locks whole tables: there the two requests run one after the other.
    serial = threading.Lock() if connection.vendor == "sqlite" else contextlib.nullcontext()
    outcomes: list[str] = []

    def attempt():
        try:
            barrier.wait()
            with serial:
                create(account)
            outcomes.append("created")
        except InvalidInput:
            outcomes.append("InvalidInput")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["InvalidInput", "created"]
    assert Role.objects.filter(account=account.model, name="AWSServiceRoleForElasticBeanstalk").count() == 1
