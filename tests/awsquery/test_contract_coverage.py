"""The registry of the contract suite: every IAM and STS operation served on ``/aws`` has a boto3 contract test.

Each ``test_contract_*.py`` module declares the operations it drives in a module-level ``COVERS`` set and ends with
``test_every_declared_operation_succeeded``, which checks, from what boto3 itself saw (an ``after-call`` hook on the
default session every test client comes from), that each declared operation got at least one 2xx answer while that
module ran. So a declaration cannot outlive its test, and an operation added to the catalogue without a contract test
fails :func:`test_every_served_operation_has_a_contract_test`.

A few operations can never succeed on iamconsole because they need a service it does not have (AWS Organizations):
a module declares those in ``REFUSES`` (operation → AWS error code), and its end checks that each was answered with
exactly that code, from what boto3 saw as well.
"""

from __future__ import annotations

import importlib
import os
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from iamconsole import operations
from iamconsole.awsquery import params

#: Module file name → operations that answered 2xx to a boto3 client during that module's tests.
SUCCEEDED: defaultdict[str, set[str]] = defaultdict(set)
#: Module file name → (operation, error code) pairs boto3 received during that module's tests.
REFUSED: defaultdict[str, set[tuple[str, str]]] = defaultdict(set)


def _record(model: Any, http_response: Any, parsed: Any = None, **_: Any) -> None:
    # PYTEST_CURRENT_TEST is "tests/awsquery/test_contract_x.py::test_y (call)": the module of the running test.
    current = os.environ.get("PYTEST_CURRENT_TEST", "")
    if not current:
        return
    module = Path(current.split("::", 1)[0]).name
    if http_response.status_code < 300:
        SUCCEEDED[module].add(model.name)
    elif isinstance(parsed, dict) and parsed.get("Error", {}).get("Code"):
        REFUSED[module].add((model.name, str(parsed["Error"]["Code"])))


if boto3.DEFAULT_SESSION is None:
    boto3.setup_default_session()
assert boto3.DEFAULT_SESSION is not None
boto3.DEFAULT_SESSION.events.register("after-call.*", _record, unique_id="contract-coverage")

COVERS: frozenset[str] = frozenset()


def error_of(call: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """The ``Error`` member of the ClientError the call raises, with its HTTP status as ``Status``."""
    with pytest.raises(ClientError) as caught:
        call(*args, **kwargs)
    return {**caught.value.response["Error"], "Status": caught.value.response["ResponseMetadata"]["HTTPStatusCode"]}


def code_of(call: Any, *args: Any, **kwargs: Any) -> str:
    """The AWS error code the call gets."""
    return str(error_of(call, *args, **kwargs)["Code"])


def check_declared_operations_succeeded(
    request: pytest.FixtureRequest, module_file: str, covers: Iterable[str], refuses: Mapping[str, str] | None = None
) -> None:
    """The end of a contract module: each operation in ``covers`` answered 2xx at least once in this module, and
    each of ``refuses`` answered its error code.

    Skipped when only part of the module was selected (``-k``, a single node id): the check needs the whole module.
    """
    module = request.node.parent
    assert module is not None
    everything = {item.name for item in module.collect()}
    selected = {item.name for item in request.session.items if item.parent is module}
    if selected != everything:
        pytest.skip("only part of the module ran; the coverage check needs all of it")
    never = sorted(set(covers) - SUCCEEDED[Path(module_file).name])
    assert not never, f"declared in COVERS but never answered 2xx: {never}"
    unrefused = sorted(set((refuses or {}).items()) - REFUSED[Path(module_file).name])
    assert not unrefused, f"declared in REFUSES but never answered that error: {unrefused}"


def served_operations() -> set[str]:
    """The catalogue's operations that botocore's IAM or STS model defines, i.e. what boto3 can call on ``/aws``."""
    served = set()
    for name, operation in operations.operations().items():
        if operation.service in ("iam", "sts") and name in params.service_model(operation.service).operation_names:
            served.add(name)
    return served


def declared_operations() -> dict[str, frozenset[str]]:
    """Each contract module's ``COVERS`` and the operations of its ``REFUSES``."""
    declared = {}
    for path in sorted(Path(__file__).parent.glob("test_contract_*.py")):
        module = importlib.import_module(f"tests.awsquery.{path.stem}")
        declared[path.stem] = frozenset(getattr(module, "COVERS", frozenset())) | frozenset(
            getattr(module, "REFUSES", {})
        )
    return declared


def test_every_served_operation_has_a_contract_test() -> None:
    covered = set().union(*declared_operations().values())
    missing = sorted(served_operations() - covered)
    assert not missing, f"operations served on /aws without a boto3 contract test: {missing}"


def test_declarations_name_served_operations_only() -> None:
    served = served_operations()
    for module, covers in declared_operations().items():
        assert covers <= served, f"{module} declares operations /aws does not serve: {sorted(covers - served)}"


def test_the_simulator_and_sts_operations_are_served() -> None:
    # The issue names these explicitly: they must be in the catalogue, not merely covered when present.
    required = {
        "SimulateCustomPolicy",
        "SimulatePrincipalPolicy",
        "GetContextKeysForCustomPolicy",
        "GetContextKeysForPrincipalPolicy",
        "CreateServiceLinkedRole",
        "DeleteServiceLinkedRole",
        "GetServiceLinkedRoleDeletionStatus",
        "GenerateCredentialReport",
        "GetCredentialReport",
        "AssumeRole",
        "AssumeRoleWithWebIdentity",
        "AssumeRoleWithSAML",
        "GetSessionToken",
        "GetCallerIdentity",
        "GetAccessKeyInfo",
    }
    assert required <= served_operations()
