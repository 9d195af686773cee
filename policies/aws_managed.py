"""The catalogue of AWS managed policies, read from ``policies/data/aws_managed_policies.json.gz``.

AWS managed policies live under ``arn:aws:iam::aws:policy/`` and are the same in every account:
callers can read and attach them (except those under ``/aws-service-role/``, which AWS keeps for
service-linked roles and refuses with ``PolicyNotAttachable``), never edit or delete them. This
module is pure Python (no Django), loads the data file once on first use and keeps it in memory;
``scripts/build_aws_managed_policies.py`` rebuilds the file.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

DATA_FILE = Path(__file__).resolve().parent / "data" / "aws_managed_policies.json.gz"
SERVICE_LINKED_ROLE_POLICY_PATH = "/aws-service-role/"


@dataclass(frozen=True, slots=True)
class AwsManagedPolicy:
    """One AWS managed policy as IAM's ``GetPolicy`` describes it, with its default document.

    ``description`` is None where AWS's text is not in the catalogue (GetPolicy then omits
    ``Description``). The document is kept as compact JSON text so the record stays immutable
    and hashable; ``document`` parses a fresh copy.
    """

    policy_name: str
    policy_id: str
    arn: str
    path: str
    default_version_id: str
    description: str | None
    create_date: datetime
    update_date: datetime
    is_attachable: bool
    document_json: str = field(repr=False)

    @property
    def document(self) -> dict[str, Any]:
        """The default version's policy document, as a new dict on every call."""
        document: dict[str, Any] = json.loads(self.document_json)
        return document


class _Catalogue(NamedTuple):
    ordered: tuple[AwsManagedPolicy, ...]
    by_arn: Mapping[str, AwsManagedPolicy]
    by_name: Mapping[str, AwsManagedPolicy]


def _policy(entry: Mapping[str, Any]) -> AwsManagedPolicy:
    return AwsManagedPolicy(
        policy_name=entry["PolicyName"],
        policy_id=entry["PolicyId"],
        arn=entry["Arn"],
        path=entry["Path"],
        default_version_id=entry["DefaultVersionId"],
        description=entry["Description"],
        create_date=datetime.fromisoformat(entry["CreateDate"]),
        update_date=datetime.fromisoformat(entry["UpdateDate"]),
        is_attachable=entry["IsAttachable"],
        document_json=json.dumps(entry["Document"], separators=(",", ":"), ensure_ascii=False),
    )


@cache
def _catalogue() -> _Catalogue:
    with gzip.open(DATA_FILE, "rt", encoding="utf-8") as stream:
        data = json.load(stream)
    ordered = tuple(sorted((_policy(entry) for entry in data["policies"]), key=lambda p: p.policy_name))
    return _Catalogue(
        ordered=ordered,
        by_arn={policy.arn: policy for policy in ordered},
        by_name={policy.policy_name: policy for policy in ordered},
    )


def all_policies() -> Sequence[AwsManagedPolicy]:
    """Every AWS managed policy, sorted by name (``ListPolicies`` with ``Scope=AWS``)."""
    return _catalogue().ordered


def get_by_arn(arn: str) -> AwsManagedPolicy | None:
    """The AWS managed policy with exactly this ARN (ARNs are case-sensitive), or None."""
    return _catalogue().by_arn.get(arn)


def get_by_name(name: str) -> AwsManagedPolicy | None:
    """The AWS managed policy named exactly ``name`` (names are unique across paths), or None."""
    return _catalogue().by_name.get(name)
