"""Service-linked roles: CreateServiceLinkedRole, DeleteServiceLinkedRole and its asynchronous deletion task.

AWS names the role itself, puts it under ``/aws-service-role/<service principal>/``, trusts only that service and
attaches the managed policies the service chose (``identities.service_linked_catalog``). The role is then protected:
the roles services refuse every change but its description with ``UnmodifiableEntity``. Deleting it is a task: it
goes ``NOT_STARTED`` → ``IN_PROGRESS`` → ``SUCCEEDED``, or ``FAILED`` while resources still use the role (registered
here with ``register_service_linked_role_usage``, since an installation has no AWS services to ask).
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Account
from iamconsole import domain, ids, outbox, quotas
from iamconsole.arn import parse_arn
from iamconsole.errors import InvalidInput, NoSuchEntity, constraint_error
from identities import service_linked_catalog
from identities.models import PolicyAttachment, Role, ServiceLinkedRoleDeletion, ServiceLinkedRoleUsage
from identities.services.inserts import insert_unique
from identities.services.roles import lock_role
from policies import selectors as policy_selectors

SERVICE_ROLE_PATH_PREFIX = "/aws-service-role/"
_REGION_RE = re.compile(r"[a-z]{2}(-[a-z]+)+-\d+")
DELETION_TASK = "identities.tasks.delete_service_linked_role_task"

__all__ = [
    "create_service_linked_role",
    "delete_service_linked_role",
    "deregister_service_linked_role_usage",
    "process_service_linked_role_deletion",
    "register_service_linked_role_usage",
    "resume_stalled_service_linked_role_deletions",
]


def _validate_service_name(value: Any) -> str:
    return domain.validate_name(value, member="AWSServiceName", field="aws_service_name", max_length=128)


@transaction.atomic
def create_service_linked_role(
    *, account: Account, aws_service_name: str, description: str | None = None, custom_suffix: str | None = None
) -> Role:
    """Create the service's linked role with AWS's name, path, trust policy and managed policies.

    An unknown service principal is ``InvalidInput``; so is a ``CustomSuffix`` for a service that takes none, and a
    name already taken in the account ("Service role name … has been taken in this account, please try a different
    suffix."), where AWS answers ``InvalidInput`` rather than ``EntityAlreadyExists``. Counts against RolesPerAccount.
    """
    _validate_service_name(aws_service_name)
    spec = service_linked_catalog.get_spec(aws_service_name)
    if spec is None:
        raise InvalidInput(f"Service {aws_service_name} is not supported.", field="aws_service_name")
    if custom_suffix is not None:
        domain.validate_name(custom_suffix, member="CustomSuffix", field="custom_suffix", max_length=64)
        if not spec.custom_suffix_allowed:
            raise InvalidInput(service_linked_catalog.custom_suffix_not_allowed_message(spec), field="custom_suffix")
    if description is not None:
        domain.validate_role_description(description)
    role_name = service_linked_catalog.role_name_for(spec, custom_suffix)
    if len(role_name) > domain.ROLE_NAME_MAX:
        raise constraint_error(
            "RoleName",
            role_name,
            f"Member must have length less than or equal to {domain.ROLE_NAME_MAX}",
            field="custom_suffix",
        )
    taken = InvalidInput(service_linked_catalog.role_name_taken_message(role_name), field="custom_suffix")
    # The account row is the lock that makes the quota count and the name check hold under concurrency.
    Account.objects.select_for_update().filter(pk=account.pk).first()
    if Role.objects.filter(account=account, name__iexact=role_name).exists():
        raise taken
    quotas.check("roles", Role.objects.filter(account=account).count())
    policies = [policy_selectors.get_policy_by_arn(account=account, policy_arn=arn) for arn in spec.managed_policy_arns]
    role = insert_unique(
        Role,
        duplicate=taken,
        account=account,
        role_id=ids.unique_id(ids.IdPrefix.ROLE),
        name=role_name,
        path=spec.path,
        assume_role_policy_document=json.dumps(spec.trust_policy),
        description=description if description is not None else (spec.description or ""),
        created_at=timezone.now(),
        linked_service=spec.service_principal,
    )
    PolicyAttachment.objects.bulk_create(
        PolicyAttachment(policy=policy, account=account, role=role) for policy in policies
    )
    return role


def _lock_service_linked_role(account: Account, role_name: str) -> Role:
    role = lock_role(account, role_name)
    if not role.linked_service:
        raise InvalidInput(f"Role {role.name} is not a service-linked role.", field="role_name")
    return role


def deletion_task_id(role: Role) -> str:
    """AWS's form: ``task/aws-service-role/<service principal>/<role name>/<uuid>``."""
    return f"task{role.path}{role.name}/{uuid.uuid4()}"


@transaction.atomic
def delete_service_linked_role(*, account: Account, role_name: str) -> ServiceLinkedRoleDeletion:
    """Submit the role for deletion and start the deletion task; returns the deletion with its ``DeletionTaskId``.

    Only service-linked roles qualify. While a deletion of the role is under way, asking again returns that one.
    """
    role = _lock_service_linked_role(account, role_name)
    pending = ServiceLinkedRoleDeletion.objects.filter(
        role=role,
        status__in=[ServiceLinkedRoleDeletion.Status.NOT_STARTED, ServiceLinkedRoleDeletion.Status.IN_PROGRESS],
    ).first()
    if pending is not None:
        return pending
    now = timezone.now()
    deletion = ServiceLinkedRoleDeletion.objects.create(
        account=account,
        deletion_task_id=deletion_task_id(role),
        role=role,
        role_name=role.name,
        service_principal=role.linked_service,
        created_at=now,
        updated_at=now,
    )
    outbox.enqueue(DELETION_TASK, account.account_id, deletion.deletion_task_id)
    return deletion


def _usage_report(role: Role) -> list[dict[str, Any]]:
    by_region: dict[str, list[str]] = {}
    for region, resource in role.usages.order_by("region", "resource_arn").values_list("region", "resource_arn"):
        by_region.setdefault(region, []).append(resource)
    return [{"region": region, "resources": resources} for region, resources in by_region.items()]


@transaction.atomic
def process_service_linked_role_deletion(*, account: Account, deletion_task_id: str) -> ServiceLinkedRoleDeletion:
    """Move a deletion one step: ``NOT_STARTED`` → ``IN_PROGRESS``, then ``SUCCEEDED`` or ``FAILED``.

    iamconsole's own step of the deletion task (not an AWS action). It fails the deletion, keeping the role, while
    registered resources use the role, as AWS does when the linked service still has resources that need it. A
    finished deletion is left as it is, so running the task twice changes nothing.
    """
    deletion = (
        ServiceLinkedRoleDeletion.objects.select_for_update()
        .filter(account=account, deletion_task_id=deletion_task_id)
        .first()
    )
    if deletion is None:
        raise NoSuchEntity(f"Deletion task {deletion_task_id} cannot be found.", field="deletion_task_id")
    status = ServiceLinkedRoleDeletion.Status
    if deletion.status == status.NOT_STARTED:
        deletion.status = status.IN_PROGRESS
        deletion.updated_at = timezone.now()
        deletion.save(update_fields=["status", "updated_at"])
        # The linked service's check of its resources, modelled as time the deletion spends IN_PROGRESS.
        outbox.enqueue(
            DELETION_TASK,
            account.account_id,
            deletion.deletion_task_id,
            countdown=float(settings.IAM_SERVICE_LINKED_ROLE_DELETION_DELAY),
        )
        return deletion
    if deletion.status != status.IN_PROGRESS:
        return deletion
    role = Role.objects.select_for_update().filter(pk=deletion.role_id).first() if deletion.role_id else None
    usage = _usage_report(role) if role is not None else []
    if usage:
        deletion.status = status.FAILED
        count = sum(len(entry["resources"]) for entry in usage)
        deletion.reason = (
            f"Service-linked role {deletion.role_name} cannot be deleted: it is in use by {count} "
            f"resource{'s' if count != 1 else ''} of {deletion.service_principal}."
        )
        deletion.role_usage = usage
    else:
        if role is not None:
            role.delete()
        deletion.status = status.SUCCEEDED
    deletion.updated_at = timezone.now()
    deletion.save(update_fields=["status", "reason", "role_usage", "updated_at"])
    return deletion


def resume_stalled_service_linked_role_deletions(*, batch: int = 500) -> int:
    """Send the step again for every deletion that has not moved for longer than it could (``IAM_STALLED_TASK_AFTER``
    past its delay): its task was lost, with a worker killed in the middle of it or a broker that dropped it. So no
    deletion stays ``NOT_STARTED`` or ``IN_PROGRESS`` for ever; the step is idempotent, so a task that was only late
    costs one more run that changes nothing. Returns how many were sent again.
    """
    now = timezone.now()
    delay = timedelta(seconds=settings.IAM_SERVICE_LINKED_ROLE_DELETION_DELAY)
    status = ServiceLinkedRoleDeletion.Status
    with transaction.atomic():
        stalled = list(
            ServiceLinkedRoleDeletion.objects.select_for_update(skip_locked=True)
            .filter(
                status__in=[status.NOT_STARTED, status.IN_PROGRESS],
                updated_at__lt=now - delay - settings.IAM_STALLED_TASK_AFTER,
            )
            .select_related("account")
            .order_by("updated_at")[:batch]
        )
        for deletion in stalled:
            deletion.updated_at = now
            deletion.save(update_fields=["updated_at"])
            outbox.enqueue(DELETION_TASK, deletion.account.account_id, deletion.deletion_task_id)
    return len(stalled)


def _check_region(region: Any) -> str:
    if not isinstance(region, str) or not _REGION_RE.fullmatch(region):
        raise InvalidInput(f"Region {region} is not valid.", field="region")
    return region


def _check_resource_arn(resource_arn: Any) -> str:
    arn = parse_arn(resource_arn) if isinstance(resource_arn, str) and len(resource_arn) <= 2048 else None
    if arn is None:
        raise InvalidInput(f"ARN {resource_arn} is not valid.", field="resource_arn")
    return str(resource_arn)


@transaction.atomic
def register_service_linked_role_usage(
    *, account: Account, role_name: str, region: str, resource_arn: str
) -> ServiceLinkedRoleUsage:
    """Record that a resource uses the service-linked role, so that deleting the role fails (iamconsole's own).

    Registering the same resource twice returns the existing record.
    """
    _check_region(region)
    _check_resource_arn(resource_arn)
    role = _lock_service_linked_role(account, role_name)
    existing = ServiceLinkedRoleUsage.objects.filter(role=role, region=region, resource_arn=resource_arn).first()
    if existing is not None:
        return existing
    usage = ServiceLinkedRoleUsage.objects.create(
        account=account, role=role, region=region, resource_arn=resource_arn, created_at=timezone.now()
    )
    usage.role = role
    return usage


@transaction.atomic
def deregister_service_linked_role_usage(*, account: Account, role_name: str, region: str, resource_arn: str) -> None:
    """Forget that a resource uses the service-linked role; ``NoSuchEntity`` when it was not registered."""
    role = _lock_service_linked_role(account, role_name)
    deleted, _ = ServiceLinkedRoleUsage.objects.filter(role=role, region=region, resource_arn=resource_arn).delete()
    if not deleted:
        raise NoSuchEntity(
            f"The resource {resource_arn} in {region} does not use the role {role.name}.", field="resource_arn"
        )
