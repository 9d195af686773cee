"""The service-linked role catalogue: AWS's names, paths, trust policies, policies, suffixes."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from identities import service_linked_catalog as catalog
from policies import aws_managed

ROOT = Path(__file__).resolve().parents[2]

# (service principal, AWS's role name, the managed policy AWS attaches), from the services' docs.
KNOWN = [
    (
        "elasticbeanstalk.amazonaws.com",
        "AWSServiceRoleForElasticBeanstalk",
        "AWSElasticBeanstalkServiceRolePolicy",
    ),
    ("autoscaling.amazonaws.com", "AWSServiceRoleForAutoScaling", "AutoScalingServiceRolePolicy"),
    ("ecs.amazonaws.com", "AWSServiceRoleForECS", "AmazonECSServiceRolePolicy"),
    ("rds.amazonaws.com", "AWSServiceRoleForRDS", "AmazonRDSServiceRolePolicy"),
    (
        "elasticloadbalancing.amazonaws.com",
        "AWSServiceRoleForElasticLoadBalancing",
        "AWSElasticLoadBalancingServiceRolePolicy",
    ),
    ("lex.amazonaws.com", "AWSServiceRoleForLexBots", "LexBotPolicy"),
    (
        "organizations.amazonaws.com",
        "AWSServiceRoleForOrganizations",
        "AWSOrganizationsServiceTrustPolicy",
    ),
]


def test_catalogue_covers_at_least_25_services_sorted_by_principal() -> None:
    specs = catalog.all_specs()
    assert len(specs) >= 25
    principals = [spec.service_principal for spec in specs]
    assert principals == sorted(principals)
    assert len(set(principals)) == len(principals)
    assert len({spec.role_name for spec in specs}) == len(specs)


@pytest.mark.parametrize(("principal", "role_name", "policy_name"), KNOWN)
def test_known_services_have_aws_names_paths_and_policies(principal: str, role_name: str, policy_name: str) -> None:
    spec = catalog.get_spec(principal)
    assert spec is not None
    assert spec.role_name == role_name
    assert spec.path == f"/aws-service-role/{principal}/"
    assert spec.managed_policy_arns == (f"arn:aws:iam::aws:policy/aws-service-role/{policy_name}",)


def test_every_spec_is_shaped_as_aws_creates_it() -> None:
    for spec in catalog.all_specs():
        assert re.fullmatch(r"[a-z0-9.-]+\.amazonaws\.com", spec.service_principal), spec
        assert spec.role_name.startswith("AWSServiceRoleFor"), spec
        assert len(spec.role_name) <= 64, spec
        assert spec.path == f"/aws-service-role/{spec.service_principal}/"
        assert spec.managed_policy_arns, spec


def test_every_attached_policy_is_a_service_linked_aws_managed_policy() -> None:
    for spec in catalog.all_specs():
        for arn in spec.managed_policy_arns:
            policy = aws_managed.get_by_arn(arn)
            assert policy is not None, (spec.service_principal, arn)
            assert policy.path == "/aws-service-role/", arn
            assert not policy.is_attachable, arn


def test_trust_policy_lets_only_the_service_assume_the_role() -> None:
    spec = catalog.get_spec("elasticbeanstalk.amazonaws.com")
    assert spec is not None
    assert spec.trust_policy == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "elasticbeanstalk.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    spec.trust_policy["Statement"].clear()
    assert spec.trust_policy["Statement"]


def test_principals_are_matched_exactly() -> None:
    assert catalog.get_spec("ECS.amazonaws.com") is None
    assert catalog.get_spec("ecs") is None
    assert catalog.get_spec("nosuchservice.amazonaws.com") is None


@pytest.mark.parametrize(
    "principal",
    ["autoscaling.amazonaws.com", "elasticbeanstalk.amazonaws.com", "lexv2.amazonaws.com"],
)
def test_services_that_accept_a_custom_suffix(principal: str) -> None:
    spec = catalog.get_spec(principal)
    assert spec is not None
    assert spec.custom_suffix_allowed
    assert catalog.role_name_for(spec, None) == spec.role_name
    assert catalog.role_name_for(spec, "prod-1") == f"{spec.role_name}_prod-1"


def test_most_services_refuse_a_custom_suffix() -> None:
    specs = catalog.all_specs()
    refusing = [spec for spec in specs if not spec.custom_suffix_allowed]
    assert len(refusing) > len(specs) // 2
    ecs = catalog.get_spec("ecs.amazonaws.com")
    assert ecs is not None
    assert not ecs.custom_suffix_allowed
    assert catalog.role_name_for(ecs, None) == "AWSServiceRoleForECS"
    with pytest.raises(ValueError, match=r"ecs\.amazonaws\.com"):
        catalog.role_name_for(ecs, "x")
    assert catalog.custom_suffix_not_allowed_message(ecs) == "Custom suffix is not allowed for ecs.amazonaws.com"


def test_role_name_taken_message_is_aws_wording() -> None:
    assert catalog.role_name_taken_message("AWSServiceRoleForECS") == (
        "Service role name AWSServiceRoleForECS has been taken in this account, please try a different suffix."
    )


def test_specs_are_immutable_and_loaded_once() -> None:
    spec = catalog.all_specs()[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.role_name = "Other"  # type: ignore[misc]
    assert catalog.get_spec(spec.service_principal) is spec


def test_committed_file_matches_the_build_script(tmp_path: Path) -> None:
    path = ROOT / "scripts" / "build_service_linked_roles.py"
    spec = importlib.util.spec_from_file_location("build_service_linked_roles", path)
    assert spec is not None
    assert spec.loader is not None
    module: ModuleType = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    output = tmp_path / "roles.json"
    assert module.main(["--output", str(output)]) == 0
    assert json.loads(output.read_text()) == json.loads(catalog.DATA_FILE.read_text())
