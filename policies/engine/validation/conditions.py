"""Checks of a statement's ``Condition`` block: operators, keys, values and their types.

Mirrors the condition checks of IAM Access Analyzer's policy check reference: unknown or
misused operators (``INVALID_CONDITION_OPERATOR``, ``NULL_WITH_IF_EXISTS``), unknown keys
(``INVALID_GLOBAL_CONDITION_KEY``, ``INVALID_SERVICE_CONDITION_KEY``), operator/key type
mismatches (``TYPE_MISMATCH``) and values that cannot match (``TYPE_MISMATCH_NUMBER``,
``PRIVATE_IP_ADDRESS``, …). The keys found are returned so the statement checks can test them
against the statement's actions.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from policies.engine.catalog import Catalog, ConditionKeyInfo
from policies.engine.locjson import JArray, JBool, JNumber, JObject, JString, Node

__all__ = ["ConditionKey", "Reporter", "check_condition", "check_variables"]

Path = tuple[str | int, ...]
Reporter = Callable[..., None]  # (code, node, path, **params)

_FAMILIES: dict[str, str] = {}
for _family, _names in {
    "String": "StringEquals StringNotEquals StringEqualsIgnoreCase StringNotEqualsIgnoreCase StringLike StringNotLike",
    "Numeric": "NumericEquals NumericNotEquals NumericLessThan NumericLessThanEquals NumericGreaterThan "
    "NumericGreaterThanEquals",
    "Date": "DateEquals DateNotEquals DateLessThan DateLessThanEquals DateGreaterThan DateGreaterThanEquals",
    "Bool": "Bool",
    "Binary": "BinaryEquals",
    "IpAddress": "IpAddress NotIpAddress",
    "Arn": "ArnEquals ArnLike ArnNotEquals ArnNotLike",
    "Null": "Null",
}.items():
    for _name in _names.split():
        _FAMILIES[_name.lower()] = _family

# Which operator families suit a key of each documented data type.
_OPERATORS_FOR_TYPE = {
    "String": ("String",),
    "ARN": ("Arn", "String"),
    "Bool": ("Bool",),
    "Date": ("Date",),
    "Numeric": ("Numeric",),
    "IPAddress": ("IpAddress",),
    "Binary": ("Binary",),
}
_EXACT_STRING_OPERATORS = {"stringequals", "stringnotequals", "stringequalsignorecase", "stringnotequalsignorecase"}
_TAG_KEYS = {"aws:resourcetag", "aws:requesttag", "aws:principaltag"}
_PAIRED_KEYS = {"aws:vpcsourceip": ("aws:SourceVpc",)}
_KEY_FORMAT = re.compile(r"[^:\s]+:\S+")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")
_VARIABLE = re.compile(r"\$\{([^}]*)\}")
# RFC 1918 and RFC 4193 ranges: what a request through the internet can never come from.
_PRIVATE = tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"))


def _is_private(network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> bool:
    return any(network.version == p.version and network.subnet_of(p) for p in _PRIVATE)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class ConditionKey:
    """A key used in the condition block, where it was written and what the catalogue knows."""

    name: str
    node: JString
    path: Path
    operator: str  # canonical base operator, e.g. StringEquals
    info: ConditionKeyInfo | None


def _scalar_values(value: Node, path: Path, report: Reporter) -> list[tuple[Node, Path]] | None:
    if isinstance(value, JArray):
        items: list[tuple[Node, Path]] = []
        for index, item in enumerate(value.items):
            if isinstance(item, JString | JNumber | JBool):
                items.append((item, (*path, index)))
            else:
                report("DATA_TYPE_MISMATCH", item, (*path, index), expected="string")
        return items
    if isinstance(value, JString | JNumber | JBool):
        return [(value, path)]
    report("DATA_TYPE_MISMATCH", value, path, expected="string or array")
    return None


def _text(node: Node) -> str:
    if isinstance(node, JString):
        return node.value
    if isinstance(node, JBool):
        return "true" if node.value else "false"
    if isinstance(node, JNumber):
        return node.text
    return ""


def check_variables(node: JString, path: Path, report: Reporter) -> bool:
    """Report malformed ``${…}`` policy variables in a value; True when it has any variable."""
    value = node.value
    if "${" not in value:
        return False
    tail = value
    while "${" in tail:
        tail = tail[tail.index("${") + 2 :]
        if "}" not in tail:
            report("MISSING_BRACE_IN_VARIABLE", node, path)
            return True
    for match in _VARIABLE.finditer(value):
        if not match.group(1).strip():
            report("EMPTY_VARIABLE", node, path)
    return True


def _check_value(
    family: str,
    operator: str,
    key: str,
    node: Node,
    path: Path,
    report: Reporter,
    sink: list[ipaddress.IPv4Network | ipaddress.IPv6Network],
) -> None:
    text = _text(node)
    if isinstance(node, JString) and check_variables(node, path, report):
        if family not in ("String", "Arn"):
            report("INVALID_VARIABLE_FOR_OPERATOR", node, path)
        return
    if family == "Numeric":
        try:
            float(text)
        except ValueError:
            report("TYPE_MISMATCH_NUMBER", node, path)
    elif family == "Date":
        if re.fullmatch(r"-?\d+", text):
            report("INVALID_DATE_VALUE", node, path)
        elif not _is_iso_date(text):
            report("TYPE_MISMATCH_DATE", node, path)
    elif family == "Bool":
        if text.lower() not in ("true", "false"):
            report("TYPE_MISMATCH_BOOLEAN", node, path)
    elif family == "Binary":
        try:
            base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            report("TYPE_MISMATCH_STRING", node, path)
    elif family == "IpAddress":
        try:
            network = ipaddress.ip_network(text, strict=False)
        except ValueError:
            report("TYPE_MISMATCH_IP_RANGE", node, path)
            return
        if "/" in text and str(network) != text and network.with_prefixlen != text.lower():
            report("IMPROVE_IP_RANGE", node, path, suggested=network.with_prefixlen)
        sink.append(network)
    elif family == "String" and operator.lower() in _EXACT_STRING_OPERATORS and any(c in text for c in "*?"):
        report("WILDCARD_WITHOUT_LIKE_OPERATOR", node, path)


def _is_iso_date(text: str) -> bool:
    if not _ISO_DATE.fullmatch(text):
        return False
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _parse_operator(name: str) -> tuple[str | None, str | None, bool]:
    """(qualifier, canonical base operator or None, IfExists) of a condition operator name."""
    qualifier = None
    base = name
    for candidate in ("ForAllValues", "ForAnyValue"):
        if name.lower().startswith(candidate.lower() + ":"):
            qualifier, base = candidate, name[len(candidate) + 1 :]
            break
    if_exists = base.lower().endswith("ifexists") and base.lower() != "ifexists"
    if if_exists:
        base = base[: -len("IfExists")]
    return qualifier, (base if base.lower() in _FAMILIES else None), if_exists


def _lookup_key(catalog: Catalog, key: JString, path: Path, report: Reporter) -> tuple[bool, ConditionKeyInfo | None]:
    """Validate a key's name; (known or acceptable, catalogue entry if any)."""
    name = key.value
    if not _KEY_FORMAT.fullmatch(name):
        report("INVALID_CONDITION_KEY_FORMAT", key, path)
        return False, None
    prefix = name.split(":", 1)[0]
    lowered = name.lower()
    if prefix.lower() == "aws":
        if lowered == "aws:arn":
            report("UNSUPPORTED_GLOBAL_CONDITION_KEY", key, path)
            return False, None
        if lowered in _TAG_KEYS or (lowered.endswith("/") and lowered[:-1] in _TAG_KEYS):
            report("MISSING_TAG_KEY_IN_CONDITION", key, path, key=name.rstrip("/"))
            return False, None
        info = catalog.global_condition_key(name)
        if info is None:
            report("INVALID_GLOBAL_CONDITION_KEY", key, path, key=name)
            return False, None
        return True, info
    service = catalog.service(prefix)
    if service is not None:
        info = catalog.find_condition_key(name)
        if info is None:
            report("INVALID_SERVICE_CONDITION_KEY", key, path, key=name, service=service.prefix)
            return False, None
        return True, info
    # Identity-provider keys (accounts.google.com:aud, token.actions.githubusercontent.com:sub, …).
    if catalog.is_condition_prefix(prefix) or "." in prefix or "/" in prefix:
        return True, None
    report("INVALID_SERVICE", key, path, service=prefix)
    return False, None


def check_condition(
    catalog: Catalog, node: Node, path: Path, effect: str | None, report: Reporter
) -> list[ConditionKey]:
    """Check a ``Condition`` element; return the valid keys it uses, for statement-level checks."""
    keys: list[ConditionKey] = []
    if not isinstance(node, JObject):
        report("DATA_TYPE_MISMATCH", node, path, expected="object")
        return keys
    if not node.members:
        report("EMPTY_OBJECT_CONDITION", node, path)
        return keys
    all_keys = {m.key.value.lower() for op in node.members if isinstance(op.value, JObject) for m in op.value.members}
    for op_member in node.members:
        op_name = op_member.key.value
        op_path = (*path, op_name)
        qualifier, base, if_exists = _parse_operator(op_name)
        if base is None:
            report("INVALID_CONDITION_OPERATOR", op_member.key, op_path, operator=op_name)
            continue
        family = _FAMILIES[base.lower()]
        if family == "Null" and if_exists:
            report("NULL_WITH_IF_EXISTS", op_member.key, op_path)
        if family == "Null" and qualifier:
            report("NULL_WITH_QUALIFIER", op_member.key, op_path)
        block = op_member.value
        if not isinstance(block, JObject):
            report("DATA_TYPE_MISMATCH", block, op_path, expected="object")
            continue
        if not block.members:
            report("EMPTY_OBJECT_CONDITION", block, op_path)
            continue
        spellings: dict[str, str] = {}
        for member in block.members:
            name = member.key.value
            key_path = (*op_path, name)
            first = spellings.setdefault(name.lower(), name)
            if first != name:
                report("DUPLICATE_KEYS_WITH_DIFFERENT_CASE", member.key, key_path, key=name)
            known, info = _lookup_key(catalog, member.key, key_path, report)
            values = _scalar_values(member.value, key_path, report)
            if values is not None and not values and isinstance(member.value, JArray):
                code = "EMPTY_ARRAY_CONDITION"
                if qualifier:
                    code += "_" + qualifier.upper()
                elif if_exists:
                    code += "_IFEXISTS"
                report(code, member.value, key_path)
            if values and family == "Bool" and len(values) > 1:
                report("INVALID_CONDITION_MULTIPLE_BOOLEAN", member.value, key_path)
            networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
            for value, value_path in values or ():
                if family != "Null":
                    _check_value(family, base, name, value, value_path, report, networks)
                elif _text(value).lower() not in ("true", "false"):
                    report("TYPE_MISMATCH_BOOLEAN", value, value_path)
            if not known:
                continue
            if info is not None and family != "Null":
                _check_key_type(info, base, family, qualifier, member.key, key_path, report)
            if name.lower() == "aws:sourceip" and networks and family == "IpAddress":
                private = [_is_private(n) for n in networks]
                negated = base.lower() == "notipaddress"
                if all(private):
                    report("PRIVATE_NOT_IP_ADDRESS" if negated else "PRIVATE_IP_ADDRESS", member.key, key_path)
                elif any(private):
                    report(
                        "PRIVATE_NOT_IP_ADDRESS_SUBSET" if negated else "PRIVATE_IP_ADDRESS_SUBSET",
                        member.key,
                        key_path,
                    )
            paired = _PAIRED_KEYS.get(name.lower())
            if paired and not any(p.lower() in all_keys for p in paired):
                report("MISSING_PAIRED_CONDITION_KEYS", member.key, key_path, key=name, paired=", ".join(paired))
            keys.append(ConditionKey(name, member.key, key_path, base, info))
    return keys


def _check_key_type(
    info: ConditionKeyInfo,
    operator: str,
    family: str,
    qualifier: str | None,
    key: JString,
    path: Path,
    report: Reporter,
) -> None:
    base_type = info.type.removeprefix("ArrayOf")
    allowed = _OPERATORS_FOR_TYPE.get(base_type)
    if allowed and family not in allowed:
        report("TYPE_MISMATCH", key, path, expected=allowed[0], operator=operator, key=key.value)
    if qualifier == "ForAllValues" and not info.multivalued:
        report("FORALLVALUES_WITH_SINGLE_VALUED_KEY", key, path, key=key.value)
    elif qualifier is None and info.multivalued:
        report("MISSING_QUALIFIER", key, path, key=key.value)
