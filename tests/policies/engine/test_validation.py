"""Policy validation: each test names the IAM Access Analyzer check it mirrors
(``access-analyzer-reference-policy-checks``) and asserts the finding's type and exact span.

Spans are 1-based lines and columns, end exclusive: ``"Sid": ""`` written at columns 14-15
gives ``(line, 14, line, 16)``.
"""

from __future__ import annotations

import json

import pytest

from policies.engine.validation import Finding, cli_main, validate_policy


def only(findings: list[Finding], code: str) -> Finding:
    matching = [f for f in findings if f.code == code]
    assert len(matching) == 1, f"expected one {code}, got {[(f.code, f.line, f.column) for f in findings]}"
    return matching[0]


def span(f: Finding) -> tuple[int, int, int, int]:
    return (f.line, f.column, f.end_line, f.end_column)


CLEAN = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadBuckets",
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:ListBucket"],
      "Resource": ["arn:aws:s3:::example-bucket", "arn:aws:s3:::example-bucket/*"],
      "Condition": {"Bool": {"aws:SecureTransport": "true"}}
    }
  ]
}"""


def test_a_correct_identity_policy_has_no_findings() -> None:
    assert validate_policy(CLEAN) == []


# -- Error – Json syntax error ----------------------------------------------------------------


def test_json_syntax_error_points_at_the_offending_character() -> None:
    text = '{\n  "Version": "2012-10-17",\n  "Statement": [}\n}'
    (finding,) = validate_policy(text)
    assert (finding.type, finding.code) == ("ERROR", "JSON_SYNTAX_ERROR")
    assert span(finding) == (3, 17, 3, 18)
    assert finding.message == "Fix the JSON syntax error at index 45 line 3 column 17."


def test_trailing_comma_is_a_json_syntax_error() -> None:
    (finding,) = validate_policy('{\n  "Version": "2012-10-17",\n}')
    assert finding.code == "JSON_SYNTAX_ERROR"
    assert (finding.line, finding.column) == (3, 1)


# -- General Warning – Missing version; Error – Invalid version; Error – Missing statement ------


def test_missing_version_is_a_general_warning_at_the_document() -> None:
    text = '{\n  "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}\n}'
    finding = only(validate_policy(text), "MISSING_VERSION")
    assert finding.type == "WARNING"
    assert span(finding) == (1, 1, 1, 2)


def test_invalid_version_is_an_error_on_the_value() -> None:
    text = '{\n  "Version": "2012-10-18",\n  "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}\n}'
    finding = only(validate_policy(text), "INVALID_VERSION")
    assert finding.type == "ERROR"
    assert span(finding) == (2, 14, 2, 26)
    assert finding.path == "$.Version"


def test_missing_statement() -> None:
    finding = only(validate_policy('{\n  "Version": "2012-10-17"\n}'), "MISSING_STATEMENT")
    assert finding.type == "ERROR"
    assert span(finding) == (1, 1, 1, 2)


# -- Error – Invalid policy element; Error – Data type mismatch --------------------------------


def test_unknown_element_is_invalid_policy_element() -> None:
    text = '{\n  "Version": "2012-10-17",\n  "Statement": {"Effect": "Allow", "Action": "s3:GetObject",\n    "Resources": "*"}\n}'
    finding = only(validate_policy(text), "INVALID_POLICY_ELEMENT")
    assert finding.type == "ERROR"
    assert span(finding) == (4, 5, 4, 16)
    assert finding.message == "The policy element Resources is not valid."


def test_wrong_json_type_is_data_type_mismatch() -> None:
    text = '{\n  "Version": "2012-10-17",\n  "Statement": {"Effect": "Allow", "Action": 42, "Resource": "*"}\n}'
    finding = only(validate_policy(text), "DATA_TYPE_MISMATCH")
    assert finding.type == "ERROR"
    assert span(finding) == (3, 46, 3, 48)
    assert finding.path == "$.Statement.Action"


# -- Error – Missing effect / Invalid effect / Missing action / Missing resource ---------------

STATEMENT_ERRORS = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Action": "s3:GetObject", "Resource": "*"},
    {"Effect": "allow", "Resource": "*"},
    {"Effect": "Deny", "Action": "s3:GetObject"}
  ]
}"""


def test_statement_grammar_errors_are_located() -> None:
    findings = validate_policy(STATEMENT_ERRORS)
    assert span(only(findings, "MISSING_EFFECT")) == (4, 5, 4, 6)
    invalid = only(findings, "INVALID_EFFECT")
    assert span(invalid) == (5, 16, 5, 23)
    assert invalid.message == "The effect allow is not valid. Use Allow or Deny."
    assert span(only(findings, "MISSING_ACTION")) == (5, 5, 5, 6)
    assert span(only(findings, "MISSING_RESOURCE")) == (6, 5, 6, 6)
    assert {f.type for f in findings} == {"ERROR"}


# -- Error – Unsupported element combination (Action with NotAction) -----------------------------


def test_action_with_not_action_is_an_unsupported_combination() -> None:
    text = '{\n  "Version": "2012-10-17",\n  "Statement": {"Effect": "Allow", "Action": "s3:GetObject",\n    "NotAction": "s3:PutObject", "Resource": "*"}\n}'
    finding = only(validate_policy(text), "UNSUPPORTED_ELEMENT_COMBINATION")
    assert finding.type == "ERROR"
    assert span(finding) == (4, 5, 4, 16)
    assert "Action and NotAction" in finding.message


def test_not_action_entries_are_checked_like_actions() -> None:
    text = '{\n  "Version": "2012-10-17",\n  "Statement": {"Effect": "Deny",\n    "NotAction": ["iam:*", "iam:ListRoles"], "Resource": "*"}\n}'
    finding = only(validate_policy(text), "REDUNDANT_ACTION")
    assert finding.type == "SUGGESTION"
    assert span(finding) == (4, 28, 4, 43)
    assert finding.path == "$.Statement.NotAction[1]"


# -- Error – Invalid service in action; Error – Invalid action --------------------------------

ACTIONS = """{
  "Version": "2012-10-17",
  "Statement": {
    "Effect": "Allow",
    "Action": [
      "s3:GetObjekt",
      "ec3:DescribeInstances",
      "iam:Lisst*",
      "IAM:getrole"
    ],
    "Resource": "*"
  }
}"""


def test_unknown_service_prefix_and_unknown_action() -> None:
    findings = validate_policy(ACTIONS)
    invalid_service = only(findings, "INVALID_SERVICE_IN_ACTION")
    assert invalid_service.type == "ERROR"
    assert span(invalid_service) == (7, 7, 7, 30)
    assert invalid_service.message.startswith("The service ec3 specified in the action does not exist.")
    actions = [f for f in findings if f.code == "INVALID_ACTION"]
    assert [(f.line, f.column, f.end_column) for f in actions] == [(6, 7, 21), (8, 7, 19)]
    assert actions[0].message == "The action s3:GetObjekt does not exist. Did you mean s3:GetObject?"
    # Actions compare case-insensitively, as IAM does: IAM:getrole is valid.
    assert all(f.line != 9 for f in findings)


# -- Suggestion – Redundant action / Redundant statement / Empty arrays ------------------------


def test_redundant_action_needs_full_coverage() -> None:
    text = """{
  "Version": "2012-10-17",
  "Statement": {"Effect": "Allow", "Resource": "*",
    "Action": ["iam:Get*", "iam:List*", "iam:GetCredentialReport", "iam:*CredentialReport"]}
}"""
    finding = only(validate_policy(text), "REDUNDANT_ACTION")
    assert span(finding) == (4, 41, 4, 66)
    assert finding.message.endswith("such as: iam:GetCredentialReport.")


def test_redundant_statement_is_reported_on_the_repeat() -> None:
    text = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
    {"Sid": "B", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}
  ]
}"""
    finding = only(validate_policy(text), "REDUNDANT_STATEMENT")
    assert finding.type == "SUGGESTION"
    assert span(finding) == (5, 5, 5, 81)
    assert finding.path == "$.Statement[1]"


def test_empty_arrays_are_suggestions() -> None:
    text = '{\n  "Version": "2012-10-17",\n  "Statement": {"Effect": "Allow",\n    "Action": [], "Resource": []}\n}'
    findings = validate_policy(text)
    assert span(only(findings, "EMPTY_ARRAY_ACTION")) == (4, 15, 4, 17)
    assert span(only(findings, "EMPTY_ARRAY_RESOURCE")) == (4, 31, 4, 33)
    assert {f.type for f in findings} == {"SUGGESTION"}


# -- Error – Unique Sids required; General Warning – Unique Sids recommended; Sid checks --------

SIDS = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
    {"Sid": "Read", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"},
    {"Sid": "", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"},
    {"Sid": "no spaces", "Effect": "Allow", "Action": "s3:DeleteObject", "Resource": "*"}
  ]
}"""


def test_duplicate_sids_are_errors_in_identity_policies() -> None:
    findings = validate_policy(SIDS)
    duplicate = only(findings, "UNIQUE_SIDS_REQUIRED")
    assert (duplicate.type, span(duplicate)) == ("ERROR", (5, 13, 5, 19))
    empty = only(findings, "EMPTY_SID_VALUE")
    assert (empty.type, span(empty)) == ("SUGGESTION", (6, 13, 6, 15))
    unsupported = only(findings, "UNSUPPORTED_SID")
    assert (unsupported.type, span(unsupported)) == ("ERROR", (7, 13, 7, 24))


def test_duplicate_sids_are_a_warning_in_resource_policies() -> None:
    text = SIDS.replace('"Effect"', '"Principal": {"AWS": "111122223333"}, "Effect"')
    findings = validate_policy(text, "resource")
    assert only(findings, "UNIQUE_SIDS_RECOMMENDED").type == "WARNING"
    assert not [f for f in findings if f.code in ("UNIQUE_SIDS_REQUIRED", "UNSUPPORTED_SID")]


# -- Principal: Error – Unsupported principal / Missing principal; trust policy errors ----------


def test_principal_is_not_allowed_in_identity_policies() -> None:
    text = '{\n  "Version": "2012-10-17",\n  "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",\n    "Principal": {"AWS": "111122223333"}}\n}'
    for policy_type in ("identity", "boundary", "session"):
        finding = only(validate_policy(text, policy_type), "UNSUPPORTED_PRINCIPAL")
        assert (finding.type, span(finding)) == ("ERROR", (4, 5, 4, 16))


def test_principal_is_required_in_trust_and_resource_policies() -> None:
    text = '{\n  "Version": "2012-10-17",\n  "Statement": {"Effect": "Allow", "Action": "sts:AssumeRole"}\n}'
    for policy_type in ("trust", "resource"):
        finding = only(validate_policy(text, policy_type), "MISSING_PRINCIPAL")
        assert (finding.type, span(finding)) == ("ERROR", (3, 16, 3, 17))


TRUST = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"},
    {"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"},
     "Action": "sts:AssumeRole", "Resource": "*"},
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/*", "Sevice": "ec2.amazonaws.com"},
     "Action": "sts:AssumeRole"}
  ]
}"""


def test_trust_policy_principal_and_resource_errors() -> None:
    findings = validate_policy(TRUST, "trust")
    wildcard = only(findings, "ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL")
    assert (wildcard.type, span(wildcard)) == ("ERROR", (4, 38, 4, 41))
    not_principal = only(findings, "ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL")
    assert (not_principal.type, span(not_principal)) == ("ERROR", (5, 24, 5, 38))
    resource = only(findings, "ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE")
    assert (resource.type, span(resource)) == ("ERROR", (6, 34, 6, 44))
    partial = only(findings, "UNSUPPORTED_WILDCARD_IN_PRINCIPAL")
    assert (partial.type, span(partial)) == ("ERROR", (7, 46, 7, 80))
    key = only(findings, "INVALID_PRINCIPAL_KEY")
    assert (key.type, span(key), key.message) == ("ERROR", (7, 82, 7, 90), "The principal key Sevice is not valid.")


def test_allow_with_not_principal_is_a_security_warning() -> None:
    text = """{
  "Version": "2012-10-17",
  "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*",
    "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}}
}"""
    finding = only(validate_policy(text, "resource"), "ALLOW_WITH_NOT_PRINCIPAL")
    assert (finding.type, span(finding)) == ("SECURITY_WARNING", (4, 5, 4, 19))


def test_federated_principal_with_assume_role_is_mismatched() -> None:
    text = """{
  "Version": "2012-10-17",
  "Statement": {"Effect": "Allow",
    "Principal": {"Federated": "cognito-identity.amazonaws.com"},
    "Action": ["sts:AssumeRole", "sts:TagSession"],
    "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": "us-west-2_EXAMPLE"}}}
}"""
    findings = validate_policy(text, "trust")
    mismatched = only(findings, "MISMATCHED_ACTION_FOR_PRINCIPAL")
    assert (mismatched.type, span(mismatched)) == ("ERROR", (5, 16, 5, 32))
    # The reference's own example: sts:TagSession does not take the Cognito audience key.
    unsupported = only(findings, "UNSUPPORTED_ACTION_FOR_CONDITION_KEY")
    assert (unsupported.type, span(unsupported)) == ("ERROR", (5, 34, 5, 50))
    assert unsupported.message.startswith(
        "The following actions: sts:TagSession are not supported by the condition key cognito-identity.amazonaws.com:aud."
    )


# -- ARN checks ------------------------------------------------------------------------------

ARNS = """{
  "Version": "2012-10-17",
  "Statement": {"Effect": "Allow", "Action": "*",
    "Resource": [
      "s3:::bucket",
      "arn:aws:s3",
      "arn:aws-mars:s3:::bucket",
      "arn:aws:S3:::bucket",
      "arn:aws:iam::12345:role/x",
      "arn:aws:iam:us-east-1:111122223333:role/x",
      "arn:aws:s3:::bucket/key",
      "arn:aws:ec2::111122223333:instance/i-1",
      "arn:aws:iam::111122223333:rol/x",
      "arn:aws:*code*::111122223333:*"
    ]}
}"""


def test_invalid_arns_are_located_per_entry() -> None:
    findings = {f.code: f for f in validate_policy(ARNS)}
    expected = {
        "INVALID_ARN_PREFIX": 5,
        "MISSING_ARN_FIELD": 6,
        "INVALID_PARTITION": 7,
        "INVALID_ARN_SERVICE_CASE": 8,
        "INVALID_ARN_ACCOUNT": 9,
        "ARN_REGION_NOT_ALLOWED": 10,
        "MISSING_ARN_REGION": 12,
        "INVALID_ARN_RESOURCE": 13,
        "WILDCARD_IN_SERVICE_NAME": 14,
    }
    for code, line in expected.items():
        assert findings[code].line == line, code
        assert findings[code].column == 7, code
        assert findings[code].type == ("SUGGESTION" if code == "WILDCARD_IN_SERVICE_NAME" else "ERROR")
    assert findings["INVALID_ARN_ACCOUNT"].message.startswith("The resource ARN account ID 12345 is not valid.")
    # arn:aws:s3:::bucket/key is a well-formed object ARN: no finding on line 11.
    assert all(f.line != 11 for f in findings.values())


def test_s3_bucket_arn_with_account_is_not_allowed() -> None:
    text = '{\n  "Version": "2012-10-17",\n  "Statement": {"Effect": "Allow", "Action": "s3:ListBucket",\n    "Resource": "arn:aws:s3::111122223333:bucket"}\n}'
    finding = only(validate_policy(text), "ARN_ACCOUNT_NOT_ALLOWED")
    assert (finding.type, span(finding)) == ("ERROR", (4, 17, 4, 50))


def test_redundant_resource() -> None:
    text = """{
  "Version": "2012-10-17",
  "Statement": {"Effect": "Allow", "Action": "iam:GetRole",
    "Resource": ["arn:aws:iam::111122223333:role/jane-admin", "arn:aws:iam::111122223333:role/jane*"]}
}"""
    finding = only(validate_policy(text), "REDUNDANT_RESOURCE")
    assert (finding.type, span(finding)) == ("SUGGESTION", (4, 18, 4, 61))


# -- Security Warning – Pass role checks --------------------------------------------------------


def pass_role(statement: str) -> list[Finding]:
    return validate_policy('{\n  "Version": "2012-10-17",\n  "Statement": {\n' + statement + "\n  }\n}")


def test_pass_role_with_star_in_resource() -> None:
    findings = pass_role('    "Effect": "Allow",\n    "Action": "iam:PassRole",\n    "Resource": "*"')
    finding = only(findings, "PASS_ROLE_WITH_STAR_IN_RESOURCE")
    assert (finding.type, span(finding)) == ("SECURITY_WARNING", (6, 17, 6, 20))


def test_pass_role_with_star_in_resource_is_cleared_by_passed_to_service() -> None:
    findings = pass_role(
        '    "Effect": "Allow",\n    "Action": "iam:PassRole",\n    "Resource": "*",\n'
        '    "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}'
    )
    assert findings == []


def test_pass_role_with_star_in_action_and_resource() -> None:
    findings = pass_role(
        '    "Effect": "Allow",\n    "Action": "iam:*",\n    "Resource": "arn:aws:iam::111122223333:role/*"'
    )
    finding = only(findings, "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE")
    assert (finding.type, span(finding)) == ("SECURITY_WARNING", (6, 17, 6, 51))
    assert only(findings, "CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE").type == "WARNING"


def test_pass_role_with_not_resource() -> None:
    findings = pass_role(
        '    "Effect": "Allow",\n    "Action": "iam:PassRole",\n    "NotResource": "arn:aws:iam::111122223333:role/admin"'
    )
    finding = only(findings, "PASS_ROLE_WITH_NOT_RESOURCE")
    assert (finding.type, span(finding)) == ("SECURITY_WARNING", (6, 5, 6, 18))


def test_pass_role_with_not_action() -> None:
    with_star = pass_role('    "Effect": "Allow",\n    "NotAction": "s3:*",\n    "Resource": "*"')
    assert span(only(with_star, "PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION")) == (6, 17, 6, 20)
    with_not_resource = pass_role(
        '    "Effect": "Allow",\n    "NotAction": "s3:*",\n    "NotResource": "arn:aws:s3:::b"'
    )
    finding = only(with_not_resource, "PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE")
    assert (finding.type, span(finding)) == ("SECURITY_WARNING", (6, 5, 6, 18))


def test_deny_statements_raise_no_pass_role_warning() -> None:
    findings = pass_role('    "Effect": "Deny",\n    "Action": "iam:PassRole",\n    "Resource": "*"')
    assert findings == []


# -- Conditions ---------------------------------------------------------------------------------

CONDITIONS = """{
  "Version": "2012-10-17",
  "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
    "Condition": {
      "StringEqualz": {"aws:username": "jane"},
      "NullIfExists": {"aws:TokenIssueTime": "true"},
      "StringEquals": {"aws:SourceIp": "203.0.113.0/24", "aws:Usrname": "x", "s3:Prefx": "home/", "aws:ResourceTag": "x"},
      "NumericLessThan": {"aws:MultiFactorAuthAge": "an hour"},
      "ForAllValues:StringLike": {"aws:username": "j*"},
      "Bool": {"aws:SecureTransport": []},
      "IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "203.0.113.7/24"]}
    }}
}"""


def test_condition_operator_and_key_checks() -> None:
    findings = {f.code: f for f in validate_policy(CONDITIONS)}
    expected = {
        "INVALID_CONDITION_OPERATOR": ("ERROR", (5, 7, 5, 21)),
        "NULL_WITH_IF_EXISTS": ("ERROR", (6, 7, 6, 21)),
        "TYPE_MISMATCH": ("WARNING", (7, 24, 7, 38)),
        "INVALID_GLOBAL_CONDITION_KEY": ("ERROR", (7, 58, 7, 71)),
        "INVALID_SERVICE_CONDITION_KEY": ("ERROR", (7, 78, 7, 88)),
        "MISSING_TAG_KEY_IN_CONDITION": ("ERROR", (7, 99, 7, 116)),
        "TYPE_MISMATCH_NUMBER": ("WARNING", (8, 53, 8, 62)),
        "FORALLVALUES_WITH_SINGLE_VALUED_KEY": ("SECURITY_WARNING", (9, 35, 9, 49)),
        "EMPTY_ARRAY_CONDITION": ("SUGGESTION", (10, 39, 10, 41)),
        "PRIVATE_IP_ADDRESS_SUBSET": ("SUGGESTION", (11, 21, 11, 35)),
        "IMPROVE_IP_RANGE": ("SUGGESTION", (11, 52, 11, 68)),
    }
    for code, (finding_type, where) in expected.items():
        assert (findings[code].type, span(findings[code])) == (finding_type, where), code
    assert findings["INVALID_CONDITION_OPERATOR"].path == "$.Statement.Condition.StringEqualz"
    assert findings["TYPE_MISMATCH"].message == (
        "Use the operator type IpAddress instead of operator StringEquals for the condition key aws:SourceIp."
    )
    assert findings["IMPROVE_IP_RANGE"].message.endswith("Replace address with 203.0.113.0/24.")


def test_condition_value_type_checks() -> None:
    text = """{
  "Version": "2012-10-17",
  "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
    "Condition": {
      "DateGreaterThan": {"aws:CurrentTime": "2024-13-01"},
      "DateLessThan": {"aws:CurrentTime": 1700000000},
      "Bool": {"aws:SecureTransport": "yes"},
      "IpAddress": {"aws:SourceIp": "10.0.0.0/8"},
      "StringEquals": {"aws:PrincipalTag/team": "dev*"},
      "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/${aws:username}"},
      "NumericEquals": {"s3:max-keys": "${aws:username}"}
    }}
}"""
    findings = {f.code: f for f in validate_policy(text)}
    assert span(findings["TYPE_MISMATCH_DATE"]) == (5, 46, 5, 58)
    assert (findings["INVALID_DATE_VALUE"].type, span(findings["INVALID_DATE_VALUE"])) == ("WARNING", (6, 43, 6, 53))
    assert span(findings["TYPE_MISMATCH_BOOLEAN"]) == (7, 39, 7, 44)
    assert (findings["PRIVATE_IP_ADDRESS"].type, span(findings["PRIVATE_IP_ADDRESS"])) == ("ERROR", (8, 21, 8, 35))
    assert span(findings["WILDCARD_WITHOUT_LIKE_OPERATOR"]) == (9, 49, 9, 55)
    assert (findings["INVALID_VARIABLE_FOR_OPERATOR"].type, span(findings["INVALID_VARIABLE_FOR_OPERATOR"])) == (
        "ERROR",
        (11, 40, 11, 57),
    )
    assert "ARN" not in {f.code for f in findings.values()}  # variables are fine with Arn operators


def test_duplicate_keys_with_different_case_and_multivalued_key_qualifier() -> None:
    text = """{
  "Version": "2012-10-17",
  "Statement": {"Effect": "Allow", "Action": "iam:TagRole", "Resource": "*",
    "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1", "aws:requestedregion": "eu-west-2",
      "aws:TagKeys": "team"}}}
}"""
    findings = validate_policy(text)
    duplicate = only(findings, "DUPLICATE_KEYS_WITH_DIFFERENT_CASE")
    assert (duplicate.type, span(duplicate)) == ("ERROR", (4, 72, 4, 93))
    qualifier = only(findings, "MISSING_QUALIFIER")
    assert (qualifier.type, span(qualifier)) == ("ERROR", (5, 7, 5, 20))


def test_condition_key_not_valid_for_the_action() -> None:
    text = """{
  "Version": "2012-10-17",
  "Statement": {"Effect": "Allow", "Resource": "*",
    "Action": ["s3:ListBucket", "s3:GetObject"],
    "Condition": {"StringLike": {"s3:prefix": "home/*"}}}
}"""
    finding = only(validate_policy(text), "UNSUPPORTED_ACTION_FOR_CONDITION_KEY")
    assert (finding.type, span(finding)) == ("ERROR", (4, 33, 4, 47))
    assert "s3:GetObject are not supported by the condition key s3:prefix" in finding.message


def test_deny_with_resource_tag_on_a_service_without_tags_is_a_security_warning() -> None:
    text = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Deny", "Action": ["ec2:TerminateInstances", "cloudshell:PutCredentials"], "Resource": "*",
     "Condition": {"StringEquals": {"aws:ResourceTag/status": "Confidential"}}},
    {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*",
     "Condition": {"StringEquals": {"aws:ResourceTag/team": "x"}}}
  ]
}"""
    findings = validate_policy(text)
    deny = only(findings, "DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE")
    assert (deny.type, span(deny)) == ("SECURITY_WARNING", (5, 37, 5, 61))
    assert "prefixes can be overly permissive: cloudshell." in deny.message
    allow = only(findings, "ALLOW_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE")
    assert (allow.type, span(allow)) == ("SUGGESTION", (7, 37, 7, 59))


def test_empty_condition_object() -> None:
    text = '{\n  "Version": "2012-10-17",\n  "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",\n    "Condition": {}}\n}'
    finding = only(validate_policy(text), "EMPTY_OBJECT_CONDITION")
    assert (finding.type, span(finding)) == ("SUGGESTION", (4, 18, 4, 20))


# -- Policy size ------------------------------------------------------------------------------


def test_identity_policy_over_6144_characters_is_a_general_warning() -> None:
    actions = ", ".join(f'"s3:GetObject{"X" * 40}{i}"' for i in range(140))
    text = (
        '{\n  "Version": "2012-10-17",\n  "Statement": {"Effect": "Allow", "Resource": "*",\n  "Action": ['
        + actions
        + "]}\n}"
    )
    finding = only(validate_policy(text), "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA")
    # A general warning here, though CreatePolicy itself refuses such a document.
    assert finding.type == "WARNING"
    assert (finding.line, finding.column) == (1, 1)
    assert "6144 character maximum" in finding.message


def test_trust_policy_size_uses_the_trust_quota() -> None:
    principals = ", ".join(f'"arn:aws:iam::{i:012d}:root"' for i in range(70))
    text = (
        '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "sts:AssumeRole",'
        ' "Principal": {"AWS": [' + principals + "]}}}"
    )
    assert only(validate_policy(text, "trust"), "POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA").type == "WARNING"
    assert validate_policy(text, "trust", trust_policy_quota=4096) == []


# -- Variables ----------------------------------------------------------------------------------


def test_variables_only_in_resource_and_condition_of_2012_policies() -> None:
    text = """{
  "Version": "2008-10-17",
  "Statement": {"Effect": "Allow", "Action": "s3:${aws:username}",
    "Resource": "arn:aws:s3:::bucket/${aws:username}/*"}
}"""
    findings = validate_policy(text)
    assert span(only(findings, "VARIABLE_UNSUPPORTED_IN_ELEMENT")) == (3, 46, 3, 66)
    assert span(only(findings, "VARIABLE_UNSUPPORTED_IN_VERSION")) == (4, 17, 4, 56)


# -- API and CLI ----------------------------------------------------------------------------------


def test_finding_to_dict_uses_the_documented_field_names() -> None:
    finding = only(validate_policy('{\n  "Version": "2012-10-17"\n}'), "MISSING_STATEMENT")
    assert finding.to_dict() == {
        "type": "ERROR",
        "code": "MISSING_STATEMENT",
        "message": "Add a statement to the policy",
        "path": "$",
        "line": 1,
        "column": 1,
        "end_line": 1,
        "end_column": 2,
    }


def test_unknown_policy_type_is_rejected() -> None:
    with pytest.raises(ValueError, match="Unknown policy type"):
        validate_policy(CLEAN, "scp")


def test_cli_text_output_and_exit_status(tmp_path: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"  # type: ignore[operator]
    bad.write_text(ACTIONS)
    assert cli_main([str(bad)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert (
        lines[0]
        == f"{bad}:6:7: ERROR INVALID_ACTION The action s3:GetObjekt does not exist. Did you mean s3:GetObject?"
    )
    good = tmp_path / "good.json"  # type: ignore[operator]
    good.write_text(SIDS.replace('"Read"', '"Other"', 1).replace('"no spaces"', '"NoSpaces"'))
    assert cli_main([str(good), "--format", "json"]) == 0  # a suggestion alone exits 0
    (only_finding,) = json.loads(capsys.readouterr().out)
    assert only_finding["code"] == "EMPTY_SID_VALUE"
    assert set(only_finding) == {"type", "code", "message", "path", "line", "column", "end_line", "end_column"}


def test_cli_trust_type_and_missing_file(tmp_path: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]) -> None:
    trust = tmp_path / "trust.json"  # type: ignore[operator]
    trust.write_text(TRUST)
    assert cli_main([str(trust), "--type", "trust"]) == 1
    assert "ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE" in capsys.readouterr().out
    assert cli_main([str(tmp_path / "missing.json")]) == 2  # type: ignore[operator]
    assert "cannot read" in capsys.readouterr().err
