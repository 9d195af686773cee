"""Build ``identities/data/service_linked_roles.json``, the catalogue for CreateServiceLinkedRole.

Each AWS service that uses a service-linked role gives it a fixed name (``AWSServiceRoleFor...``),
the path ``/aws-service-role/<service principal>/``, a trust policy naming that principal, and
one or more AWS managed policies from ``/aws-service-role/`` that only it may attach. A few
services (EC2 Auto Scaling, Elastic Beanstalk, Lex V2) accept ``CustomSuffix`` and name the role
``<name>_<suffix>``; the others answer ``InvalidInput``.

``SERVICES`` below records, per service principal, AWS's role name, the managed policy names and
whether a suffix is accepted, as documented in each service's "Using service-linked roles" page.
The script resolves each policy name to its ARN through the managed-policy catalogue
(``policies/data/aws_managed_policies.json.gz``) and refuses to write if one is missing or not
under ``/aws-service-role/``, so the two data files cannot drift apart:

    .venv/bin/python scripts/build_service_linked_roles.py

AWS does not document the description it gives a role created without one, so ``description``
stays null; CreateServiceLinkedRole then stores the caller's ``Description`` or none.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "identities" / "data" / "service_linked_roles.json"


class Service(NamedTuple):
    """AWS's facts for one service principal's service-linked role."""

    role_name: str
    policy_names: tuple[str, ...]
    custom_suffix_allowed: bool = False


SERVICES: dict[str, Service] = {
    "access-analyzer.amazonaws.com": Service("AWSServiceRoleForAccessAnalyzer", ("AccessAnalyzerServiceRolePolicy",)),
    "acm.amazonaws.com": Service("AWSServiceRoleForCertificateManager", ("CertificateManagerServiceRolePolicy",)),
    "apigateway.amazonaws.com": Service("AWSServiceRoleForAPIGateway", ("APIGatewayServiceRolePolicy",)),
    "autoscaling.amazonaws.com": Service("AWSServiceRoleForAutoScaling", ("AutoScalingServiceRolePolicy",), True),
    "backup.amazonaws.com": Service("AWSServiceRoleForBackup", ("AWSBackupServiceLinkedRolePolicyForBackup",)),
    "cks.kms.amazonaws.com": Service(
        "AWSServiceRoleForKeyManagementServiceCustomKeyStores",
        ("AWSKeyManagementServiceCustomKeyStoresServiceRolePolicy",),
    ),
    "cloudtrail.amazonaws.com": Service("AWSServiceRoleForCloudTrail", ("CloudTrailServiceRolePolicy",)),
    "config.amazonaws.com": Service("AWSServiceRoleForConfig", ("AWSConfigServiceRolePolicy",)),
    "dax.amazonaws.com": Service("AWSServiceRoleForDAX", ("DAXServiceRolePolicy",)),
    "dynamodb.application-autoscaling.amazonaws.com": Service(
        "AWSServiceRoleForApplicationAutoScaling_DynamoDBTable",
        ("AWSApplicationAutoscalingDynamoDBTablePolicy",),
    ),
    "ec2fleet.amazonaws.com": Service("AWSServiceRoleForEC2Fleet", ("AWSEC2FleetServiceRolePolicy",)),
    "ecs.amazonaws.com": Service("AWSServiceRoleForECS", ("AmazonECSServiceRolePolicy",)),
    "ecs.application-autoscaling.amazonaws.com": Service(
        "AWSServiceRoleForApplicationAutoScaling_ECSService",
        ("AWSApplicationAutoscalingECSServicePolicy",),
    ),
    "eks.amazonaws.com": Service("AWSServiceRoleForAmazonEKS", ("AmazonEKSServiceRolePolicy",)),
    "eks-fargate.amazonaws.com": Service(
        "AWSServiceRoleForAmazonEKSForFargate", ("AmazonEKSForFargateServiceRolePolicy",)
    ),
    "eks-nodegroup.amazonaws.com": Service(
        "AWSServiceRoleForAmazonEKSNodegroup", ("AWSServiceRoleForAmazonEKSNodegroup",)
    ),
    "elasticache.amazonaws.com": Service("AWSServiceRoleForElastiCache", ("ElastiCacheServiceRolePolicy",)),
    "elasticbeanstalk.amazonaws.com": Service(
        "AWSServiceRoleForElasticBeanstalk", ("AWSElasticBeanstalkServiceRolePolicy",), True
    ),
    "elasticfilesystem.amazonaws.com": Service(
        "AWSServiceRoleForAmazonElasticFileSystem", ("AmazonElasticFileSystemServiceRolePolicy",)
    ),
    "elasticloadbalancing.amazonaws.com": Service(
        "AWSServiceRoleForElasticLoadBalancing", ("AWSElasticLoadBalancingServiceRolePolicy",)
    ),
    "elasticmapreduce.amazonaws.com": Service("AWSServiceRoleForEMRCleanup", ("AmazonEMRCleanupPolicy",)),
    "events.amazonaws.com": Service("AWSServiceRoleForCloudWatchEvents", ("CloudWatchEventsServiceRolePolicy",)),
    "fsx.amazonaws.com": Service("AWSServiceRoleForAmazonFSx", ("AmazonFSxServiceRolePolicy",)),
    "guardduty.amazonaws.com": Service("AWSServiceRoleForAmazonGuardDuty", ("AmazonGuardDutyServiceRolePolicy",)),
    "inspector2.amazonaws.com": Service("AWSServiceRoleForAmazonInspector2", ("AmazonInspector2ServiceRolePolicy",)),
    "kafka.amazonaws.com": Service("AWSServiceRoleForKafka", ("KafkaServiceRolePolicy",)),
    "lex.amazonaws.com": Service("AWSServiceRoleForLexBots", ("LexBotPolicy",)),
    "lexv2.amazonaws.com": Service("AWSServiceRoleForLexV2Bots", ("AmazonLexV2BotPolicy",), True),
    "logger.cloudfront.amazonaws.com": Service("AWSServiceRoleForCloudFrontLogger", ("AWSCloudFrontLogger",)),
    "macie.amazonaws.com": Service("AWSServiceRoleForAmazonMacie", ("AmazonMacieServiceRolePolicy",)),
    "mrk.kms.amazonaws.com": Service(
        "AWSServiceRoleForKeyManagementServiceMultiRegionKeys",
        ("AWSKeyManagementServiceMultiRegionKeysServiceRolePolicy",),
    ),
    "opensearchservice.amazonaws.com": Service(
        "AWSServiceRoleForAmazonOpenSearchService", ("AmazonOpenSearchServiceRolePolicy",)
    ),
    "organizations.amazonaws.com": Service("AWSServiceRoleForOrganizations", ("AWSOrganizationsServiceTrustPolicy",)),
    "rds.amazonaws.com": Service("AWSServiceRoleForRDS", ("AmazonRDSServiceRolePolicy",)),
    "redshift.amazonaws.com": Service("AWSServiceRoleForRedshift", ("AmazonRedshiftServiceLinkedRolePolicy",)),
    "replicator.lambda.amazonaws.com": Service("AWSServiceRoleForLambdaReplicator", ("AWSLambdaReplicator",)),
    "securityhub.amazonaws.com": Service("AWSServiceRoleForSecurityHub", ("AWSSecurityHubServiceRolePolicy",)),
    "servicequotas.amazonaws.com": Service("AWSServiceRoleForServiceQuotas", ("ServiceQuotasServiceRolePolicy",)),
    "spot.amazonaws.com": Service("AWSServiceRoleForEC2Spot", ("AWSEC2SpotServiceRolePolicy",)),
    "spotfleet.amazonaws.com": Service("AWSServiceRoleForEC2SpotFleet", ("AWSEC2SpotFleetServiceRolePolicy",)),
    "ssm.amazonaws.com": Service("AWSServiceRoleForAmazonSSM", ("AmazonSSMServiceRolePolicy",)),
    "sso.amazonaws.com": Service("AWSServiceRoleForSSO", ("AWSSSOServiceRolePolicy",)),
    "support.amazonaws.com": Service("AWSServiceRoleForSupport", ("AWSSupportServiceRolePolicy",)),
    "transitgateway.amazonaws.com": Service(
        "AWSServiceRoleForVPCTransitGateway", ("AWSVPCTransitGatewayServiceRolePolicy",)
    ),
    "trustedadvisor.amazonaws.com": Service("AWSServiceRoleForTrustedAdvisor", ("AWSTrustedAdvisorServiceRolePolicy",)),
}


def build() -> list[dict[str, object]]:
    """Resolve each service's policies through the managed-policy catalogue, by principal."""
    # Run as a script, the repository root is not on the path until now.
    sys.path.insert(0, str(ROOT))
    from policies import aws_managed

    entries: list[dict[str, object]] = []
    for principal, service in sorted(SERVICES.items()):
        arns = []
        for name in service.policy_names:
            policy = aws_managed.get_by_name(name)
            if policy is None or policy.path != aws_managed.SERVICE_LINKED_ROLE_POLICY_PATH:
                raise SystemExit(f"{principal}: no AWS managed policy {name} under /aws-service-role/")
            arns.append(policy.arn)
        entries.append(
            {
                "service_principal": principal,
                "role_name": service.role_name,
                "path": f"/aws-service-role/{principal}/",
                "managed_policy_arns": arns,
                "description": None,
                "custom_suffix_allowed": service.custom_suffix_allowed,
            }
        )
    return entries


def main(argv: list[str] | None = None) -> int:
    """Write the catalogue as stable, indented JSON."""
    parser = argparse.ArgumentParser(description="Build the service-linked role catalogue.")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    entries = build()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps({"service_linked_roles": entries}, indent=2) + "\n")
    print(f"{len(entries)} service-linked roles -> {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
