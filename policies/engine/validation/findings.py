"""Findings and the table of checks, named and typed as IAM Access Analyzer's check reference.

Each entry of :data:`CHECKS` is one check of the "IAM policy validation check reference"
(``access-analyzer-reference-policy-checks``): its issue code, its finding type and its
``findingDetails`` message. Where the reference's message names the offending value (the
action, the key, the service…), the template has a placeholder for it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Final, Literal

__all__ = ["CHECKS", "ERROR", "SECURITY_WARNING", "SUGGESTION", "WARNING", "Finding", "FindingType"]

FindingType = Literal["ERROR", "SECURITY_WARNING", "WARNING", "SUGGESTION"]
ERROR: Final = "ERROR"
SECURITY_WARNING: Final = "SECURITY_WARNING"
WARNING: Final = "WARNING"  # "General Warning" in the console
SUGGESTION: Final = "SUGGESTION"


@dataclass(frozen=True, slots=True)
class Finding:
    """One validation finding at a span of the policy text.

    Mirrors a ``ValidatePolicyFinding`` of IAM Access Analyzer: ``type`` is its
    ``findingType``, ``code`` its ``issueCode``, ``message`` its ``findingDetails`` and the
    location its first ``locations[]`` entry. ``path`` is a JSON path such as
    ``$.Statement[0].Action[1]``. Lines and columns are 1-based and count characters; the end
    is exclusive (the column just after the last character), as editors take ranges.
    """

    type: FindingType
    code: str
    message: str
    path: str
    line: int
    column: int
    end_line: int
    end_column: int

    def to_dict(self) -> dict[str, str | int]:
        """The finding as the JSON output and the APIs render it."""
        return asdict(self)


_SIZE_ADVICE = "We recommend that you use multiple granular policies."
_ROLE_ARN_ADVICE = (
    "We recommend that you specify resource ARNs or add the iam:PassedToService condition key to your statement."
)
_SLR_ADVICE = "We recommend that you specify resource ARNs instead."
_TAG_ADVICE = "We recommend that you move these actions to a different statement without this condition key."

CHECKS: Final[dict[str, tuple[FindingType, str]]] = {
    # -- errors -------------------------------------------------------------------------------
    "JSON_SYNTAX_ERROR": (ERROR, "Fix the JSON syntax error at index {offset} line {line} column {column}."),
    "DATA_TYPE_MISMATCH": (ERROR, "The text does not match the expected JSON data type {expected}."),
    "INVALID_POLICY_ELEMENT": (ERROR, "The policy element {element} is not valid."),
    "INVALID_VERSION": (
        ERROR,
        "The version {version} is not valid. Use one of the following versions: 2012-10-17, 2008-10-17",
    ),
    "MISSING_STATEMENT": (ERROR, "Add a statement to the policy"),
    "MISSING_EFFECT": (ERROR, "Add an Effect element to the policy statement with a value of Allow or Deny."),
    "INVALID_EFFECT": (ERROR, "The effect {effect} is not valid. Use Allow or Deny."),
    "MISSING_ACTION": (ERROR, "Add an Action or NotAction element to the policy statement."),
    "MISSING_RESOURCE": (ERROR, "Add a Resource or NotResource element to the policy statement."),
    "MISSING_PRINCIPAL": (ERROR, "Add a Principal element to the policy statement."),
    "UNSUPPORTED_PRINCIPAL": (
        ERROR,
        "The policy type does not support the Principal element. Remove the Principal element.",
    ),
    "UNSUPPORTED_ELEMENT_COMBINATION": (
        ERROR,
        "The policy elements {first} and {second} can not be used in the same statement. Remove one of these elements.",
    ),
    "UNIQUE_SIDS_REQUIRED": (
        ERROR,
        "Duplicate statement IDs are not supported for this policy type. Update the Sid value.",
    ),
    "UNSUPPORTED_SID": (
        ERROR,
        "Update the characters in the Sid element to use one of the following character types: [a-z, A-Z, 0-9]",
    ),
    "INVALID_SERVICE_IN_ACTION": (ERROR, "The service {service} specified in the action does not exist.{hint}"),
    "INVALID_ACTION": (ERROR, "The action {action} does not exist.{hint}"),
    "INVALID_ARN_PREFIX": (ERROR, "Add the required prefix (arn) to the resource ARN."),
    "MISSING_ARN_FIELD": (
        ERROR,
        "Resource ARNs must include at least fields in the following structure: "
        "arn:partition:service:region:account:resource",
    ),
    "INVALID_PARTITION": (
        ERROR,
        "The resource ARN for the service does not support the partition {partition}. "
        "Use the supported values: {supported}",
    ),
    "INVALID_ARN_SERVICE_CASE": (
        ERROR,
        "Update the service name {service} in the resource ARN to use all lowercase letters.",
    ),
    "INVALID_ARN_ACCOUNT": (
        ERROR,
        "The resource ARN account ID {account} is not valid. Provide a 12-digit account ID.",
    ),
    "ARN_ACCOUNT_NOT_ALLOWED": (
        ERROR,
        "The service {service} does not support specifying an account ID in the resource ARN.",
    ),
    "ARN_REGION_NOT_ALLOWED": (
        ERROR,
        "The service {service} does not support specifying a Region in the resource ARN.",
    ),
    "MISSING_ARN_REGION": (ERROR, "Add a Region to the resource ARN."),
    "INVALID_ARN_RESOURCE": (
        ERROR,
        "Resource ARN does not match the expected ARN format. Update the resource portion of the ARN.",
    ),
    "INVALID_CONDITION_OPERATOR": (
        ERROR,
        "The condition operator {operator} is not valid. Use a valid condition operator.",
    ),
    "NULL_WITH_IF_EXISTS": (
        ERROR,
        "The Null condition operator cannot be used with the IfExists suffix. Update the operator or the suffix.",
    ),
    "INVALID_CONDITION_KEY_FORMAT": (ERROR, "The condition key format is not valid. Use the format service:keyname."),
    "INVALID_GLOBAL_CONDITION_KEY": (ERROR, "The condition key {key} does not exist. Use a valid condition key."),
    "INVALID_SERVICE": (ERROR, "The service {service} does not exist. Use a valid service name."),
    "INVALID_SERVICE_CONDITION_KEY": (
        ERROR,
        "The condition key {key} does not exist in the service {service}. Use a valid condition key.",
    ),
    "UNSUPPORTED_GLOBAL_CONDITION_KEY": (
        ERROR,
        "The condition key aws:ARN is not supported. Use aws:PrincipalArn or aws:SourceArn instead.",
    ),
    "DUPLICATE_KEYS_WITH_DIFFERENT_CASE": (
        ERROR,
        "The condition key {key} appears more than once with different capitalization in the same condition "
        "block. Remove the duplicate condition keys.",
    ),
    "MISSING_TAG_KEY_IN_CONDITION": (
        ERROR,
        "The condition key {key} must include a tag key to control access based on tags. "
        "Use the format {key}/tag-key and specify a key name for tag-key.",
    ),
    "MISSING_QUALIFIER": (
        ERROR,
        "The request context key {key} has multiple values. "
        "Use the ForAllValues or ForAnyValue condition key qualifiers in your policy.",
    ),
    "INVALID_CONDITION_MULTIPLE_BOOLEAN": (
        ERROR,
        "The condition key does not support multiple Boolean values. Use a single Boolean value.",
    ),
    "INVALID_VARIABLE_FOR_OPERATOR": (ERROR, "Policy variables can only be used with String and ARN operators."),
    "UNSUPPORTED_ACTION_FOR_CONDITION_KEY": (
        ERROR,
        "The following actions: {actions} are not supported by the condition key {key}. "
        "The condition will not be evaluated for these actions. " + _TAG_ADVICE,
    ),
    "UNSUPPORTED_WILDCARD_IN_PRINCIPAL": (
        ERROR,
        "Wildcards (*, ?) are not supported with the principal key {key}. "
        "Replace the wildcard with a valid principal value.",
    ),
    "INVALID_PRINCIPAL_FORMAT": (
        ERROR,
        "The Principal element contents are not valid. Specify a key-value pair in the Principal element.",
    ),
    "INVALID_PRINCIPAL_KEY": (ERROR, "The principal key {key} is not valid."),
    "ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL": (
        ERROR,
        "Role trust policies do not support NotPrincipal. Update the policy to use a Principal element instead.",
    ),
    "ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL": (
        ERROR,
        '"Principal:" "*" is not supported in the principal element of a role trust policy. '
        "Replace the wildcard with a valid principal value.",
    ),
    "ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE": (
        ERROR,
        "Role trust policies apply to the role that they are attached to. You cannot specify a resource. "
        "Remove the Resource or NotResource element.",
    ),
    "MISMATCHED_ACTION_FOR_PRINCIPAL": (
        ERROR,
        "The {action} action is invalid with the following principal(s): {principals}. Use a SAML provider principal "
        "with the sts:AssumeRoleWithSAML action or use an OIDC provider principal with the "
        "sts:AssumeRoleWithWebIdentity action. Ensure the provider is Federated if you use either of the two options.",
    ),
    "PRIVATE_IP_ADDRESS": (
        ERROR,
        "aws:SourceIp works only for public IP address ranges. The values for condition key aws:SourceIp include only "
        "private IP addresses and will not have the desired effect. "
        "Update the value to include only public IP addresses.",
    ),
    "PRIVATE_NOT_IP_ADDRESS": (
        ERROR,
        "The values for condition key aws:SourceIp include only private IP addresses and has no effect. "
        "aws:SourceIp works only for public IP address ranges. Update the value to include only public IP addresses.",
    ),
    "EMPTY_VARIABLE": (
        ERROR,
        "Empty policy variable. Remove the variable structure or provide a variable within the structure.",
    ),
    "MISSING_BRACE_IN_VARIABLE": (
        ERROR,
        "The policy variable is missing a closing curly brace. Add } after the variable text.",
    ),
    "VARIABLE_UNSUPPORTED_IN_ELEMENT": (
        ERROR,
        "Policy variables are supported in the Resource and Condition elements. "
        "Remove the policy variable from this element.",
    ),
    "VARIABLE_UNSUPPORTED_IN_VERSION": (
        ERROR,
        "To include variables in your policy, use the policy version 2012-10-17 or later.",
    ),
    # -- general warnings ---------------------------------------------------------------------
    "MISSING_VERSION": (
        WARNING,
        "We recommend that you specify the Version element to help you with debugging permission issues.",
    ),
    "UNIQUE_SIDS_RECOMMENDED": (
        WARNING,
        "We recommend that you use statement IDs that are unique to your policy. Update the Sid value.",
    ),
    "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA": (
        WARNING,
        "The {size} characters in the identity policy, excluding whitespace, exceed the {quota} character maximum "
        "for inline and managed policies. " + _SIZE_ADVICE,
    ),
    "POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA": (
        WARNING,
        "The {size} characters in the role trust policy, excluding whitespace, exceed the {quota} character maximum "
        "for role trust policies. " + _SIZE_ADVICE,
    ),
    "WILDCARD_WITHOUT_LIKE_OPERATOR": (
        WARNING,
        "Your condition value includes a * or ? character. If you meant to use a wildcard (*, ?), "
        "update the condition operator to include Like.",
    ),
    "TYPE_MISMATCH": (
        WARNING,
        "Use the operator type {expected} instead of operator {operator} for the condition key {key}.",
    ),
    "TYPE_MISMATCH_BOOLEAN": (WARNING, "Add a valid Boolean value (true or false) for the condition operator."),
    "TYPE_MISMATCH_DATE": (
        WARNING,
        "The date condition operator is used with an invalid value. "
        "Specify a valid date using YYYY-MM-DD or other ISO 8601 date/time format.",
    ),
    "TYPE_MISMATCH_IP_RANGE": (
        WARNING,
        "The condition operator is used with an invalid IP range value. Specify the IP range in standard CIDR format.",
    ),
    "TYPE_MISMATCH_NUMBER": (WARNING, "Add a valid numeric value for the condition operator."),
    "TYPE_MISMATCH_STRING": (WARNING, "Add a valid base64-encoded string value for the condition operator."),
    "INVALID_DATE_VALUE": (
        WARNING,
        "The date might not resolve as expected. We recommend that you use the YYYY-MM-DD format.",
    ),
    "INVALID_ROLE_REFERENCE": (
        WARNING,
        "The Principal element includes the IAM role ID {value}. We recommend that you use a role ARN instead.",
    ),
    "INVALID_USER_REFERENCE": (
        WARNING,
        "The Principal element includes the IAM user ID {value}. We recommend that you use a user ARN instead.",
    ),
    "CREATE_SLR_WITH_STAR_IN_RESOURCE": (
        WARNING,
        "Using the iam:CreateServiceLinkedRole action with wildcards (*) in the resource can allow creation of "
        "unintended service-linked roles. " + _SLR_ADVICE,
    ),
    "CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE": (
        WARNING,
        "Using wildcards (*) in the action and the resource can allow creation of unintended service-linked roles "
        "because it allows iam:CreateServiceLinkedRole permissions on all resources. " + _SLR_ADVICE,
    ),
    "CREATE_SLR_WITH_NOT_RESOURCE": (
        WARNING,
        "Using the iam:CreateServiceLinkedRole action with NotResource can allow creation of unintended "
        "service-linked roles for multiple resources. " + _SLR_ADVICE,
    ),
    "CREATE_SLR_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE": (
        WARNING,
        "Using an action with a wildcard(*) and NotResource can allow creation of unintended service-linked roles "
        "because it can allow iam:CreateServiceLinkedRole permissions on multiple resources. " + _SLR_ADVICE,
    ),
    "CREATE_SLR_WITH_NOT_ACTION_AND_NOT_RESOURCE": (
        WARNING,
        "Using NotAction with NotResource can allow creation of unintended service-linked roles because it allows "
        "iam:CreateServiceLinkedRole permissions on multiple resources. " + _SLR_ADVICE,
    ),
    "CREATE_SLR_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION": (
        WARNING,
        "Using a resource with wildcards (*) and NotAction can allow creation of unintended service-linked roles "
        "because it allows iam:CreateServiceLinkedRole permissions on all resources. " + _SLR_ADVICE,
    ),
    # -- security warnings --------------------------------------------------------------------
    "ALLOW_WITH_NOT_PRINCIPAL": (
        SECURITY_WARNING,
        "Using Allow with NotPrincipal can be overly permissive. We recommend that you use Principal instead.",
    ),
    "PASS_ROLE_WITH_STAR_IN_RESOURCE": (
        SECURITY_WARNING,
        "Using the iam:PassRole action with wildcards (*) in the resource can be overly permissive because it "
        "allows iam:PassRole permissions on multiple resources. " + _ROLE_ARN_ADVICE,
    ),
    "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE": (
        SECURITY_WARNING,
        "Using wildcards (*) in the action and the resource can be overly permissive because it allows "
        "iam:PassRole permissions on all resources. " + _ROLE_ARN_ADVICE,
    ),
    "PASS_ROLE_WITH_NOT_RESOURCE": (
        SECURITY_WARNING,
        "Using the iam:PassRole action with NotResource can be overly permissive because it can allow iam:PassRole "
        "permissions on multiple resources. We recommend that you specify resource ARNs instead.",
    ),
    "PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE": (
        SECURITY_WARNING,
        "Using an action with a wildcard (*) and NotResource can be overly permissive because it can allow "
        "iam:PassRole permissions on multiple resources. We recommend that you specify resource ARNs instead.",
    ),
    "PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE": (
        SECURITY_WARNING,
        "Using NotAction with NotResource can be overly permissive because it can allow iam:PassRole permissions "
        "on multiple resources.. We recommend that you specify resource ARNs instead.",
    ),
    "PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION": (
        SECURITY_WARNING,
        "Using a resource with wildcards (*) and NotAction can be overly permissive because it allows iam:PassRole "
        "permissions on all resources. " + _ROLE_ARN_ADVICE,
    ),
    "FORALLVALUES_WITH_SINGLE_VALUED_KEY": (
        SECURITY_WARNING,
        "Using ForAllValues qualifier with the single-valued condition key {key} can be overly permissive. "
        "We recommend that you remove ForAllValues:.",
    ),
    "MISSING_PAIRED_CONDITION_KEYS": (
        SECURITY_WARNING,
        "Using the condition key {key} can be overly permissive without also using the following condition keys: "
        "{paired}. Condition keys like this one are more secure when paired with a related key. "
        "We recommend that you add the related condition keys to the same condition block.",
    ),
    "DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE": (
        SECURITY_WARNING,
        "Using the effect Deny with the tag condition key {key} and actions for services with the following prefixes "
        "can be overly permissive: {services}. Actions for the listed services are not denied by this statement. "
        + _TAG_ADVICE,
    ),
    "DENY_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE": (
        SECURITY_WARNING,
        "Using the effect Deny with NotAction and the tag condition key {key} can be overly permissive because some "
        "service actions are not denied by this statement. This is because the condition key doesn't apply to some "
        "service actions. We recommend that you use Action instead of NotAction.",
    ),
    # -- suggestions --------------------------------------------------------------------------
    "ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE": (
        SUGGESTION,
        "Using the effect Allow with the tag condition key {key} and actions for services with the following prefixes "
        "does not affect the policy: {services}. Actions for the listed service are not allowed by this statement. "
        + _TAG_ADVICE,
    ),
    "ALLOW_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE": (
        SUGGESTION,
        "Using the effect Allow with NotAction and the tag condition key {key} allows only service actions that "
        "support the condition key. The condition key doesn't apply to some service actions. "
        "We recommend that you use Action instead of NotAction.",
    ),
    "EMPTY_ARRAY_ACTION": (
        SUGGESTION,
        "This statement includes no actions and does not affect the policy. Specify actions.",
    ),
    "EMPTY_ARRAY_RESOURCE": (
        SUGGESTION,
        "This statement includes no resources and does not affect the policy. Specify resources.",
    ),
    "EMPTY_ARRAY_PRINCIPAL": (
        SUGGESTION,
        "This statement includes no principals and does not affect the policy. Specify principals.",
    ),
    "EMPTY_OBJECT_PRINCIPAL": (
        SUGGESTION,
        "This statement includes no principals and does not affect the policy. Specify principals.",
    ),
    "EMPTY_ARRAY_CONDITION": (
        SUGGESTION,
        "There are no values for the condition key and it does not affect the policy. Specify conditions.",
    ),
    "EMPTY_ARRAY_CONDITION_FORALLVALUES": (
        SUGGESTION,
        "The ForAllValues prefix with an empty condition key matches only if the key is missing from the request "
        "context. To determine if the request context is empty, we recommend that you use the Null condition "
        "operator with the value of true instead.",
    ),
    "EMPTY_ARRAY_CONDITION_FORANYVALUE": (
        SUGGESTION,
        "The ForAnyValue prefix with an empty condition key never matches the request context and it does not "
        "affect the policy. Specify conditions.",
    ),
    "EMPTY_ARRAY_CONDITION_IFEXISTS": (
        SUGGESTION,
        "The IfExists suffix with an empty condition key matches only if the key is missing from the request "
        "context. To determine if the request context is empty, we recommend that you use the Null condition "
        "operator with the value of true instead.",
    ),
    "EMPTY_OBJECT_CONDITION": (
        SUGGESTION,
        "This condition block is empty and it does not affect the policy. Specify conditions.",
    ),
    "EMPTY_SID_VALUE": (SUGGESTION, "Add a value to the empty string in the Sid element."),
    "NULL_WITH_QUALIFIER": (
        SUGGESTION,
        "Avoid using the Null condition operator with the ForAllValues or ForAnyValue qualifiers because they "
        "always return a true or false respectively.",
    ),
    "IMPROVE_IP_RANGE": (
        SUGGESTION,
        "The non-zero bits in the IP address after the masked bits are ignored. Replace address with {suggested}.",
    ),
    "PRIVATE_IP_ADDRESS_SUBSET": (
        SUGGESTION,
        "The values for condition key aws:SourceIp include a mix of private and public IP addresses. The private "
        "addresses will not have the desired effect. aws:SourceIp works only for public IP address ranges. "
        "To define permissions for private IP ranges, use aws:VpcSourceIp.",
    ),
    "PRIVATE_NOT_IP_ADDRESS_SUBSET": (
        SUGGESTION,
        "The values for condition key aws:SourceIp include a mix of private and public IP addresses. The private "
        "addresses have no effect. aws:SourceIp works only for public IP address ranges. "
        "To define permissions for private IP ranges, use aws:VpcSourceIp.",
    ),
    "REDUNDANT_ACTION": (
        SUGGESTION,
        "The action(s) are redundant because they provide similar permissions. "
        "Update the policy to remove the redundant action such as: {action}.",
    ),
    "REDUNDANT_RESOURCE": (
        SUGGESTION,
        "The resource ARN(s) are redundant because they reference the same resource. Review the use of wildcards (*)",
    ),
    "REDUNDANT_STATEMENT": (
        SUGGESTION,
        "The statements are redundant because they provide identical permissions. "
        "Update the policy to remove the redundant statement.",
    ),
    "WILDCARD_IN_SERVICE_NAME": (
        SUGGESTION,
        "Avoid using wildcards (*, ?) in the service name because it might grant unintended access to other "
        "AWS services with similar names.",
    ),
}
