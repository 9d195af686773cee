"""Request and response bodies of the REST API, read from botocore's model of each operation, in snake_case.

The catalogue's operations are AWS's, so their input and output structures are botocore's: an input serializer is
built from the operation's input shape (types, required members, lengths, ranges and enums; the rules stay in the
services), and a result, shaped by the apps' ``awsapi`` tables as the Query API shapes it, is turned into JSON by
walking the output shape and naming every member as botocore does in Python (``RoleName`` → ``role_name``). The
OpenAPI schema of every body comes from the same shapes, so the documentation cannot drift from what is served.

iamconsole's own operations (role sessions) have no botocore model: their PascalCase results are renamed key by key.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from botocore import xform_name
from botocore.loaders import Loader
from botocore.model import ListShape, MapShape, OperationModel, ServiceModel, Shape, StringShape, StructureShape
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from iamconsole import operations
from iamconsole.awsquery import params as query_params
from iamconsole.restapi.pagination import page_schema

#: Members holding a JSON policy document: a client may send the document as a JSON object or as its text.
POLICY_DOCUMENT_SHAPES = query_params.POLICY_DOCUMENT_SHAPES | {"policyDocumentType", "PolicyDocument"}

#: Paging is the paginator's (``cursor`` and ``page_size``), never a body or query member of its own.
PAGING_MEMBERS = frozenset({"marker", "max_items"})

_SERVICE_MODELS = {"access-analyzer": ("accessanalyzer", "2019-11-01")}


@cache
def _service_model(service: str) -> ServiceModel:
    if service in query_params.API_VERSIONS:
        return query_params.service_model(service)
    name, version = _SERVICE_MODELS[service]
    return ServiceModel(Loader().load_service_model(name, "service-2", version), service_name=name)


def operation_model(name: str) -> OperationModel | None:
    """botocore's model of the catalogue's operation ``name``; None for iamconsole's own operations."""
    service = operations.get_operation(name).service
    model = _service_model(service)
    return model.operation_model(name) if name in model.operation_names else None


_STRING = {"type": "string"}
#: One session of iamconsole's session lists (``sts.awsapi.session_shape``), in snake_case; never a secret.
SESSION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["access_key_id", "issued_to", "issued_at", "expiration", "multi_factor_authenticated"],
    "properties": {
        "access_key_id": _STRING,
        "issued_to": _STRING,
        "issued_at": {"type": "string", "format": "date-time"},
        "expiration": {"type": "string", "format": "date-time"},
        "multi_factor_authenticated": {"type": "boolean"},
        "role_name": _STRING,
        "role_session_name": _STRING,
        "federated_user_name": _STRING,
        "user_name": _STRING,
        "source_identity": _STRING,
        "tags": {
            "type": "array",
            "items": {"type": "object", "required": ["key", "value"], "properties": {"key": _STRING, "value": _STRING}},
        },
    },
}
#: The outputs of iamconsole's own operations, which botocore does not model: operation → member → schema.
OWN_OUTPUTS: dict[str, dict[str | None, dict[str, Any]]] = {
    "ListRoleSessions": {"Sessions": {"type": "array", "items": SESSION_SCHEMA}},
    "ListAccountSessions": {"Sessions": {"type": "array", "items": SESSION_SCHEMA}},
    "RevokeRoleSession": {"Session": SESSION_SCHEMA},
    "RevokeOlderRoleSessions": {
        None: {
            "type": "object",
            "required": ["policy_name", "policy_document"],
            "properties": {"policy_name": _STRING, "policy_document": _STRING},
        }
    },
}


def output_shape(name: str, member: str | None = None) -> Shape | None:
    """The output shape of operation ``name``, or of its ``member`` (``"Role"`` of GetRole)."""
    model = operation_model(name)
    shape = model.output_shape if model else None
    if isinstance(shape, StructureShape) and member is not None:
        return shape.members[member]
    return shape


# --- responses ---------------------------------------------------------------------------------------------------


def to_json(shape: Shape | None, value: Any) -> Any:
    """``value`` (botocore-shaped, PascalCase) as the REST API's JSON: snake_case members, ISO times, base64 blobs."""
    if shape is None:
        return _renamed(value)
    if isinstance(shape, StructureShape):
        return {
            xform_name(name): to_json(member, value[name]) for name, member in shape.members.items() if name in value
        }
    if isinstance(shape, ListShape):
        return [to_json(shape.member, item) for item in value]
    if isinstance(shape, MapShape):
        return {key: to_json(shape.value, item) for key, item in value.items()}
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


def _renamed(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {xform_name(str(key)): _renamed(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_renamed(item) for item in value]
    return value


def schema_of(shape: Shape | None) -> dict[str, Any]:
    """The OpenAPI schema of what :func:`to_json` makes of a value of ``shape``."""
    if shape is None:
        return {"type": "object", "additionalProperties": True}
    if isinstance(shape, StructureShape):
        properties = {xform_name(name): schema_of(member) for name, member in shape.members.items()}
        schema: dict[str, Any] = {"type": "object", "properties": properties}
        required = [xform_name(name) for name in shape.required_members]
        if required:
            schema["required"] = required
        return schema
    if isinstance(shape, ListShape):
        return {"type": "array", "items": schema_of(shape.member)}
    if isinstance(shape, MapShape):
        return {"type": "object", "additionalProperties": schema_of(shape.value)}
    kind = shape.type_name
    if kind in ("integer", "long"):
        return {"type": "integer"}
    if kind in ("float", "double"):
        return {"type": "number"}
    if kind == "boolean":
        return {"type": "boolean"}
    if kind == "timestamp":
        return {"type": "string", "format": "date-time"}
    if kind == "blob":
        return {"type": "string", "format": "byte"}
    schema = {"type": "string"}
    if isinstance(shape, StringShape) and shape.enum:
        schema["enum"] = list(shape.enum)
    return schema


#: The member of a row that names which of an answer's lists it came from (``User``, ``Group``, ...).
KIND = "entity_type"


def kinded_rows(name: str, body: Mapping[str, Any], lists: Mapping[str, str]) -> list[dict[str, Any]]:
    """The rows of an answer holding several lists (``lists``: output member to kind), as one list in the order of
    ``lists``, each row with its kind: a page of ListEntitiesForPolicy is its groups, then users, then roles."""
    return [
        {KIND: kind, **row}
        for member, kind in lists.items()
        for row in to_json(output_shape(name, member), body.get(member, []))
    ]


def _kinded_schema(name: str, lists: Mapping[str, str]) -> dict[str, Any]:
    variants = []
    for member, kind in lists.items():
        item = dict(schema_of(output_shape(name, member))["items"])
        item["properties"] = {KIND: {"type": "string", "enum": [kind]}, **item.get("properties", {})}
        item["required"] = [KIND, *item.get("required", [])]
        variants.append(item)
    return {"type": "array", "items": {"oneOf": variants}}


def response_schema(name: str, member: str | Mapping[str, str] | None = None, *, paged: bool = False) -> dict[str, Any]:
    """The schema of operation ``name``'s answer: its ``member``, or the page of rows a List operation returns
    (``member`` maps output members to kinds when the rows come from several lists: :func:`kinded_rows`)."""
    own = OWN_OUTPUTS.get(name, {})
    if isinstance(member, Mapping):
        schema = _kinded_schema(name, member)
    else:
        schema = own[member] if member in own else schema_of(output_shape(name, member))
    return page_schema(schema) if paged else schema


# --- requests ----------------------------------------------------------------------------------------------------


@extend_schema_field(
    {
        "oneOf": [{"type": "string"}, {"type": "object", "additionalProperties": True}],
        "description": "A JSON policy document, as its text or as a JSON object.",
    }
)
class PolicyDocumentField(serializers.Field[str, Any, str, Any]):
    """A policy document: its JSON text, or the JSON object itself (sent on as its text)."""

    default_error_messages = {"invalid": "Must be a policy document: a JSON object or its text."}

    def to_internal_value(self, data: Any) -> str:
        if isinstance(data, Mapping | list):
            return json.dumps(data)
        if isinstance(data, str) and data:
            return data
        self.fail("invalid")
        raise AssertionError  # pragma: no cover  (fail raises)

    def to_representation(self, value: str) -> str:
        return value


class StrictCharField(serializers.CharField):
    """A string that must be sent as a string: DRF would quietly turn ``12`` or ``true`` into text."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


def _field(shape: Shape, required: bool) -> serializers.Field[Any, Any, Any, Any]:
    # botocore's documentation is AWS's text: the schema names the operation and its members, and leaves the words
    # to AWS's reference.
    options: dict[str, Any] = {"required": required}
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if isinstance(shape, StructureShape):
        return _serializer_class(shape, prefix="")(**options)
    if isinstance(shape, ListShape):
        return serializers.ListField(child=_field(shape.member, True), min_length=low, max_length=high, **options)
    if isinstance(shape, MapShape):
        return serializers.DictField(child=_field(shape.value, True), **options)
    if shape.name in POLICY_DOCUMENT_SHAPES:
        return PolicyDocumentField(**options)
    kind = shape.type_name
    if kind in ("integer", "long"):
        return serializers.IntegerField(min_value=low, max_value=high, **options)
    if kind in ("float", "double"):
        return serializers.FloatField(**options)
    if kind == "boolean":
        return serializers.BooleanField(**options)
    if kind == "timestamp":
        return serializers.DateTimeField(**options)
    if isinstance(shape, StringShape) and shape.enum:
        return serializers.ChoiceField(choices=list(shape.enum), **options)
    return StrictCharField(
        min_length=low or None, max_length=high, allow_blank=not low, trim_whitespace=False, **options
    )


_CLASSES: dict[str, type[serializers.Serializer[Any]]] = {}


def _serializer_class(
    shape: StructureShape, *, prefix: str, exclude: Iterable[str] = (), name: str | None = None
) -> type[serializers.Serializer[Any]]:
    class_name = name or f"{prefix}{shape.name[:1].upper()}{shape.name[1:]}Input"
    if class_name in _CLASSES:
        return _CLASSES[class_name]
    skipped = set(exclude)
    required = set(shape.required_members)
    fields: dict[str, Any] = {}
    for member_name, member in shape.members.items():
        field_name = xform_name(member_name)
        if field_name in skipped:
            continue
        fields[field_name] = _field(member, member_name in required)
    serializer = type(class_name, (serializers.Serializer,), {**fields, "__module__": __name__})
    _CLASSES[class_name] = serializer
    return serializer


def input_serializer(
    name: str,
    *,
    exclude: Iterable[str] = (),
    only: Iterable[str] | None = None,
    class_name: str | None = None,
    paged: bool = True,
) -> type[serializers.Serializer[Any]]:
    """A serializer of what a request to operation ``name`` may say: botocore's input members, less those the URL
    names (``exclude``) and paging, or ``only`` those listed; a member the catalogue does not implement is left out.
    ``class_name`` (``NAMERequest`` by default) names it in the schema: one name per set of members. ``paged``: the
    paginator's cursor stands for ``marker`` and ``max_items``; otherwise (an answer with several lists, such as
    ListEntitiesForPolicy) they are members like the others."""
    class_name = class_name or f"{name}Request"
    model = operation_model(name)
    shape = model.input_shape if model else None
    accepted = operations.accepted_parameters(operations.get_operation(name))
    skipped = set(exclude) | (PAGING_MEMBERS if paged else set())
    if shape is None:
        return type(class_name, (serializers.Serializer,), {"__module__": __name__})
    if not isinstance(shape, StructureShape):
        raise TypeError(f"{name}'s input is not a structure")
    members = [xform_name(member) for member in shape.members]
    wanted = set(only) if only is not None else set(members)
    skipped |= {member for member in members if member not in wanted or member not in accepted}
    return _serializer_class(shape, prefix="", exclude=skipped, name=class_name)


def shaped(name: str, result: Any) -> dict[str, Any]:
    """The result of operation ``name`` shaped as botocore's output shape (PascalCase), as the Query API renders it."""
    shaper = operations.output_shapers().get(name)
    if shaper is not None:
        return shaper(result)
    if isinstance(result, Mapping):
        return dict(result)
    return {}
