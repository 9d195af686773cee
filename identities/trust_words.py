"""A role's trust policy in words: who may assume the role, with which action, under which conditions.

Presentation only (the console's Roles pages): the policy was validated when it was saved, so anything unexpected
here is shown as it is rather than refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from iamconsole.arn import parse_arn
from identities.statements import as_list, statements_of


@dataclass(frozen=True, slots=True)
class TrustStatement:
    """One statement of a trust policy, in words."""

    allows: bool
    principals: tuple[str, ...]
    actions: tuple[str, ...]
    conditions: tuple[str, ...]


def _aws_principal(value: str) -> str:
    if value == "*":
        return "any AWS principal, in any account"
    if value.isdigit():
        return f"principals of account {value} that their own policies allow"
    arn = parse_arn(value)
    if arn is None:
        return f"the principal {value}"
    resource = arn.resource
    if resource == "root":
        return f"principals of account {arn.account} that their own policies allow"
    kind, _, name = resource.partition("/")
    label = {"user": "IAM user", "role": "role", "assumed-role": "the session", "federated-user": "federated user"}
    shown = name if kind == "assumed-role" else name.rsplit("/", 1)[-1]
    return f"{label.get(kind, kind)} {shown} in account {arn.account}"


def _federated_principal(value: str) -> str:
    arn = parse_arn(value)
    if arn is None:
        return f"web identities from {value}"
    kind, _, name = arn.resource.partition("/")
    if kind == "saml-provider":
        return f"users federated through the SAML provider {name}"
    if kind == "oidc-provider":
        return f"web identities from the OpenID Connect provider {name}"
    return f"users signed in with {value}"


def _principals(principal: Any) -> list[str]:
    if principal == "*":
        return ["anyone (every AWS principal)"]
    if not isinstance(principal, dict):
        return [str(principal)]
    words: list[str] = []
    for kind, values in principal.items():
        for value in as_list(values):
            text = str(value)
            if kind == "AWS":
                words.append(_aws_principal(text))
            elif kind == "Service":
                words.append(f"the AWS service {text}")
            elif kind == "Federated":
                words.append(_federated_principal(text))
            else:
                words.append(f"{kind} {text}")
    return words


def _conditions(block: Any) -> list[str]:
    if not isinstance(block, dict):
        return []
    words = []
    for operator, tests in block.items():
        if not isinstance(tests, dict):
            continue
        for key, values in tests.items():
            shown = ", ".join(f"“{value}”" for value in as_list(values))
            words.append(f"{key} {operator} {shown}")
    return words


def describe_trust_policy(document: str) -> list[TrustStatement]:
    """Each statement of ``document`` in words; an empty list when it cannot be read."""
    statements = []
    for statement in statements_of(document):
        principals = _principals(statement.get("Principal"))
        if "NotPrincipal" in statement:
            principals = [f"everyone except {who}" for who in _principals(statement["NotPrincipal"])]
        statements.append(
            TrustStatement(
                allows=statement.get("Effect") == "Allow",
                principals=tuple(principals),
                actions=tuple(str(action) for action in as_list(statement.get("Action"))),
                conditions=tuple(_conditions(statement.get("Condition"))),
            )
        )
    return statements


def trusted_entities(document: str) -> list[str]:
    """The short "trusted entities" of the Roles list: ``AWS service: ec2``, ``Identity provider: X``."""
    entities: list[str] = []
    for statement in statements_of(document):
        if statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal")
        if principal == "*":
            entities.append("Anyone")
            continue
        if not isinstance(principal, dict):
            continue
        for kind, values in principal.items():
            for value in as_list(values):
                text = str(value)
                if kind == "Service":
                    entities.append(f"AWS service: {text.removesuffix('.amazonaws.com')}")
                elif kind == "Federated":
                    entities.append(
                        f"Identity provider: {text.rsplit('/', 1)[-1] if text.startswith('arn:') else text}"
                    )
                elif kind == "AWS":
                    arn = parse_arn(text)
                    entities.append(f"Account: {arn.account if arn else text}")
    return sorted(set(entities), key=entities.index)


def allows_aws_principals(document: str) -> bool:
    """Whether an AWS account or IAM principal may assume the role (the switch-role link is for those only)."""
    return any(entity.startswith("Account: ") for entity in trusted_entities(document))
