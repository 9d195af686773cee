"""Building and parsing ARNs, as AWS forms them for IAM and STS.

IAM ARNs put the entity path between the resource type and the name (``arn:aws:iam::123456789012:user/eng/alice``);
STS session ARNs never carry the role's path (``arn:aws:sts::123456789012:assumed-role/Admin/alice``).
"""

from __future__ import annotations

from dataclasses import dataclass

PARTITION = "aws"
#: The account that owns AWS managed policies in their ARNs (``arn:aws:iam::aws:policy/ReadOnlyAccess``).
AWS_ACCOUNT = "aws"


@dataclass(frozen=True, slots=True)
class Arn:
    """An ARN split into its six fields; ``resource`` keeps any ``/`` and ``:`` it holds."""

    partition: str
    service: str
    region: str
    account: str
    resource: str

    def __str__(self) -> str:
        return f"arn:{self.partition}:{self.service}:{self.region}:{self.account}:{self.resource}"

    @property
    def resource_type(self) -> str:
        """The part of the resource before the first ``/`` (``user``, ``role``, ``policy``…)."""
        return self.resource.split("/", 1)[0]

    @property
    def resource_name(self) -> str:
        """The last ``/``-separated part of the resource (an entity's name)."""
        return self.resource.rsplit("/", 1)[-1]

    @property
    def path(self) -> str:
        """The IAM path of the entity (``/`` when it has none)."""
        parts = self.resource.split("/")
        return "/" + "".join(part + "/" for part in parts[1:-1]) if len(parts) > 2 else "/"


def parse_arn(text: str) -> Arn | None:
    """Split an ARN into its fields, or return None when it is not one."""
    parts = text.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or not parts[1] or not parts[2] or not parts[5]:
        return None
    return Arn(parts[1], parts[2], parts[3], parts[4], parts[5])


def iam_arn(account_id: str, resource_type: str, name: str, path: str = "/") -> str:
    """The ARN of an IAM entity: ``arn:aws:iam::ACCOUNT:TYPE/PATH/NAME`` (the path has leading and trailing ``/``)."""
    return f"arn:{PARTITION}:iam::{account_id}:{resource_type}{path}{name}"


def root_arn(account_id: str) -> str:
    """The ARN of an account's root user."""
    return f"arn:{PARTITION}:iam::{account_id}:root"


def assumed_role_arn(account_id: str, role_name: str, session_name: str) -> str:
    """The ARN of a role session, without the role's path, as STS returns it."""
    return f"arn:{PARTITION}:sts::{account_id}:assumed-role/{role_name}/{session_name}"


def federated_user_arn(account_id: str, name: str) -> str:
    """The ARN of a federated user session (GetFederationToken)."""
    return f"arn:{PARTITION}:sts::{account_id}:federated-user/{name}"


#: Every AWS managed policy's ARN starts so; such a policy is never an account's own.
AWS_MANAGED_POLICY_ARN_PREFIX = f"arn:{PARTITION}:iam::{AWS_ACCOUNT}:policy/"


def is_aws_managed_policy_arn(arn: str) -> bool:
    """Whether ``arn`` lies in AWS's managed-policy namespace: writes to it fail whether or not the policy exists."""
    return arn.startswith(AWS_MANAGED_POLICY_ARN_PREFIX)


def aws_managed_policy_arn(name: str, path: str = "/") -> str:
    """The ARN of an AWS managed policy."""
    return f"arn:{PARTITION}:iam::{AWS_ACCOUNT}:policy{path}{name}"
