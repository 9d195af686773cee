"""The trust policies the create role wizard writes for each kind of trusted entity (pure Python, no Django).

The shapes are the ones AWS's console produces: a service principal, an account (with ``sts:ExternalId`` and
``aws:MultiFactorAuthPresent`` conditions when asked), a web identity provider (its audience key, and for GitHub's
provider a ``sub`` pattern), a SAML provider (``SAML:aud`` for console sign-in). CreateRole validates what comes out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

VERSION = "2012-10-17"
#: The audience a SAML assertion carries for console sign-in (what IdPs are configured with; our /saml accepts it).
SAML_CONSOLE_AUDIENCE = "https://signin.aws.amazon.com/saml"
GITHUB_HOST = "token.actions.githubusercontent.com"


@dataclass(frozen=True, slots=True)
class WellKnownProvider:
    """A web identity provider every account may trust without registering it: the principal, and the key its
    application id or audience is checked under."""

    key: str
    label: str
    principal: str
    audience_key: str
    audience_label: str


WELL_KNOWN_PROVIDERS = (
    WellKnownProvider(
        "cognito",
        "Amazon Cognito",
        "cognito-identity.amazonaws.com",
        "cognito-identity.amazonaws.com:aud",
        "Identity pool ID",
    ),
    WellKnownProvider("amazon", "Login with Amazon", "www.amazon.com", "www.amazon.com:app_id", "Application ID"),
    WellKnownProvider("facebook", "Facebook", "graph.facebook.com", "graph.facebook.com:app_id", "Application ID"),
    WellKnownProvider("google", "Google", "accounts.google.com", "accounts.google.com:aud", "Audience"),
)


def _document(statement: dict[str, Any]) -> dict[str, Any]:
    return {"Version": VERSION, "Statement": [statement]}


def service_trust(service_principal: str) -> dict[str, Any]:
    return _document({"Effect": "Allow", "Principal": {"Service": [service_principal]}, "Action": ["sts:AssumeRole"]})


def account_trust(account_id: str, *, external_id: str | None = None, require_mfa: bool = False) -> dict[str, Any]:
    condition: dict[str, Any] = {}
    if external_id:
        condition["StringEquals"] = {"sts:ExternalId": external_id}
    if require_mfa:
        condition["Bool"] = {"aws:MultiFactorAuthPresent": "true"}
    return _document(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
            "Action": "sts:AssumeRole",
            "Condition": condition,
        }
    )


def web_identity_trust(
    principal: str, audience_key: str, audience: str, *, github_sub: str | None = None, cognito_amr: str = ""
) -> dict[str, Any]:
    condition: dict[str, Any] = {"StringEquals": {audience_key: audience}}
    if cognito_amr:
        # Cognito says in ``amr`` whether the identity signed in: a role for one kind of identity checks it.
        condition["ForAnyValue:StringLike"] = {"cognito-identity.amazonaws.com:amr": cognito_amr}
    if github_sub:
        condition["StringLike"] = {f"{GITHUB_HOST}:sub": github_sub}
    return _document(
        {
            "Effect": "Allow",
            "Principal": {"Federated": principal},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": condition,
        }
    )


def github_sub(organization: str, repository: str = "", branch: str = "") -> str:
    """GitHub's ``sub`` pattern: any repository of the organization, one repository, or one branch of it."""
    if not repository:
        return f"repo:{organization}/*"
    if not branch:
        return f"repo:{organization}/{repository}:*"
    return f"repo:{organization}/{repository}:ref:refs/heads/{branch}"


def saml_trust(provider_arn: str, *, console: bool, attribute: str = "", value: str = "") -> dict[str, Any]:
    """Console access always checks ``SAML:aud``; programmatic-only access checks the chosen attribute instead."""
    condition = {"StringEquals": {"SAML:aud": SAML_CONSOLE_AUDIENCE} if console else {attribute: value}}
    return _document(
        {
            "Effect": "Allow",
            "Principal": {"Federated": provider_arn},
            "Action": "sts:AssumeRoleWithSAML",
            "Condition": condition,
        }
    )


@dataclass(frozen=True, slots=True)
class ServiceUseCase:
    """A service and one of its use cases, and the service principal the role then trusts."""

    service: str
    use_case: str
    principal: str


#: The use cases the wizard offers by name; any other ``*.amazonaws.com`` principal may be typed.
SERVICE_USE_CASES = (
    ServiceUseCase("EC2", "Allows EC2 instances to call AWS services", "ec2.amazonaws.com"),
    ServiceUseCase("EC2", "Spot Fleet requests instances and tags them", "spotfleet.amazonaws.com"),
    ServiceUseCase("Lambda", "Allows Lambda functions to call AWS services", "lambda.amazonaws.com"),
    ServiceUseCase("Elastic Container Service", "Tasks call AWS services", "ecs-tasks.amazonaws.com"),
    ServiceUseCase("EKS", "Clusters manage resources for you", "eks.amazonaws.com"),
    ServiceUseCase("Step Functions", "State machines call AWS services", "states.amazonaws.com"),
    ServiceUseCase("Glue", "Jobs and crawlers call AWS services", "glue.amazonaws.com"),
    ServiceUseCase("SageMaker", "Notebooks, training and hosting call AWS services", "sagemaker.amazonaws.com"),
    ServiceUseCase("CodeBuild", "Builds call AWS services", "codebuild.amazonaws.com"),
    ServiceUseCase("CloudFormation", "Stacks create resources for you", "cloudformation.amazonaws.com"),
    ServiceUseCase("EventBridge", "Rules invoke targets", "events.amazonaws.com"),
)

#: Where the custom trust policy starts: an empty principal, which the author must fill in.
CUSTOM_SKELETON = _document({"Sid": "Statement1", "Effect": "Allow", "Principal": {}, "Action": "sts:AssumeRole"})

#: The SAML attributes a programmatic-only role may check (AWS's console offers these).
SAML_ATTRIBUTES = ("SAML:aud", "SAML:iss", "SAML:sub", "SAML:sub_type", "SAML:edupersonorgdn")


def pretty(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=4)
