"""The simulator (SimulateCustomPolicy semantics and shapes), context keys, and the command line.

Rules cited from the IAM API reference: "SimulateCustomPolicy" (SIM: parameters, `*` as the
default resource, CallerArn required with a ResourcePolicy), "EvaluationResult" (RESULT: one per
action, `MissingContextValues` at the top only when the resource is `*`, per resource otherwise),
"ResourceSpecificResult" (PER-RESOURCE), "Statement" and "Position" (STATEMENT), and
"GetContextKeysForCustomPolicy" (KEYS). Shapes are checked against botocore's IAM model.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import botocore.session
import pytest

from policies.engine import (
    ContextEntry,
    PolicyError,
    PolicyKind,
    PolicySource,
    Principal,
    SimulationInputError,
    context_keys_for_policies,
    parse_policy,
    simulate,
    simulate_custom,
    simulate_custom_policy,
)

from .conftest import ACCOUNT, OTHER, allow, deny, doc

ROOT_DIR = Path(__file__).resolve().parents[3]
READ = doc({**allow("s3:Get*", "arn:aws:s3:::bucket/*"), "Sid": "Read"})
GUARD = doc(
    {**deny("s3:GetObject", "arn:aws:s3:::bucket/secret/*"), "Sid": "NoSecrets"},
    {**deny("s3:*", "*"), "Sid": "TlsOnly", "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
)
_MODEL = botocore.session.get_session().get_service_model("iam")


def conforms(value: Any, shape: Any, path: str = "$") -> None:
    """Assert that `value` fits botocore's output `shape` (member names, types, enums)."""
    if shape.type_name == "structure":
        assert isinstance(value, dict), path
        assert set(value) <= set(shape.members), (path, set(value) - set(shape.members))
        for name in shape.required_members:
            assert name in value, (path, name)
        for name, item in value.items():
            conforms(item, shape.members[name], f"{path}.{name}")
    elif shape.type_name == "list":
        assert isinstance(value, list), path
        for i, item in enumerate(value):
            conforms(item, shape.member, f"{path}[{i}]")
    elif shape.type_name == "map":
        assert isinstance(value, dict), path
    elif shape.type_name == "string":
        assert isinstance(value, str), path
        if shape.enum and not path.endswith("SourcePolicyType"):  # AWS also returns "IAM Policy" there
            assert value in shape.enum, (path, value)
    elif shape.type_name == "integer":
        assert isinstance(value, int), path
    elif shape.type_name == "boolean":
        assert isinstance(value, bool), path


def run(**request: Any) -> dict[str, Any]:
    response = simulate_custom_policy(request)
    conforms(response, _MODEL.operation_model("SimulateCustomPolicy").output_shape)
    return response


def test_one_result_per_action_with_default_resource() -> None:
    # SIM: without ResourceArns the resource is "*"; RESULT: one result per action.
    text = doc(allow("s3:GetObject", "*"))
    response = run(PolicyInputList=[text], ActionNames=["s3:GetObject", "s3:PutObject"])
    results = response["EvaluationResults"]
    assert response["IsTruncated"] is False
    assert [(r["EvalActionName"], r["EvalResourceName"], r["EvalDecision"]) for r in results] == [
        ("s3:GetObject", "*", "allowed"),
        ("s3:PutObject", "*", "implicitDeny"),
    ]
    # STATEMENT: the matched statement is located in its policy (1-based line and column).
    assert results[0]["MatchedStatements"] == [
        {
            "SourcePolicyId": "PolicyInputList.1",
            "SourcePolicyType": "IAM Policy",
            "StartPosition": {"Line": 1, "Column": text.index("[{") + 2},
            "EndPosition": {"Line": 1, "Column": text.index("}]") + 1},
        }
    ]
    assert results[1]["MatchedStatements"] == []
    assert "ResourceSpecificResults" not in results[0]


def test_most_restrictive_decision_over_resources_and_per_resource_details() -> None:
    # RESULT / PER-RESOURCE: the action's decision is the most restrictive over the resources.
    response = run(
        PolicyInputList=[READ, GUARD],
        ActionNames=["s3:GetObject"],
        ResourceArns=["arn:aws:s3:::bucket/public/a", "arn:aws:s3:::bucket/secret/b", "arn:aws:s3:::other/c"],
        ContextEntries=[
            {"ContextKeyName": "aws:SecureTransport", "ContextKeyValues": ["true"], "ContextKeyType": "boolean"}
        ],
    )
    (result,) = response["EvaluationResults"]
    assert result["EvalDecision"] == "explicitDeny"
    assert result["EvalResourceName"] == "*"
    assert [m["SourcePolicyId"] for m in result["MatchedStatements"]] == ["PolicyInputList.2"]
    assert [(r["EvalResourceName"], r["EvalResourceDecision"]) for r in result["ResourceSpecificResults"]] == [
        ("arn:aws:s3:::bucket/public/a", "allowed"),
        ("arn:aws:s3:::bucket/secret/b", "explicitDeny"),
        ("arn:aws:s3:::other/c", "implicitDeny"),
    ]
    assert result["MissingContextValues"] == []


def test_typed_entries_and_aws_json_give_the_same_results() -> None:
    # The selectors hand the engine ContextEntry values; the command line hands it AWS's JSON. Same answer, same error.
    insecure = ContextEntry("aws:SecureTransport", ["false"], "boolean")
    typed = simulate_custom(policy_input_list=[READ, GUARD], action_names=["s3:GetObject"], context_entries=[insecure])
    wire = {"ContextKeyName": "aws:SecureTransport", "ContextKeyValues": ["false"], "ContextKeyType": "boolean"}
    assert (
        typed
        == run(PolicyInputList=[READ, GUARD], ActionNames=["s3:GetObject"], ContextEntries=[wire])["EvaluationResults"]
    )
    assert typed[0]["EvalDecision"] == "explicitDeny"
    with pytest.raises(SimulationInputError, match=r"^ContextEntries\.member\.2\.ContextKeyName is required\.$"):
        simulate_custom(
            policy_input_list=[READ],
            action_names=["s3:GetObject"],
            context_entries=[insecure, ContextEntry(None, ["x"], "string")],
        )


def test_missing_context_values() -> None:
    # RESULT: keys the applicable statements need and the request did not supply, as written.
    star = run(PolicyInputList=[READ, GUARD], ActionNames=["s3:GetObject"])["EvaluationResults"][0]
    assert star["MissingContextValues"] == ["aws:SecureTransport"]
    listed = run(PolicyInputList=[READ, GUARD], ActionNames=["s3:GetObject"], ResourceArns=["arn:aws:s3:::bucket/a"])[
        "EvaluationResults"
    ][0]
    assert listed["MissingContextValues"] == []
    assert listed["ResourceSpecificResults"][0]["MissingContextValues"] == ["aws:SecureTransport"]
    supplied = run(
        PolicyInputList=[READ, GUARD],
        ActionNames=["s3:GetObject"],
        ContextEntries=[
            {"ContextKeyName": "AWS:SecureTransport", "ContextKeyValues": ["true"], "ContextKeyType": "boolean"}
        ],
    )
    assert supplied["EvaluationResults"][0]["MissingContextValues"] == []


def test_permissions_boundary_detail() -> None:
    response = run(
        PolicyInputList=[doc(allow("s3:*", "*"))],
        PermissionsBoundaryPolicyInputList=[doc(allow("s3:Get*", "*"))],
        ActionNames=["s3:GetObject", "s3:PutObject"],
    )
    get, put = response["EvaluationResults"]
    assert (get["EvalDecision"], get["PermissionsBoundaryDecisionDetail"]) == (
        "allowed",
        {"AllowedByPermissionsBoundary": True},
    )
    assert (put["EvalDecision"], put["PermissionsBoundaryDecisionDetail"]) == (
        "implicitDeny",
        {"AllowedByPermissionsBoundary": False},
    )
    assert {m["SourcePolicyType"] for m in get["MatchedStatements"]} == {"IAM Policy", "PermissionsBoundaryPolicy"}


def test_resource_policy_with_caller_and_owner() -> None:
    bucket_policy = doc(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{OTHER}:user/eve"},
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::shared/*",
        }
    )
    request = {
        "PolicyInputList": [],
        "ActionNames": ["s3:GetObject"],
        "ResourceArns": ["arn:aws:s3:::shared/x"],
        "ResourcePolicy": bucket_policy,
        "CallerArn": f"arn:aws:iam::{OTHER}:user/eve",
    }
    # Same account (the bucket's owner defaults to the caller's): the bucket policy alone allows.
    assert run(**request)["EvaluationResults"][0]["EvalDecision"] == "allowed"
    # Another account owns the bucket: the caller's identity-based policies must allow as well.
    owned = {**request, "ResourceOwner": f"arn:aws:iam::{ACCOUNT}:root"}
    assert run(**owned)["EvaluationResults"][0]["EvalDecision"] == "implicitDeny"
    both = {**owned, "PolicyInputList": [doc(allow("s3:GetObject", "*"))]}
    result = run(**both)["EvaluationResults"][0]
    assert result["EvalDecision"] == "allowed"
    assert {m["SourcePolicyId"] for m in result["MatchedStatements"]} == {"PolicyInputList.1", "ResourcePolicy"}


BOB = f"arn:aws:iam::{ACCOUNT}:user/bob"
EVE = f"arn:aws:iam::{ACCOUNT}:user/eve"


@pytest.mark.parametrize(
    ("not_principal", "caller", "expected"),
    [
        # SIMULATION: NotPrincipal is matched against CallerArn as Principal is: naming the caller exempts it...
        ({"AWS": BOB}, BOB, "allowed"),
        ({"AWS": [BOB, EVE]}, EVE, "allowed"),
        ({"AWS": ACCOUNT}, BOB, "allowed"),
        ({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, BOB, "allowed"),
        # ...and naming someone else leaves the Deny applying to the caller.
        ({"AWS": EVE}, BOB, "explicitDeny"),
        ({"AWS": f"arn:aws:iam::{OTHER}:root"}, BOB, "explicitDeny"),
        ({"AWS": f"arn:aws:iam::{OTHER}:user/bob"}, BOB, "explicitDeny"),
    ],
)
def test_simulated_not_principal_matches_the_caller_arn(not_principal: Any, caller: str, expected: str) -> None:
    bucket_policy = doc(
        {"Effect": "Deny", "NotPrincipal": not_principal, "Action": "s3:*", "Resource": "arn:aws:s3:::vault/*"},
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::vault/*"},
    )
    request = {
        "PolicyInputList": [],
        "ActionNames": ["s3:GetObject"],
        "ResourceArns": ["arn:aws:s3:::vault/x"],
        "ResourcePolicy": bucket_policy,
        "CallerArn": caller,
    }
    assert run(**request)["EvaluationResults"][0]["EvalDecision"] == expected


def test_context_entry_types() -> None:
    policy = doc(
        allow(
            "ec2:RunInstances",
            "*",
            Condition={
                "ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]},
                "IpAddress": {"aws:SourceIp": "10.0.0.0/8"},
                "NumericLessThan": {"ec2:count": "5"},
            },
        )
    )

    def decide(tag_keys: list[str]) -> str:
        return run(
            PolicyInputList=[policy],
            ActionNames=["ec2:RunInstances"],
            ContextEntries=[
                {"ContextKeyName": "aws:TagKeys", "ContextKeyValues": tag_keys, "ContextKeyType": "stringList"},
                {"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["10.1.2.3"], "ContextKeyType": "ip"},
                {"ContextKeyName": "ec2:count", "ContextKeyValues": ["2"], "ContextKeyType": "numeric"},
            ],
        )["EvaluationResults"][0]["EvalDecision"]

    assert decide(["env"]) == "allowed"
    assert decide(["env", "owner"]) == "implicitDeny"


@pytest.mark.parametrize(
    ("request_", "error", "message"),
    [
        ({"ActionNames": ["s3:GetObject"]}, SimulationInputError, "PolicyInputList is required."),
        ({"PolicyInputList": []}, SimulationInputError, "ActionNames is required."),
        (
            {"PolicyInputList": [], "ActionNames": []},
            SimulationInputError,
            "ActionNames must name at least one action.",
        ),
        (
            {"PolicyInputList": [], "ActionNames": ["a:b"], "Actions": []},
            SimulationInputError,
            "Unknown parameter(s): Actions.",
        ),
        (
            {"PolicyInputList": [], "ActionNames": ["a:b"], "ResourcePolicy": doc(allow())},
            SimulationInputError,
            "CallerArn is required when ResourcePolicy is specified.",
        ),
        (
            {
                "PolicyInputList": [],
                "ActionNames": ["a:b"],
                "ContextEntries": [{"ContextKeyName": "k", "ContextKeyValues": ["v"], "ContextKeyType": "text"}],
            },
            SimulationInputError,
            "ContextEntries.member.1.ContextKeyType must be one of: binary, binaryList, boolean, booleanList, date, "
            "dateList, ip, ipList, numeric, numericList, string, stringList.",
        ),
        (
            {"PolicyInputList": [doc(allow()), "{"], "ActionNames": ["a:b"]},
            PolicyError,
            "PolicyInputList.2: Syntax errors in policy.",
        ),
        (
            {"PolicyInputList": [doc({**allow(), "Principal": "*"})], "ActionNames": ["a:b"]},
            PolicyError,
            "PolicyInputList.1: Policy document should not specify a principal.",
        ),
    ],
)
def test_invalid_requests(request_: dict[str, Any], error: type[Exception], message: str) -> None:
    with pytest.raises(error) as caught:
        simulate_custom_policy(request_)
    assert isinstance(caught.value, PolicyError)
    assert caught.value.message == message


def test_context_keys_for_policies() -> None:
    # KEYS: the condition keys of the given policies, once each (case-insensitively), as written.
    keys = context_keys_for_policies(
        [
            GUARD,
            doc(allow(Condition={"StringEquals": {"AWS:SecureTransport": "x", "aws:PrincipalTag/Team": "red"}})),
            doc(
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "sts:AssumeRole",
                    "Condition": {"StringEquals": {"sts:ExternalId": "x"}},
                }
            ),
        ]
    )
    assert keys == ["aws:SecureTransport", "aws:PrincipalTag/Team", "sts:ExternalId"]


def _cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "policies.engine", *args],
        cwd=ROOT_DIR,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_cli_simulates_each_request_in_order(tmp_path: Path) -> None:
    requests = [
        {"PolicyInputList": [READ], "ActionNames": ["s3:GetObject"], "ResourceArns": ["arn:aws:s3:::bucket/a"]},
        {"PolicyInputList": [READ], "ActionNames": ["s3:PutObject"]},
    ]
    path = tmp_path / "requests.json"
    path.write_text(json.dumps(requests))
    done = _cli("simulate", str(path))
    assert done.returncode == 0, done.stderr
    output = json.loads(done.stdout)
    assert output == [{"EvaluationResults": simulate_custom_policy(r)["EvaluationResults"]} for r in requests]
    assert [o["EvaluationResults"][0]["EvalDecision"] for o in output] == ["allowed", "implicitDeny"]
    single = _cli("simulate", "-", stdin=json.dumps(requests[1]))
    assert json.loads(single.stdout) == output[1:]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid JSON"),
        ("42", "expected a request object or a list of request objects"),
        (
            json.dumps([{"PolicyInputList": ["{"], "ActionNames": ["s3:GetObject"]}]),
            "request 1: MalformedPolicyDocument: PolicyInputList.1: Syntax errors in policy.",
        ),
        (json.dumps({"ActionNames": ["s3:GetObject"]}), "request 1: InvalidInput: PolicyInputList is required."),
    ],
)
def test_cli_rejects_malformed_input_with_status_2(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    done = _cli("simulate", str(path))
    assert done.returncode == 2
    assert message in done.stderr
    assert done.stdout == ""


def test_cli_usage_and_missing_file() -> None:
    assert _cli().returncode == 2
    assert _cli("frobnicate").returncode == 2
    assert _cli("--help").returncode == 0
    missing = _cli("simulate", "/nonexistent/requests.json")
    assert missing.returncode == 2
    assert "cannot read" in missing.stderr


def test_engine_and_cli_never_import_django() -> None:
    code = (
        "import sys, runpy, io, contextlib\n"
        "import policies.engine\n"
        "from policies.engine import simulate_custom_policy\n"
        "simulate_custom_policy({'PolicyInputList': [], 'ActionNames': ['s3:GetObject']})\n"
        "import policies.engine.__main__\n"
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), 'django imported'\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT_DIR, capture_output=True, text=True, check=False, timeout=60
    )
    assert done.returncode == 0, done.stderr


def test_simulate_principal_policy_sources_keep_their_labels() -> None:
    # SimulatePrincipalPolicy gathers the principal's policies itself and reports their own labels.
    group_policy = PolicySource(parse_policy(READ), f"arn:aws:iam::{ACCOUNT}:policy/Readers", "user-managed")
    inline = PolicySource(parse_policy(GUARD), "Guard", "user")
    boundary = PolicySource(
        parse_policy(doc(allow("s3:*", "*")), PolicyKind.BOUNDARY), f"arn:aws:iam::{ACCOUNT}:policy/B", "user-managed"
    )
    results = simulate(
        action_names=["s3:GetObject", "s3:PutObject"],
        principal=Principal(arn=f"arn:aws:iam::{ACCOUNT}:user/alice"),
        context={"aws:SecureTransport": False},
        identity_policies=[group_policy, inline],
        permissions_boundary=boundary,
    )
    get, put = results
    assert get["EvalDecision"] == "explicitDeny"
    assert [(m["SourcePolicyId"], m["SourcePolicyType"]) for m in get["MatchedStatements"]] == [("Guard", "user")]
    # AWS: AllowedByPermissionsBoundary is true when the boundary allows and does not deny.
    assert get["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": True}
    assert put["EvalDecision"] == "explicitDeny"
