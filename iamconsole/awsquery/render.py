"""Query API responses rendered as AWS renders them, from botocore's output shapes.

A result is a dict shaped like the operation's output shape (PascalCase member names, as the apps' ``awsapi``
tables build them). It becomes ``<ActionResponse xmlns="…"><ActionResult>…</ActionResult><ResponseMetadata>
<RequestId>…</RequestId></ResponseMetadata></ActionResponse>``, in the service's XML namespace, with lists as
``<member>`` elements, maps as ``<entry><key/><value/></entry>``, booleans ``true``/``false``, timestamps in ISO
8601 (UTC, ``Z``) unless the shape says otherwise, blobs in base64, and policy documents URL-encoded (RFC 3986)
where AWS returns them so: every output member of botocore's ``policyDocumentType`` (role trust policies,
inline policies, policy versions and the documents of GetAccountAuthorizationDetails), the same members botocore
URL-decodes on receipt. Operations without output (``DeleteUser``) render only the response metadata.

Errors render as ``<ErrorResponse><Error><Type>Sender</Type><Code>…</Code><Message>…</Message></Error>
<RequestId>…</RequestId></ErrorResponse>``, which botocore raises as ``ClientError`` with that code.
"""

from __future__ import annotations

import base64
import email.utils
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from enum import Enum
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from botocore.model import ListShape, MapShape, OperationModel, Shape, StructureShape

from iamconsole.errors import IamError

#: The XML namespace of each service's responses.
NAMESPACES: Mapping[str, str] = {
    "iam": "https://iam.amazonaws.com/doc/2010-05-08/",
    "sts": "https://sts.amazonaws.com/doc/2011-06-15/",
}
#: botocore's shape for policy documents; AWS returns it URL-encoded.
POLICY_DOCUMENT_SHAPE = "policyDocumentType"
#: Characters XML 1.0 cannot carry at all, not even as a character reference (NUL, most C0 controls, lone
#: surrogates, U+FFFE and U+FFFF): text that holds them, such as a caller's input echoed in an error message, shows
#: U+FFFD in their place so the document stays well-formed.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
#: Markup characters, and CR, which an XML parser would otherwise turn into LF (so "a\r\nb" comes back intact).
_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})


def escape(text: str) -> str:
    """``text`` as XML character data: markup escaped, CR kept, characters XML cannot carry replaced by U+FFFD."""
    if text.isascii() and text.isprintable():  # the common case: no CR, nothing to replace, only markup to escape
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _NOT_XML.sub("\ufffd", text).translate(_ENTITIES)


def render_result(operation: OperationModel, result: Mapping[str, Any] | None, request_id: str) -> bytes:
    """The XML body of a successful ``operation`` whose output is ``result`` (None when it has no output)."""
    name = operation.name
    namespace = NAMESPACES[operation.service_model.service_name]
    parts = [f'<{name}Response xmlns="{namespace}">']
    output = operation.output_shape
    if output is not None:
        wrapper = str(output.serialization.get("resultWrapper", f"{name}Result"))
        parts.append(f"<{wrapper}>")
        _structure(parts, output, result or {})
        parts.append(f"</{wrapper}>")
    parts.append(f"<ResponseMetadata><RequestId>{escape(request_id)}</RequestId></ResponseMetadata>")
    parts.append(f"</{name}Response>")
    return "".join(parts).encode()


def render_error(error: IamError, service: str, request_id: str) -> bytes:
    """The XML body of ``error`` as AWS sends it (``Sender`` for the caller's faults, ``Receiver`` for ours)."""
    kind = "Sender" if error.sender_fault else "Receiver"
    return (
        f'<ErrorResponse xmlns="{NAMESPACES.get(service, NAMESPACES["iam"])}"><Error><Type>{kind}</Type>'
        f"<Code>{escape(error.code)}</Code><Message>{escape(error.message)}</Message></Error>"
        f"<RequestId>{escape(request_id)}</RequestId></ErrorResponse>"
    ).encode()


#: Writes one element: ``write(parts, tag, value)`` appends ``<tag>…</tag>`` (or, for a flattened list or map, its
#: repeated elements) to ``parts``.
Writer = Callable[[list[str], str, Any], None]
#: Writes the members of a structure (no enclosing tag).
MembersWriter = Callable[[list[str], Mapping[str, Any]], None]

#: The writer of each shape object, built once per process: walking botocore's shape for every value (its type, its
#: serialization options, its members) was most of the cost of rendering a list of 200 roles. Keyed by the object's
#: id; the shape itself is kept in the entry so that the id cannot be reused. botocore's models are loaded once per
#: process (``params.service_model``), so this holds one entry per shape of the two services at most.
_WRITERS: dict[int, tuple[Shape, Writer]] = {}
_MEMBER_WRITERS: dict[int, tuple[StructureShape, MembersWriter]] = {}


def _structure(parts: list[str], shape: StructureShape, data: Mapping[str, Any]) -> None:
    _members_writer(shape)(parts, data)


def _members_writer(shape: StructureShape) -> MembersWriter:
    found = _MEMBER_WRITERS.get(id(shape))
    if found is not None:
        return found[1]
    member_shapes = shape.members
    names = frozenset(member_shapes)
    members = [(name, _wire_name(member, name), _writer(member)) for name, member in member_shapes.items()]

    def write(parts: list[str], data: Mapping[str, Any]) -> None:
        if not names.issuperset(data):
            # A programming error in an awsapi table: fail loudly rather than drop data the client expects.
            unknown = set(data) - names
            raise TypeError(f"{shape.name} has no member(s) {sorted(unknown)}; members are {list(member_shapes)}")
        for name, tag, write_member in members:
            value = data.get(name)
            if value is not None:
                write_member(parts, tag, value)

    _MEMBER_WRITERS[id(shape)] = (shape, write)
    return write


def _wire_name(shape: Shape, default: str) -> str:
    return str(shape.serialization.get("name", default))


def _writer(shape: Shape) -> Writer:
    found = _WRITERS.get(id(shape))
    if found is not None:
        return found[1]

    # While it is built, a shape that contains itself (botocore allows recursive shapes) finds this stand-in.
    def deferred(parts: list[str], tag: str, value: Any) -> None:
        _WRITERS[id(shape)][1](parts, tag, value)

    _WRITERS[id(shape)] = (shape, deferred)
    write = _build_writer(shape)
    _WRITERS[id(shape)] = (shape, write)
    return write


def _build_writer(shape: Shape) -> Writer:
    if isinstance(shape, ListShape):
        return _list_writer(shape)
    if isinstance(shape, MapShape):
        return _map_writer(shape)
    if isinstance(shape, StructureShape):
        members = _members_writer(shape)

        def write_structure(parts: list[str], tag: str, value: Any) -> None:
            parts.append(f"<{tag}>")
            members(parts, value)
            parts.append(f"</{tag}>")

        return write_structure
    if shape.type_name == "string" and shape.name == POLICY_DOCUMENT_SHAPE:

        def write_document(parts: list[str], tag: str, value: Any) -> None:
            # URL-encoded text is letters, digits, "%-._~": nothing to escape for XML.
            parts.append(f"<{tag}>{_url_encoded(str(value.value if isinstance(value, Enum) else value))}</{tag}>")

        return write_document
    text_of = _scalar_text(shape)

    def write_scalar(parts: list[str], tag: str, value: Any) -> None:
        parts.append(f"<{tag}>{escape(text_of(value))}</{tag}>")

    return write_scalar


def _list_writer(shape: ListShape) -> Writer:
    item_shape = shape.member
    item_tag = _wire_name(item_shape, "member")
    write_item = _writer(item_shape)

    if shape.serialization.get("flattened"):

        def write_flattened(parts: list[str], tag: str, value: Any) -> None:
            for item in value:
                write_item(parts, tag, item)

        return write_flattened

    def write_list(parts: list[str], tag: str, value: Any) -> None:
        parts.append(f"<{tag}>")
        for item in value:
            write_item(parts, item_tag, item)
        parts.append(f"</{tag}>")

    return write_list


def _map_writer(shape: MapShape) -> Writer:
    key_shape, value_shape = shape.key, shape.value
    key_tag, value_tag = _wire_name(key_shape, "key"), _wire_name(value_shape, "value")
    flattened = bool(shape.serialization.get("flattened"))

    write_key, write_value = _writer(key_shape), _writer(value_shape)

    def write_map(parts: list[str], tag: str, value: Any) -> None:
        if not flattened:
            parts.append(f"<{tag}>")
        for key, item in value.items():
            parts.append(f"<{tag}>" if flattened else "<entry>")
            write_key(parts, key_tag, key)
            write_value(parts, value_tag, item)
            parts.append(f"</{tag}>" if flattened else "</entry>")
        if not flattened:
            parts.append(f"</{tag}>")

    return write_map


def _scalar_text(shape: Shape) -> Callable[[Any], str]:
    """How a value of this scalar shape is written as text (before XML escaping): strings, most of a response, by the
    shortest path; every other kind as :func:`_scalar` writes it."""
    if shape.type_name == "string":

        def string(value: Any) -> str:
            return str(value.value if isinstance(value, Enum) else value)

        return string

    def scalar(value: Any) -> str:
        return _scalar(shape, value)

    return scalar


def _scalar(shape: Shape, value: Any) -> str:
    if isinstance(value, Enum):
        value = value.value
    kind = shape.type_name
    if kind == "boolean":
        return "true" if value else "false"
    if kind in ("integer", "long"):
        return str(int(value))
    if kind == "timestamp":
        return _timestamp(value, shape.serialization.get("timestampFormat"))
    if kind == "blob":
        raw = value.encode() if isinstance(value, str) else bytes(value)
        return base64.b64encode(raw).decode("ascii")
    text = str(value)
    if shape.name == POLICY_DOCUMENT_SHAPE:
        return _url_encoded(text)
    return text


@lru_cache(maxsize=1024)
def _url_encoded(document: str) -> str:
    # Cached by content: a list of roles repeats a few trust policies, and encoding each was a sixth of ListRoles.
    return quote(document, safe="")


def _timestamp(value: datetime | str, timestamp_format: str | None) -> str:
    if isinstance(value, str):
        return value
    moment = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    if timestamp_format == "unixTimestamp":
        return str(int(moment.timestamp()))
    if timestamp_format == "rfc822":
        return email.utils.format_datetime(moment, usegmt=True)
    # The Query protocol's default, as IAM and STS send it: 2013-04-18T23:36:30Z.
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
