"""Never a 500 for client input: every served operation, called with nothing, with values of the right type but
nonsense content, and with values of the wrong type, answers with an AWS error (4xx) or a success, never a 5xx.

The inputs are generated from botocore's input shapes, so an operation added later is covered without a change here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

import botocore.session
import pytest

from iamconsole import operations

pytestmark = pytest.mark.django_db(transaction=True)
VERSIONS = {"iam": "2010-05-08", "sts": "2011-06-15"}


def served() -> list[tuple[str, str]]:
    session = botocore.session.get_session()
    models = {service: set(session.get_service_model(service).operation_names) for service in VERSIONS}
    return sorted(
        (operation.service, name)
        for name, operation in operations.operations().items()
        if operation.service in models and name in models[operation.service]
    )


def plausible(shape: Any, prefix: str) -> Iterator[tuple[str, str]]:
    """Form fields that pass the model's constraints where that is easy, so the request reaches the services."""
    kind = shape.type_name
    if kind == "structure":
        for member, member_shape in shape.members.items():
            yield from plausible(member_shape, f"{prefix}.{member}" if prefix else member)
    elif kind == "list":
        yield from plausible(shape.member, f"{prefix}.member.1")
    elif kind == "map":
        yield f"{prefix}.entry.1.key", "k"
        yield from plausible(shape.value, f"{prefix}.entry.1.value")
    elif kind in ("integer", "long"):
        yield prefix, str(shape.metadata.get("min", 1))
    elif kind == "boolean":
        yield prefix, "false"
    elif kind == "timestamp":
        yield prefix, "2030-01-01T00:00:00Z"
    elif kind == "blob":
        yield prefix, "aGVsbG8="
    elif "enum" in shape.metadata:
        yield prefix, shape.metadata["enum"][0]
    else:
        text = "robust-name"
        yield prefix, (text * 20)[: max(shape.metadata.get("min", 1), min(len(text), shape.metadata.get("max", 64)))]


def nonsense(shape: Any, prefix: str, *, wrong_type: bool) -> Iterator[tuple[str, str]]:
    """Form fields for ``shape`` at ``prefix``: well-typed nonsense, or text where numbers and booleans go."""
    kind = shape.type_name
    if kind == "structure":
        for member, member_shape in shape.members.items():
            yield from nonsense(member_shape, f"{prefix}.{member}" if prefix else member, wrong_type=wrong_type)
    elif kind == "list":
        yield from nonsense(shape.member, f"{prefix}.member.1", wrong_type=wrong_type)
    elif kind == "map":
        yield f"{prefix}.entry.1.key", "k"
        yield from nonsense(shape.value, f"{prefix}.entry.1.value", wrong_type=wrong_type)
    elif kind in ("integer", "long"):
        yield prefix, "many" if wrong_type else "-7"
    elif kind == "boolean":
        yield prefix, "maybe" if wrong_type else "true"
    elif kind == "timestamp":
        yield prefix, "yesterday" if wrong_type else "1999-12-31T23:59:59Z"
    elif kind == "blob":
        yield prefix, "%%%not-base64" if wrong_type else "aGVsbG8="
    else:
        yield prefix, "../x\u00e9%00" if wrong_type else "arn:aws:iam::000000000000:nonsense/x"


def form_for(service: str, name: str, fields: list[tuple[str, str]]) -> str:
    pairs = [("Action", name), ("Version", VERSIONS[service]), *fields]
    return "&".join(f"{quote(key, safe='')}={quote(value, safe='')}" for key, value in pairs)


def test_no_operation_answers_a_server_error(raw: Callable[..., Any]) -> None:
    session = botocore.session.get_session()
    failures = []
    for service, name in served():
        shape = session.get_service_model(service).operation_model(name).input_shape
        variants: dict[str, list[tuple[str, str]]] = {"nothing": []}
        if shape is not None:
            variants["plausible"] = list(plausible(shape, ""))
            variants["nonsense"] = list(nonsense(shape, "", wrong_type=False))
            variants["wrong types"] = list(nonsense(shape, "", wrong_type=True))
        for label, fields in variants.items():
            response = raw(form_for(service, name, fields).encode(), service=service)
            if response.status >= 500 or (b"<ErrorResponse" not in response.data and response.status >= 400):
                failures.append(f"{name} ({label}): {response.status} {response.data[:200]!r}")
    assert not failures, "\n".join(failures)
