"""The services CreateServiceLinkedRole knows (``identities/data/service_linked_roles.json``).

AWS names each service-linked role itself (``AWSServiceRoleForElasticBeanstalk``), puts it under
``/aws-service-role/<service principal>/``, trusts only that service principal, and attaches the
AWS managed policies the service chose. ``CustomSuffix`` is accepted by a few services only and
makes the name ``<name>_<suffix>``. This module is pure Python (no Django) and loads the file
once, on first use; ``scripts/build_service_linked_roles.py`` rebuilds it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).resolve().parent / "data" / "service_linked_roles.json"


@dataclass(frozen=True, slots=True)
class ServiceLinkedRoleSpec:
    """What AWS creates for one service principal's service-linked role.

    ``description`` is AWS's default description where known, else None (the role then carries
    the caller's ``Description``, or none).
    """

    service_principal: str
    role_name: str
    path: str
    managed_policy_arns: tuple[str, ...]
    description: str | None
    custom_suffix_allowed: bool

    @property
    def trust_policy(self) -> dict[str, Any]:
        """The role's trust policy, as AWS writes it: only the service principal may assume it."""
        return {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": self.service_principal},
                    "Action": "sts:AssumeRole",
                }
            ],
        }


def _spec(entry: Mapping[str, Any]) -> ServiceLinkedRoleSpec:
    return ServiceLinkedRoleSpec(
        service_principal=entry["service_principal"],
        role_name=entry["role_name"],
        path=entry["path"],
        managed_policy_arns=tuple(entry["managed_policy_arns"]),
        description=entry["description"],
        custom_suffix_allowed=entry["custom_suffix_allowed"],
    )


@cache
def _specs_by_principal() -> Mapping[str, ServiceLinkedRoleSpec]:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    specs = sorted(
        (_spec(entry) for entry in data["service_linked_roles"]),
        key=lambda spec: spec.service_principal,
    )
    return {spec.service_principal: spec for spec in specs}


def all_specs() -> Sequence[ServiceLinkedRoleSpec]:
    """Every known service-linked role, sorted by service principal."""
    return tuple(_specs_by_principal().values())


def get_spec(service_principal: str) -> ServiceLinkedRoleSpec | None:
    """The spec for ``AWSServiceName``, matched exactly (AWS: principals are case-sensitive)."""
    return _specs_by_principal().get(service_principal)


def role_name_for(spec: ServiceLinkedRoleSpec, custom_suffix: str | None) -> str:
    """The role name CreateServiceLinkedRole gives: ``role_name``, or ``role_name_SUFFIX``.

    Callers answer ``InvalidInput`` themselves when a suffix is given to a service that does not
    accept one (``spec.custom_suffix_allowed`` is false); passing one here anyway is a bug.
    """
    if custom_suffix is None:
        return spec.role_name
    if not spec.custom_suffix_allowed:
        raise ValueError(f"{spec.service_principal} does not accept a custom suffix")
    return f"{spec.role_name}_{custom_suffix}"


def custom_suffix_not_allowed_message(spec: ServiceLinkedRoleSpec) -> str:
    """AWS's ``InvalidInput`` message when ``CustomSuffix`` is given to a service refusing it."""
    return f"Custom suffix is not allowed for {spec.service_principal}"


def role_name_taken_message(role_name: str) -> str:
    """AWS's ``InvalidInput`` message when the service-linked role's name already exists.

    AWS answers ``InvalidInput`` here, not ``EntityAlreadyExists``.
    """
    return f"Service role name {role_name} has been taken in this account, please try a different suffix."
