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
from collections.abc import Mapping
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


def _structure(parts: list[str], shape: StructureShape, data: Mapping[str, Any]) -> None:
    members = shape.members
    unknown = set(data) - set(members)
    if unknown:
        # A programming error in an awsapi table: fail loudly rather than drop data the client expects.
        raise TypeError(f"{shape.name} has no member(s) {sorted(unknown)}; members are {list(members)}")
    for member_name, member in members.items():
        value = data.get(member_name)
        if value is not None:
            _element(parts, _wire_name(member, member_name), member, value)


def _wire_name(shape: Shape, default: str) -> str:
    return str(shape.serialization.get("name", default))


def _element(parts: list[str], tag: str, shape: Shape, value: Any) -> None:
    if isinstance(shape, ListShape):
        item_tag = _wire_name(shape.member, "member")
        if shape.serialization.get("flattened"):
            for item in value:
                _element(parts, tag, shape.member, item)
            return
        parts.append(f"<{tag}>")
        for item in value:
            _element(parts, item_tag, shape.member, item)
        parts.append(f"</{tag}>")
        return
    if isinstance(shape, MapShape):
        key_tag, value_tag = _wire_name(shape.key, "key"), _wire_name(shape.value, "value")
        flattened = bool(shape.serialization.get("flattened"))
        if not flattened:
            parts.append(f"<{tag}>")
        for key, item in value.items():
            parts.append(f"<{tag}>" if flattened else "<entry>")
            _element(parts, key_tag, shape.key, key)
            _element(parts, value_tag, shape.value, item)
            parts.append(f"</{tag}>" if flattened else "</entry>")
        if not flattened:
            parts.append(f"</{tag}>")
        return
    parts.append(f"<{tag}>")
    if isinstance(shape, StructureShape):
        _structure(parts, shape, value)
    else:
        parts.append(escape(_scalar(shape, value)))
    parts.append(f"</{tag}>")


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
