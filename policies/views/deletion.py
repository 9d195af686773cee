"""Deleting a customer managed policy as AWS's console does: once the user has typed the policy's name, detach it
from every user, group and role, delete its versions other than the default, then delete it (DeletePolicy).

Each step is its own operation, run as the signed-in actor (so each is authorized and audited as itself). The first
step that fails stops the deletion: :class:`DeletionStopped` says which steps were done, which failed and which were
not tried, and the page shows it next to the error (a denial names the permission missing).

A policy used as a permissions boundary is not deleted this way: removing a boundary widens what its user or role
may do, so the page asks for that to be done on purpose first, and IAM's DeleteConflict stands until then.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from iamconsole import console
from iamconsole.errors import IamError
from iamconsole.middleware import SignedInRequest

DETACH = {"user": "DetachUserPolicy", "group": "DetachGroupPolicy", "role": "DetachRolePolicy"}
KIND_LABELS = {"user": "user", "group": "user group", "role": "role"}


@dataclass(frozen=True, slots=True)
class Step:
    """One operation of the deletion, and how the page names it."""

    label: str
    operation: str
    params: dict[str, Any]


@dataclass(frozen=True, slots=True)
class DeletionPlan:
    """The steps that delete the policy, in order, and what keeps them from being tried at all."""

    steps: list[Step]
    blockers: list[str] = field(default_factory=list)

    @property
    def preparation(self) -> list[Step]:
        """The steps before DeletePolicy itself: what the dialog warns will happen."""
        return self.steps[:-1]


@dataclass(frozen=True, slots=True)
class DeletionStopped:
    """Where a deletion stopped: the steps done, the one that failed (with its error) and those not tried."""

    done: list[str]
    failed: str
    error: IamError
    pending: list[str]


def plan(
    policy: Any, attached: Iterable[Any] | None, non_default: Sequence[str], *, boundary_count: int
) -> DeletionPlan:
    """The deletion of ``policy``: detach it from the ``attached`` entities (rows with ``kind`` and ``name``; None
    when the actor may not list them), delete the ``non_default`` versions, delete it."""
    arn = policy.arn
    blockers = []
    steps = []
    if attached is None:
        if policy.attachment_count:
            blockers.append(
                f"It is attached to {policy.attachment_count} user(s), group(s) or role(s), and you may not list "
                "them (iam:ListEntitiesForPolicy) to detach it."
            )
    else:
        for row in attached:
            steps.append(
                Step(
                    f"detach it from {KIND_LABELS[row.kind]} {row.name}",
                    DETACH[row.kind],
                    {f"{row.kind}_name": row.name, "policy_arn": arn},
                )
            )
    if boundary_count:
        blockers.append(
            f"It is the permissions boundary of {boundary_count} user(s) or role(s): remove it as their boundary "
            "first (that widens what they may do, so it is not done for you)."
        )
    steps.extend(
        Step(f"delete version {version_id}", "DeletePolicyVersion", {"policy_arn": arn, "version_id": version_id})
        for version_id in non_default
    )
    steps.append(Step(f"delete the policy {policy.name}", "DeletePolicy", {"policy_arn": arn}))
    return DeletionPlan(steps=steps, blockers=blockers)


def carry_out(request: SignedInRequest, deletion: DeletionPlan) -> DeletionStopped | None:
    """Run the steps in order as the signed-in actor; None when all succeeded, else where it stopped."""
    for index, step in enumerate(deletion.steps):
        try:
            console.run(request, step.operation, step.params)
        except IamError as error:
            return DeletionStopped(
                done=[done.label for done in deletion.steps[:index]],
                failed=step.label,
                error=error,
                pending=[later.label for later in deletion.steps[index + 1 :]],
            )
    return None
