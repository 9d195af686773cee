"""DeletePolicy, which must know whether anything in the account still uses the policy."""

from __future__ import annotations

from django.db import transaction

from accounts.models import Account
from iamconsole.errors import DeleteConflict
from identities.models import PolicyAttachment, Role, User
from policies import services as policy_services

__all__ = ["delete_policy"]


@transaction.atomic
def delete_policy(*, account: Account, policy_arn: str) -> None:
    """Delete a customer managed policy (DeletePolicy).

    ``DeleteConflict`` "Cannot delete a policy attached to entities." while a user, group or role has it attached
    or uses it as a permissions boundary; then the policy's own rule (no versions besides the default) applies.
    The policy row is locked first, so the check and the delete see the same attachments.
    """
    policy = policy_services.lock_policy(account=account, policy_arn=policy_arn)
    in_use = (
        PolicyAttachment.objects.filter(policy=policy).exists()
        or User.objects.filter(account=account, permissions_boundary=policy).exists()
        or Role.objects.filter(account=account, permissions_boundary=policy).exists()
    )
    if in_use:
        raise DeleteConflict("Cannot delete a policy attached to entities.", field="policy_arn")
    policy_services.delete_detached_policy(account=account, policy_arn=policy_arn)
