"""Reads on service-linked roles: GetServiceLinkedRoleDeletionStatus and the resources registered as using a role."""

from __future__ import annotations

from accounts.models import Account
from iamconsole.errors import InvalidInput, NoSuchEntity
from iamconsole.pagination import Page, paginate
from identities.models import Role, ServiceLinkedRoleDeletion, ServiceLinkedRoleUsage

DELETION_TASK_PREFIX = "task/aws-service-role/"

__all__ = ["get_service_linked_role_deletion_status", "list_service_linked_role_usages"]


def get_service_linked_role_deletion_status(*, account: Account, deletion_task_id: str) -> ServiceLinkedRoleDeletion:
    """The deletion's ``Status`` and, when it ``FAILED``, the reason and the resources that still use the role.

    A string that is not of the form ``task/aws-service-role/<service>/<role>/<uuid>`` is ``InvalidInput``; a
    well-formed id the account never issued is ``NoSuchEntity``.
    """
    parts = deletion_task_id.split("/")
    if len(parts) != 5 or not all(parts) or not deletion_task_id.startswith(DELETION_TASK_PREFIX):
        raise InvalidInput(f"Invalid deletion task id: {deletion_task_id}", field="deletion_task_id")
    deletion = ServiceLinkedRoleDeletion.objects.filter(account=account, deletion_task_id=deletion_task_id).first()
    if deletion is None:
        raise NoSuchEntity(f"Deletion task {deletion_task_id} cannot be found.", field="deletion_task_id")
    return deletion


def list_service_linked_role_usages(
    *, account: Account, role_name: str, marker: str | None = None, max_items: int | None = None
) -> Page[ServiceLinkedRoleUsage]:
    """The resources registered as using the service-linked role, oldest first, one query per page."""
    role = Role.objects.filter(account=account, name__iexact=role_name).exclude(linked_service="").first()
    if role is None:
        raise NoSuchEntity(f"The role with name {role_name} cannot be found.", field="role_name")
    usages = ServiceLinkedRoleUsage.objects.filter(account=account, role=role).select_related("role")
    return paginate(usages, key="pk", marker=marker, max_items=max_items)
