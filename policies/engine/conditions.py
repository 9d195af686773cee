"""Condition operators, compiled once into typed comparators.

Mirrors "IAM JSON policy elements: Condition operators" and "Multivalued context keys" in the IAM
User Guide: every String, Numeric, Date, Bool, Binary, IP address, ARN and Null operator, the
`...IfExists` variants, the `ForAllValues:` / `ForAnyValue:` set qualifiers, several values of one
key (OR), several keys and operators (AND, done by the caller), negated operators being true when
the key is missing, key names case-insensitive and values case-sensitive unless the operator says
otherwise.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import operator
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Final

from .errors import PolicyError
from .matching import Context, PatternSet

ValueTest = Callable[[str, Context], bool]
ConditionTest = Callable[[Context], bool]

_SYNTAX: Final = "Syntax errors in policy."

# Operator family (lower-cased base name without IfExists) -> (family, negated).
_OPERATORS: Final[dict[str, tuple[str, bool]]] = {
    "stringequals": ("StringEquals", False),
    "stringnotequals": ("StringEquals", True),
    "stringequalsignorecase": ("StringEqualsIgnoreCase", False),
    "stringnotequalsignorecase": ("StringEqualsIgnoreCase", True),
    "stringlike": ("StringLike", False),
    "stringnotlike": ("StringLike", True),
    "numericequals": ("NumericEquals", False),
    "numericnotequals": ("NumericEquals", True),
    "numericlessthan": ("NumericLessThan", False),
    "numericlessthanequals": ("NumericLessThanEquals", False),
    "numericgreaterthan": ("NumericGreaterThan", False),
    "numericgreaterthanequals": ("NumericGreaterThanEquals", False),
    "dateequals": ("DateEquals", False),
    "datenotequals": ("DateEquals", True),
    "datelessthan": ("DateLessThan", False),
    "datelessthanequals": ("DateLessThanEquals", False),
    "dategreaterthan": ("DateGreaterThan", False),
    "dategreaterthanequals": ("DateGreaterThanEquals", False),
    "bool": ("Bool", False),
    "binaryequals": ("BinaryEquals", False),
    "ipaddress": ("IpAddress", False),
    "notipaddress": ("IpAddress", True),
    "arnequals": ("ArnLike", False),
    "arnlike": ("ArnLike", False),
    "arnnotequals": ("ArnLike", True),
    "arnnotlike": ("ArnLike", True),
    "null": ("Null", False),
}


def parse_operator(name: str) -> tuple[str, bool, str | None, bool]:
    """Split `ForAnyValue:StringLikeIfExists` into (family, negated, qualifier, if_exists).

    Raises `PolicyError` for an operator AWS does not define (`Null` has no IfExists form).
    """
    qualifier: str | None = None
    base = name
    if ":" in name:
        prefix, base = name.split(":", 1)
        lowered = prefix.lower()
        if lowered == "forallvalues":
            qualifier = "all"
        elif lowered == "foranyvalue":
            qualifier = "any"
        else:
            raise PolicyError(_SYNTAX)
    lowered = base.lower()
    if_exists = lowered.endswith("ifexists") and lowered != "ifexists"
    if if_exists:
        lowered = lowered[: -len("ifexists")]
    entry = _OPERATORS.get(lowered)
    if entry is None or (if_exists and entry[0] == "Null"):
        raise PolicyError(_SYNTAX)
    return entry[0], entry[1], qualifier, if_exists


# --- value parsers (cached: the same context strings recur across statements and requests) ----


@lru_cache(maxsize=4096)
def parse_number(text: str) -> int | float | None:
    """AWS numeric condition values: integers or decimals; None when not a number."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and value not in (float("inf"), float("-inf")) else None


@lru_cache(maxsize=4096)
def parse_date(text: str) -> float | None:
    """ISO 8601 date or date-time (UTC when no offset) or epoch seconds, as epoch seconds."""
    stripped = text.strip()
    if not stripped:
        return None
    number = parse_number(stripped)
    if number is not None and "-" not in stripped[1:]:
        return float(number)
    try:
        moment = datetime.fromisoformat(stripped)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


@lru_cache(maxsize=4096)
def parse_ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An IPv4 or IPv6 address, or None."""
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


@lru_cache(maxsize=1024)
def _b64(text: str) -> bytes | None:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


# --- comparators: (policy values) -> test(context value, ctx) -> bool --------------------------


def _string_equals(values: Sequence[str], variables: bool) -> ValueTest:
    patterns = PatternSet.build(values, variables=variables, arn=False, wildcards=False)
    static, dynamic = patterns.static, patterns.dynamic
    if not dynamic and static is not None:
        return lambda v, ctx: bool(static(v))
    return patterns.match


def _string_ignore_case(values: Sequence[str], variables: bool) -> ValueTest:
    patterns = PatternSet.build(values, variables=variables, arn=False, wildcards=False, ignore_case=True)
    return lambda v, ctx: patterns.match(v.lower(), ctx)


def _string_like(values: Sequence[str], variables: bool) -> ValueTest:
    patterns = PatternSet.build(values, variables=variables, arn=False)
    static, dynamic = patterns.static, patterns.dynamic
    if not dynamic and static is not None:
        return lambda v, ctx: bool(static(v))
    return patterns.match


def _arn_like(values: Sequence[str], variables: bool) -> ValueTest:
    patterns = PatternSet.build(values, variables=variables, arn=True)

    def test(v: str, ctx: Context) -> bool:
        # A context value that is not an ARN (six fields) never matches an ARN operator.
        return v.count(":") >= 5 and patterns.match(v, ctx)

    return test


#: The comparison each Numeric and Date operator names after its family (``NumericLessThan``, ``DateEquals``…).
_COMPARISONS: Final[dict[str, Callable[[float, float], bool]]] = {
    "Equals": operator.eq,
    "LessThan": operator.lt,
    "LessThanEquals": operator.le,
    "GreaterThan": operator.gt,
    "GreaterThanEquals": operator.ge,
}


def _ordered(values: Sequence[str], comparison: str, parse: Callable[[str], int | float | None]) -> ValueTest:
    """A Numeric or Date operator: the policy's values parsed once (one that does not parse is a syntax error), and a
    request value that does not parse matches nothing."""
    bounds: list[int | float] = []
    for text in values:
        bound = parse(text)
        if bound is None:
            raise PolicyError(_SYNTAX)
        bounds.append(bound)
    compare = _COMPARISONS[comparison]

    def test(v: str, ctx: Context) -> bool:
        given = parse(v)
        return given is not None and any(compare(given, bound) for bound in bounds)

    return test


def _bool(values: Sequence[str]) -> ValueTest:
    wanted = frozenset(v.lower() for v in values)
    return lambda v, ctx: v.lower() in wanted


def _binary(values: Sequence[str]) -> ValueTest:
    wanted = frozenset(b for b in (_b64(v) for v in values) if b is not None)

    def test(v: str, ctx: Context) -> bool:
        decoded = _b64(v)
        return decoded is not None and decoded in wanted

    return test


def _ipv4(text: str) -> int | None:
    """A dotted-quad IPv4 address as an integer (as strict as `ipaddress`), else None."""
    parts = text.split(".")
    if len(parts) != 4:
        return None
    value = 0
    for part in parts:
        if not part.isdigit() or not part.isascii() or (len(part) > 1 and part[0] == "0") or len(part) > 3:
            return None
        octet = int(part)
        if octet > 255:
            return None
        value = (value << 8) | octet
    return value


def _ip(values: Sequence[str]) -> ValueTest:
    v4: list[tuple[int, int]] = []
    v6: list[ipaddress.IPv6Network] = []
    for text in values:
        try:
            network = ipaddress.ip_network(text.strip(), strict=False)
        except ValueError as exc:
            raise PolicyError(_SYNTAX) from exc
        if isinstance(network, ipaddress.IPv4Network):
            v4.append((int(network.network_address), int(network.netmask)))
        else:
            v6.append(network)

    def test(v: str, ctx: Context) -> bool:
        # IPv4 is checked with integer masks (the common case, and several times faster);
        # an IPv4 range never matches an IPv6 address and the reverse, so 0.0.0.0/0 is IPv4 only.
        number = _ipv4(v)
        if number is not None:
            return any(number & mask == net for net, mask in v4)
        if not v6:
            return False
        address = parse_ip(v)
        return isinstance(address, ipaddress.IPv6Address) and any(address in net for net in v6)

    return test


def _value_test(family: str, values: Sequence[str], variables: bool) -> ValueTest:
    if family == "StringEquals":
        return _string_equals(values, variables)
    if family == "StringEqualsIgnoreCase":
        return _string_ignore_case(values, variables)
    if family == "StringLike":
        return _string_like(values, variables)
    if family == "ArnLike":
        return _arn_like(values, variables)
    if family.startswith("Numeric"):
        return _ordered(values, family.removeprefix("Numeric"), parse_number)
    if family.startswith("Date"):
        return _ordered(values, family.removeprefix("Date"), parse_date)
    if family == "Bool":
        return _bool(values)
    if family == "BinaryEquals":
        return _binary(values)
    return _ip(values)


def compile_condition(operator: str, key: str, values: Sequence[str], *, variables: bool) -> ConditionTest:
    """One `"Operator": {"key": values}` entry as a test of the normalised request context.

    - plain operator: a missing key is false (true when negated or `IfExists`); several context
      values behave as "any of them"; negation is "none of the values matches";
    - `ForAnyValue:` is false for a missing or empty key (true with `IfExists`), else true when
      some context value matches (negated: does not match) some policy value;
    - `ForAllValues:` is true for a missing or empty key, else true when every context value
      matches (negated: matches none of) the policy values;
    - `Null` with "true" requires the key to be absent, with "false" present.
    """
    family, negated, qualifier, if_exists = parse_operator(operator)
    lkey = key.lower()
    if family == "Null":
        wanted = {v.lower() for v in values}
        if not wanted <= {"true", "false"}:
            raise PolicyError(_SYNTAX)
        want_absent, want_present = "true" in wanted, "false" in wanted

        def null_test(ctx: Context) -> bool:
            v = ctx.get(lkey)
            absent = v is None or v == ()
            return (want_absent and absent) or (want_present and not absent)

        return null_test

    test = _value_test(family, values, variables)

    if qualifier is None:
        missing = negated or if_exists

        def plain(ctx: Context) -> bool:
            v = ctx.get(lkey)
            if v is None or v == ():
                return missing
            hit = test(v, ctx) if type(v) is str else any(test(x, ctx) for x in v)
            return hit != negated

        return plain

    # The set qualifiers differ only in their quantifier and in what a missing key gives.
    quantifier = any if qualifier == "any" else all
    when_missing = if_exists if qualifier == "any" else True

    def for_values(ctx: Context) -> bool:
        v = ctx.get(lkey)
        if v is None or v == ():
            return when_missing
        items = (v,) if type(v) is str else v
        return quantifier(test(x, ctx) != negated for x in items)

    return for_values
