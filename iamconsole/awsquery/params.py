"""Query API requests decoded into an operation's parameters, from botocore's IAM and STS service models.

The AWS Query protocol flattens an operation's input structure into form fields: ``UserName=bob``,
``Tags.member.1.Key=team`` (lists, unless flattened), ``Attributes.entry.1.key`` / ``.value`` (maps), ``true`` /
``false`` for booleans, ISO 8601 for timestamps, base64 for blobs, and an empty ``Tags=`` for an empty list.
:func:`decode` reverses that for any operation, by walking its botocore input shape, and names every parameter at
every level the way botocore does in Python (``xform_name``: ``Tags`` → ``tags``, ``Key`` → ``key``,
``ContextEntries`` → ``context_entries``).

It also checks what AWS checks against the model before an operation runs (required members, lengths, value
ranges, patterns, enums, and the type of each value), and reports every failure in one ``ValidationError`` with
AWS's message form: ``1 validation error detected: Value null at 'roleName' failed to satisfy constraint: Member
must not be null``.
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from functools import cache
from typing import Any

from botocore import xform_name
from botocore.loaders import Loader
from botocore.model import ListShape, MapShape, OperationModel, ServiceModel, Shape, StringShape, StructureShape

from iamconsole.errors import IamError, InvalidAction, ValidationError

#: Policy documents: their character range is the policy grammar's to check (``MalformedPolicyDocument`` in the
#: words of "IAM and AWS STS quotas", from the one parser every face shares), not the model pattern's.
POLICY_DOCUMENT_SHAPES = frozenset(
    {"policyDocumentType", "sessionPolicyDocumentType", "unrestrictedSessionPolicyDocumentType"}
)
#: The API version of each service this endpoint serves; a request must name it in ``Version``.
API_VERSIONS: Mapping[str, str] = {"iam": "2010-05-08", "sts": "2011-06-15"}


class MissingAction(IamError):
    """The request has no ``Action`` parameter at all."""

    code = "MissingAction"
    http_status = 400


@cache
def service_model(service: str) -> ServiceModel:
    """botocore's model of ``iam`` or ``sts`` (loaded once per process)."""
    loader = Loader()
    return ServiceModel(loader.load_service_model(service, "service-2", API_VERSIONS[service]), service_name=service)


def operation_model(service: str, action: str | None, version: str | None) -> OperationModel:
    """The model of ``action`` in ``service`` at ``version``, or the error AWS answers.

    No ``Action`` is ``MissingAction``; an action the service does not have, or another version than the
    service's, is ``InvalidAction`` "Could not find operation ACTION for version VERSION" (``NO_VERSION_SPECIFIED``
    when ``Version`` is absent).
    """
    if not action:
        raise MissingAction("Missing Action")
    model = service_model(service)
    if version != API_VERSIONS[service] or action not in model.operation_names:
        raise InvalidAction(f"Could not find operation {action} for version {version or 'NO_VERSION_SPECIFIED'}")
    return model.operation_model(action)


def decode(operation: OperationModel, form: Mapping[str, str]) -> dict[str, Any]:
    """The snake_case parameters of ``operation`` carried by the Query ``form`` fields (``Action`` and the rest).

    Fields the input shape does not name are ignored, as AWS ignores them. Lists become lists, maps dicts,
    integers ``int``, booleans ``bool``, timestamps aware ``datetime``, blobs ``bytes``. Raises ``ValidationError``
    listing every broken constraint.
    """
    shape = operation.input_shape
    if shape is None:
        return {}
    decoder = _Decoder(form)
    params = decoder.structure(shape, "", "")
    if decoder.errors:
        count = len(decoder.errors)
        raise ValidationError(
            f"{count} validation error{'s' if count > 1 else ''} detected: " + "; ".join(decoder.errors)
        )
    return params


def _children(form: Iterable[str]) -> dict[str, set[str]]:
    """For every dotted prefix of a field name, the next segments seen after it (``""`` is the root)."""
    children: dict[str, set[str]] = {}
    for name in form:
        prefix = ""
        for segment in name.split("."):
            children.setdefault(prefix, set()).add(segment)
            prefix = f"{prefix}.{segment}" if prefix else segment
    return children


def _wire_name(shape: Shape, default: str) -> str:
    return str(shape.serialization.get("name", default))


def _camel(name: str) -> str:
    # AWS names a member in validation messages by its name with the first letter lowered ('roleName').
    return name[:1].lower() + name[1:]


class _Decoder:
    """One decoding pass over a form: values out, constraint failures collected in ``errors``."""

    def __init__(self, form: Mapping[str, str]) -> None:
        self.form = form
        self.children = _children(form)
        self.errors: list[str] = []

    def present(self, key: str) -> bool:
        return key in self.form or key in self.children

    def structure(self, shape: StructureShape, prefix: str, path: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        required = set(shape.required_members)
        for name, member in shape.members.items():
            wire = _wire_name(member, name)
            key = f"{prefix}.{wire}" if prefix else wire
            member_path = f"{path}.{_camel(name)}" if path else _camel(name)
            if not self.present(key):
                if name in required:
                    self.errors.append(
                        f"Value null at '{member_path}' failed to satisfy constraint: Member must not be null"
                    )
                continue
            errors_before = len(self.errors)
            value = self.value(member, key, member_path)
            if value is not None:
                out[xform_name(name)] = value
            elif name in required and len(self.errors) == errors_before:
                self.errors.append(
                    f"Value null at '{member_path}' failed to satisfy constraint: Member must not be null"
                )
        return out

    def value(self, shape: Shape, key: str, path: str) -> Any:
        if isinstance(shape, StructureShape):
            return self.structure(shape, key, path)
        if isinstance(shape, ListShape):
            return self.list(shape, key, path)
        if isinstance(shape, MapShape):
            return self.map(shape, key, path)
        raw = self.form.get(key)
        if raw is None:
            return None
        return self.scalar(shape, raw, path)

    def _indexes(self, prefix: str) -> list[int]:
        return sorted(
            int(segment) for segment in self.children.get(prefix, ()) if segment.isascii() and segment.isdigit()
        )

    def list(self, shape: ListShape, key: str, path: str) -> list[Any]:
        member = shape.member
        items_prefix = key if shape.serialization.get("flattened") else f"{key}.{_wire_name(member, 'member')}"
        items = []
        for index in self._indexes(items_prefix):
            item = self.value(member, f"{items_prefix}.{index}", f"{path}.{index}.member")
            if item is not None:
                items.append(item)
        self.check_length(shape, items, len(items), path)
        return items

    def map(self, shape: MapShape, key: str, path: str) -> dict[Any, Any]:
        entries_prefix = key if shape.serialization.get("flattened") else f"{key}.entry"
        key_name, value_name = _wire_name(shape.key, "key"), _wire_name(shape.value, "value")
        out: dict[Any, Any] = {}
        for index in self._indexes(entries_prefix):
            entry = f"{entries_prefix}.{index}"
            entry_key = self.value(shape.key, f"{entry}.{key_name}", f"{path}.{index}.key")
            if entry_key is None:
                self.errors.append(
                    f"Value null at '{path}.{index}.key' failed to satisfy constraint: Member must not be null"
                )
                continue
            out[entry_key] = self.value(shape.value, f"{entry}.{value_name}", f"{path}.{index}.value")
        self.check_length(shape, out, len(out), path)
        return out

    def scalar(self, shape: Shape, raw: str, path: str) -> Any:
        kind = shape.type_name
        if kind == "string":
            self.check_string(shape, raw, path)
            return raw
        if kind in ("integer", "long"):
            if not re.fullmatch(r"[+-]?[0-9]{1,19}", raw):
                return self.wrong_type(shape, raw, path, "Member must be a number")
            number = int(raw)
            self.check_range(shape, number, path)
            return number
        if kind in ("float", "double"):
            try:
                return float(raw)
            except ValueError:
                return self.wrong_type(shape, raw, path, "Member must be a number")
        if kind == "boolean":
            if raw.lower() not in ("true", "false"):
                return self.wrong_type(shape, raw, path, "Member must be a boolean (true or false)")
            return raw.lower() == "true"
        if kind == "timestamp":
            try:
                stamp = datetime.fromisoformat(raw)
            except ValueError:
                return self.wrong_type(shape, raw, path, "Member must be a timestamp in ISO 8601 format")
            return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
        if kind == "blob":
            try:
                blob = base64.b64decode(raw, validate=True)
            except (binascii.Error, ValueError):
                return self.wrong_type(shape, raw, path, "Member must be base64-encoded")
            self.check_length(shape, blob, len(blob), path)
            return blob
        return raw

    def _value_at(self, shape: Shape, value: object, path: str) -> str:
        # AWS leaves sensitive values (passwords, secrets) out of its messages.
        if shape.metadata.get("sensitive"):
            return f"Value at '{path}'"
        if isinstance(value, list | dict):
            value = "[" + ", ".join(str(item) for item in value) + "]"
        return f"Value '{value}' at '{path}'"

    def wrong_type(self, shape: Shape, raw: str, path: str, constraint: str) -> None:
        self.errors.append(f"{self._value_at(shape, raw, path)} failed to satisfy constraint: {constraint}")

    def fail(self, shape: Shape, value: object, path: str, constraint: str) -> None:
        self.errors.append(f"{self._value_at(shape, value, path)} failed to satisfy constraint: {constraint}")

    def check_length(self, shape: Shape, value: object, length: int, path: str) -> None:
        self._check_bounds(shape, value, length, path, "length")

    def check_range(self, shape: Shape, number: int, path: str) -> None:
        self._check_bounds(shape, number, number, path, "value")

    def _check_bounds(self, shape: Shape, value: object, measure: int, path: str, measured: str) -> None:
        """The shape's ``min`` and ``max`` applied to ``measure`` (a length or the number itself), in botocore's
        wording: "Member must have {measured} greater than or equal to {min}"."""
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        if low is not None and measure < low:
            self.fail(shape, value, path, f"Member must have {measured} greater than or equal to {low}")
        if high is not None and measure > high:
            self.fail(shape, value, path, f"Member must have {measured} less than or equal to {high}")

    def check_string(self, shape: Shape, value: str, path: str) -> None:
        self.check_length(shape, value, len(value), path)
        pattern = shape.metadata.get("pattern")
        if pattern is not None and shape.name not in POLICY_DOCUMENT_SHAPES and not _matcher(pattern)(value):
            self.fail(shape, value, path, f"Member must satisfy regular expression pattern: {pattern}")
        enum = shape.enum if isinstance(shape, StringShape) else None
        if enum and value not in enum:
            self.fail(shape, value, path, f"Member must satisfy enum value set: [{', '.join(enum)}]")


@cache
def _matcher(pattern: str) -> Callable[[str], bool]:
    """A whole-string matcher for a model pattern (AWS's patterns are Java regular expressions, matched in full).

    Java's ``\\w``, ``\\d`` and ``\\s`` are ASCII classes (``[a-zA-Z_0-9]`` for ``\\w``), so the patterns compile with
    ``re.ASCII``: ``café`` does not match ``[\\w+=,.@-]+``, as AWS refuses it. Python's ``re`` lacks Java's ``\\p{L}``
    Unicode classes, which the tag patterns use inside one character class
    (``[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+``); those are matched by Unicode category instead.
    """
    try:
        compiled = re.compile(pattern, re.ASCII)
    except re.error:
        found = re.fullmatch(r"\[(.*)\]([*+])", pattern)
        if found is None or "\\p{" not in found.group(1):
            return lambda value: True  # a pattern this module cannot read is left to the service
        body, quantifier = found.groups()
        categories = frozenset(re.findall(r"\\p\{(\w)\}", body))
        rest = re.sub(r"\\p\{\w\}", "", body)
        others = re.compile(f"[{rest}]", re.ASCII) if rest else None

        def matches(value: str) -> bool:
            if quantifier == "+" and not value:
                return False
            return all(
                unicodedata.category(char)[0] in categories
                or (others is not None and others.fullmatch(char) is not None)
                for char in value
            )

        return matches
    return lambda value: compiled.fullmatch(value) is not None
