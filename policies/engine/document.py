"""Policy documents: JSON text -> immutable, compiled `Policy` objects, with AWS's grammar errors.

Mirrors "IAM JSON policy element reference" and "IAM and AWS STS quotas" in the IAM User Guide:
the elements `Version` (2012-10-17, 2008-10-17 or absent), `Id`, `Statement` (object or list),
`Sid`, `Effect`, `Principal`/`NotPrincipal` (resource and trust policies only),
`Action`/`NotAction`, `Resource`/`NotResource` and `Condition`; the characters AWS accepts in a
policy (tab, LF, CR, U+0020-U+00FF); and policy sizes counted without whitespace.

Parsing happens once per distinct text and kind (an in-process cache keyed by the text itself);
the result holds pre-compiled matchers and an index of statements by service prefix, so a
request only looks at statements that can apply to its action.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Final

from .catalog import get_catalog
from .conditions import ConditionTest, compile_condition
from .errors import PolicyError, PolicySizeError
from .matching import Context, Matcher, PatternSet, compile_patterns, tokenize

SYNTAX_ERROR: Final = "Syntax errors in policy."
#: "IAM and AWS STS quotas": the only characters a policy document may hold, in the guide's words.
INVALID_CHARACTERS: Final = (
    "Policy documents can contain only the following Unicode characters: horizontal tab (U+0009), linefeed (U+000A), "
    "carriage return (U+000D), and characters in the range U+0020 to U+00FF."
)
VERSIONS: Final = ("2012-10-17", "2008-10-17")

# AWS quotas ("IAM and AWS STS quotas"), counted without whitespace.
MANAGED_POLICY_MAX_SIZE: Final = 6144
TRUST_POLICY_MAX_SIZE: Final = 2048
INLINE_POLICY_TOTAL_MAX_SIZE: Final = {"user": 2048, "group": 5120, "role": 10240}

_BAD_CHARS: Final = re.compile(r"[^\t\n\r\x20-\xff]")
_WHITESPACE: Final = str.maketrans("", "", " \t\n\r")
_TOP_ELEMENTS: Final = frozenset({"Version", "Id", "Statement"})
_STATEMENT_ELEMENTS: Final = frozenset(
    {"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"}
)
_PRINCIPAL_TYPES: Final = ("AWS", "Service", "Federated", "CanonicalUser")
_ACCOUNT_RE: Final = re.compile(r"[0-9]{12}")
_ROOT_RE: Final = re.compile(r"arn:aws[a-z-]*:iam::([0-9]{12}):root")
#: The actions a role trust policy may allow or deny ("IAM JSON policy elements: Action", "Passing session tags",
#: "Monitor and control actions taken with assumed roles", "sts:SetContext"), lower-cased.
TRUST_POLICY_ACTIONS: Final = frozenset(
    {
        "sts:assumerole",
        "sts:assumerolewithsaml",
        "sts:assumerolewithwebidentity",
        "sts:tagsession",
        "sts:setsourceidentity",
        "sts:setcontext",
    }
)
#: IAM's refusal of any other action in a trust policy.
TRUST_POLICY_ACTION_ERROR: Final = "AssumeRole policy may only specify STS AssumeRole actions."


class PolicyKind(enum.Enum):
    """Which grammar applies: boundaries and session policies parse as identity policies."""

    IDENTITY = "identity"
    RESOURCE = "resource"
    TRUST = "trust"
    BOUNDARY = "boundary"
    SESSION = "session"

    @property
    def takes_principal(self) -> bool:
        """Resource-based and trust policies name principals; the others must not."""
        return self in (PolicyKind.RESOURCE, PolicyKind.TRUST)


def policy_size(text: str) -> int:
    """The size AWS counts against its quotas: characters other than whitespace."""
    return len(text.translate(_WHITESPACE))


def check_managed_policy_size(text: str) -> None:
    """Raise `PolicySizeError` (AWS `LimitExceeded`) above 6,144 characters without whitespace."""
    if policy_size(text) > MANAGED_POLICY_MAX_SIZE:
        raise PolicySizeError(f"Cannot exceed quota for PolicySize: {MANAGED_POLICY_MAX_SIZE}")


def check_trust_policy_size(text: str, limit: int = TRUST_POLICY_MAX_SIZE) -> None:
    """Raise `PolicySizeError` above the role trust policy quota (2,048 by default, up to 4,096)."""
    if policy_size(text) > limit:
        raise PolicySizeError(f"Cannot exceed quota for ACLSizePerRole: {limit}")


def check_inline_policies_size(entity_type: str, entity_name: str, texts: Sequence[str]) -> None:
    """Raise `PolicySizeError` when an entity's inline policies together exceed AWS's total.

    The totals are 2,048 for a user, 5,120 for a group and 10,240 for a role; `entity_type` is
    "user", "group" or "role".
    """
    limit = INLINE_POLICY_TOTAL_MAX_SIZE[entity_type]
    if sum(policy_size(t) for t in texts) > limit:
        raise PolicySizeError(f"Maximum policy size of {limit} bytes exceeded for {entity_type} {entity_name}")


@dataclass(frozen=True, slots=True)
class Position:
    """A 1-based line and column in the policy text, as the simulator reports them."""

    line: int
    column: int


@dataclass(frozen=True, slots=True)
class PrincipalSpec:
    """A `Principal` or `NotPrincipal` element as written (`"*"` becomes `wildcard=True`)."""

    wildcard: bool = False
    aws: tuple[str, ...] = ()
    service: tuple[str, ...] = ()
    federated: tuple[str, ...] = ()
    canonical_user: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ConditionEntry:
    """One operator/key pair of a `Condition` block with its values as strings."""

    operator: str
    key: str
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True, eq=False)
class Statement:
    """One statement, as written plus its compiled matchers (which are not part of `repr`)."""

    index: int
    sid: str | None
    effect: str
    principal: PrincipalSpec | None
    not_principal: PrincipalSpec | None
    action: tuple[str, ...] | None
    not_action: tuple[str, ...] | None
    resource: tuple[str, ...] | None
    not_resource: tuple[str, ...] | None
    condition: tuple[ConditionEntry, ...]
    start: Position | None
    end: Position | None
    allow: bool = field(repr=False)
    action_matcher: Matcher = field(repr=False)
    resource_patterns: PatternSet | None = field(repr=False)
    tests: tuple[ConditionTest, ...] = field(repr=False)

    def matches_action(self, action_lower: str) -> bool:
        """`Action` (or `NotAction`) against a lower-cased action name."""
        hit = bool(self.action_matcher(action_lower))
        return hit if self.not_action is None else not hit

    def matches_resource(self, resource: str, ctx: Context) -> bool:
        """`Resource` (or `NotResource`); a statement without either (trust policy) matches all."""
        patterns = self.resource_patterns
        if patterns is None:
            return True
        hit = patterns.match(resource, ctx)
        return hit if self.not_resource is None else not hit

    def matches_conditions(self, ctx: Context) -> bool:
        """Every condition (AND across operators and keys)."""
        return all(test(ctx) for test in self.tests)

    @property
    def condition_keys(self) -> tuple[str, ...]:
        """The context keys this statement's conditions read, as written."""
        return tuple(c.key for c in self.condition)


@dataclass(frozen=True, slots=True, eq=False)
class Policy:
    """A parsed, compiled policy document; immutable and shared between requests."""

    kind: PolicyKind
    version: str | None
    id: str | None
    statements: tuple[Statement, ...]
    text: str = field(repr=False)
    _by_service: dict[str, tuple[Statement, ...]] = field(repr=False)
    _generic: tuple[Statement, ...] = field(repr=False)

    @property
    def variables_enabled(self) -> bool:
        """Policy variables are replaced only in Version 2012-10-17 documents."""
        return self.version == "2012-10-17"

    def candidates(self, service: str) -> tuple[Statement, ...]:
        """The statements that may apply to an action of `service` (lower-case), in order."""
        return self._by_service.get(service, self._generic)


def parse_policy(text: str, kind: PolicyKind = PolicyKind.IDENTITY, *, max_size: int | None = None) -> Policy:
    """Parse and compile a policy document, cached per (text, kind); raises `PolicyError`.

    `max_size`, when given, is the quota the caller applies (AWS counts characters without
    whitespace) and raises `PolicySizeError`; see also the `check_*_size` helpers.
    """
    if max_size is not None and policy_size(text) > max_size:
        raise PolicySizeError(f"Cannot exceed quota for PolicySize: {max_size}")
    return _parse_cached(text, kind)


@lru_cache(maxsize=8192)
def _parse_cached(text: str, kind: PolicyKind) -> Policy:
    return _Parser(text, kind).parse()


#: Denies every action on every resource: what a stored policy that no longer parses stands for where it can only
#: narrow (a permissions boundary, a session policy), so that it fails closed.
DENY_ALL: Final = '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}'
_DENY_ALL_STATEMENT: Final = {"Effect": "Deny", "Action": "*", "Resource": "*"}


@lru_cache(maxsize=1024)
def deny_statements(text: str, kind: PolicyKind = PolicyKind.IDENTITY) -> Policy | None:
    """The Deny side of a stored policy that no longer parses as a whole, so that it fails closed.

    Its Allow statements grant nothing. Each other statement that still parses on its own keeps denying; one that
    does not (a Deny, or an unreadable Effect) denies everything, since what it denied cannot be known, and so does
    a document whose statements cannot be read at all. None when nothing is left to deny.
    """
    try:
        doc = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return parse_policy(DENY_ALL, kind)
    raw = doc.get("Statement") if isinstance(doc, dict) else None
    if isinstance(raw, dict):
        raw = [raw]
    if not isinstance(raw, list):
        return parse_policy(DENY_ALL, kind)
    version = doc.get("Version") if doc.get("Version") in VERSIONS else None
    kept: list[Any] = []
    for statement in raw:
        if isinstance(statement, dict) and statement.get("Effect") == "Allow":
            continue
        try:
            parse_policy(json.dumps({"Version": version, "Statement": [statement]}), kind)
        except PolicyError:
            kept = [_DENY_ALL_STATEMENT]
            break
        kept.append(statement)
    if not kept:
        return None
    try:
        return parse_policy(json.dumps({"Version": version, "Statement": kept}), kind)
    except PolicyError:  # statements that parse alone but not together (a repeated Sid)
        return parse_policy(DENY_ALL, kind)


def _reject_constant(name: str) -> Any:
    # NaN and Infinity are not JSON; Python's parser accepts them unless told otherwise.
    raise ValueError(name)


def _string_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise PolicyError(SYNTAX_ERROR)


def _element_or_not(raw: dict[str, Any], element: str) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
    """A statement's ``element`` or ``Not<element>`` string list (never both): ``(plain, negated)``."""
    if element in raw:
        return _string_list(raw[element]), None
    if f"Not{element}" in raw:
        return None, _string_list(raw[f"Not{element}"])
    return None, None


def _condition_value(value: Any) -> str:
    # AWS accepts JSON booleans and numbers in condition values and compares their text.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, str):
        return value
    raise PolicyError(SYNTAX_ERROR)


class _Parser:
    def __init__(self, text: str, kind: PolicyKind) -> None:
        self.text = text
        self.kind = kind

    def parse(self) -> Policy:
        text = self.text
        if _BAD_CHARS.search(text):
            raise PolicyError(INVALID_CHARACTERS)
        try:
            doc = json.loads(text, parse_constant=_reject_constant)
        except (ValueError, RecursionError) as exc:
            raise PolicyError(SYNTAX_ERROR) from exc
        if not isinstance(doc, dict) or not set(doc) <= _TOP_ELEMENTS:
            raise PolicyError(SYNTAX_ERROR)
        version = doc.get("Version")
        if version is not None and version not in VERSIONS:
            raise PolicyError(SYNTAX_ERROR)
        policy_id = doc.get("Id")
        if policy_id is not None and not isinstance(policy_id, str):
            raise PolicyError(SYNTAX_ERROR)
        raw = doc.get("Statement")
        if isinstance(raw, dict):
            raw = [raw]
        if not isinstance(raw, list) or not raw or not all(isinstance(s, dict) for s in raw):
            raise PolicyError(SYNTAX_ERROR)
        spans = _statement_spans(text)
        if len(spans) != len(raw):
            spans = [(None, None)] * len(raw)
        variables = version == "2012-10-17"
        statements = tuple(self._statement(i, s, variables, spans[i]) for i, s in enumerate(raw))
        sids = [s.sid for s in statements if s.sid]
        if len(sids) != len(set(sids)):
            raise PolicyError("Statement IDs (SID) in a single policy must be unique.")
        by_service, generic = _index(statements)
        return Policy(self.kind, version, policy_id, statements, text, by_service, generic)

    def _statement(
        self, index: int, raw: dict[str, Any], variables: bool, span: tuple[Position | None, Position | None]
    ) -> Statement:
        if not set(raw) <= _STATEMENT_ELEMENTS:
            raise PolicyError(SYNTAX_ERROR)
        for a, b in (("Action", "NotAction"), ("Resource", "NotResource"), ("Principal", "NotPrincipal")):
            if a in raw and b in raw:
                raise PolicyError(SYNTAX_ERROR)
        sid = raw.get("Sid")
        if sid is not None and not isinstance(sid, str):
            raise PolicyError(SYNTAX_ERROR)
        effect = raw.get("Effect")
        if effect not in ("Allow", "Deny"):
            raise PolicyError(SYNTAX_ERROR)

        principal = not_principal = None
        if "Principal" in raw or "NotPrincipal" in raw:
            if not self.kind.takes_principal:
                raise PolicyError("Policy document should not specify a principal.")
            if "Principal" in raw:
                principal = _principal(raw["Principal"])
            else:
                not_principal = _principal(raw["NotPrincipal"])
        elif self.kind.takes_principal:
            raise PolicyError("Missing required field Principal")

        action, not_action = _element_or_not(raw, "Action")
        actions = action if action is not None else not_action
        if not actions:
            raise PolicyError("Policy statement must contain actions.")
        for a in actions:
            _check_action(a)
            if self.kind is PolicyKind.TRUST:
                _check_trust_action(a)

        resource, not_resource = _element_or_not(raw, "Resource")
        resources = resource if resource is not None else not_resource
        if self.kind is PolicyKind.TRUST:
            if resources is not None:
                raise PolicyError("Has prohibited field Resource.")
        elif not resources:
            raise PolicyError("Policy statement must contain resources.")
        for r in resources or ():
            if r != "*" and ":" not in r:
                raise PolicyError(f'Resource {r} must be in ARN format or "*".')

        condition = _conditions(raw.get("Condition", {}))
        tests = tuple(compile_condition(c.operator, c.key, c.values, variables=variables) for c in condition)
        action_matcher = compile_patterns(
            [tuple(t for t in tokenize(a, variables=False)) for a in actions],  # type: ignore[misc]  # no variables
            ignore_case=True,
        )
        patterns = PatternSet.build(resources, variables=variables, arn=True) if resources is not None else None
        return Statement(
            index=index,
            sid=sid,
            effect=effect,
            principal=principal,
            not_principal=not_principal,
            action=action,
            not_action=not_action,
            resource=resource,
            not_resource=not_resource,
            condition=condition,
            start=span[0],
            end=span[1],
            allow=effect == "Allow",
            action_matcher=action_matcher,
            resource_patterns=patterns,
            tests=tests,
        )


def _check_action(action: str) -> None:
    if action == "*":
        return
    if ":" not in action:
        raise PolicyError("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.")
    if action.count(":") > 1:
        raise PolicyError("Actions/Condition can contain only one colon.")
    vendor = action.split(":", 1)[0]
    if not re.fullmatch(r"[a-zA-Z0-9*?_-]+", vendor):
        raise PolicyError(f"Vendor {vendor} is not valid")


def _check_trust_action(action: str) -> None:
    """A trust policy's action must be one of `TRUST_POLICY_ACTIONS`; a wildcard must cover only those.

    Wildcards are expanded over the Service Authorization Reference (`sts:AssumeRole*` covers the three AssumeRole
    actions; `sts:*` and `*` cover others and are refused). The catalogue loads only when a trust policy uses one.
    """
    lowered = action.lower()
    if lowered in TRUST_POLICY_ACTIONS:
        return
    if "*" in lowered or "?" in lowered:
        covered = get_catalog().expand_action_names(lowered)
        if covered and covered <= TRUST_POLICY_ACTIONS:
            return
    raise PolicyError(TRUST_POLICY_ACTION_ERROR)


def _principal(value: Any) -> PrincipalSpec:
    if value == "*":
        return PrincipalSpec(wildcard=True)
    if not isinstance(value, dict) or not value or not set(value) <= set(_PRINCIPAL_TYPES):
        raise PolicyError(SYNTAX_ERROR)
    lists = {k: _string_list(v) for k, v in value.items()}
    return PrincipalSpec(
        aws=lists.get("AWS", ()),
        service=lists.get("Service", ()),
        federated=lists.get("Federated", ()),
        canonical_user=lists.get("CanonicalUser", ()),
    )


def _conditions(value: Any) -> tuple[ConditionEntry, ...]:
    if not isinstance(value, dict):
        raise PolicyError(SYNTAX_ERROR)
    entries: list[ConditionEntry] = []
    for operator, block in value.items():
        if not isinstance(block, dict):
            raise PolicyError(SYNTAX_ERROR)
        for key, raw_values in block.items():
            items = raw_values if isinstance(raw_values, list) else [raw_values]
            entries.append(ConditionEntry(operator, key, tuple(_condition_value(v) for v in items)))
    return tuple(entries)


def _index(statements: Sequence[Statement]) -> tuple[dict[str, tuple[Statement, ...]], tuple[Statement, ...]]:
    """Group statements by the service prefix of their actions; others apply to every service."""
    generic: list[Statement] = []
    services: dict[str, set[int]] = {}
    for st in statements:
        if st.action is None:
            generic.append(st)
            continue
        prefixes = {a.split(":", 1)[0].lower() if a != "*" else "*" for a in st.action}
        if any("*" in p or "?" in p for p in prefixes):
            generic.append(st)
            continue
        for p in prefixes:
            services.setdefault(p, set()).add(st.index)
    generic_ids = {st.index for st in generic}
    by_service = {
        p: tuple(st for st in statements if st.index in ids or st.index in generic_ids) for p, ids in services.items()
    }
    return by_service, tuple(generic)


def principal_is_account(value: str) -> str | None:
    """The account id named by `123456789012` or `arn:aws:iam::123456789012:root`, else None."""
    if _ACCOUNT_RE.fullmatch(value):
        return value
    m = _ROOT_RE.fullmatch(value)
    return m.group(1) if m else None


# --- statement positions -----------------------------------------------------------------------


def _statement_spans(text: str) -> list[tuple[Position | None, Position | None]]:
    """Start and end of each statement object in already-valid JSON text (1-based line/column)."""
    n = len(text)
    i = 0

    def skip_ws(j: int) -> int:
        while j < n and text[j] in " \t\n\r":
            j += 1
        return j

    def end_of_string(j: int) -> int:  # j at the opening quote; returns index after closing quote
        j += 1
        while True:
            c = text[j]
            if c == "\\":
                j += 2
            elif c == '"':
                return j + 1
            else:
                j += 1

    def end_of_value(j: int) -> int:
        c = text[j]
        if c == '"':
            return end_of_string(j)
        if c in "{[":
            depth = 0
            while True:
                c = text[j]
                if c == '"':
                    j = end_of_string(j)
                    continue
                if c in "{[":
                    depth += 1
                elif c in "}]":
                    depth -= 1
                    if depth == 0:
                        return j + 1
                j += 1
        while j < n and text[j] not in ",}] \t\n\r":
            j += 1
        return j

    spans: list[tuple[int, int]] = []
    i = skip_ws(0)
    if i >= n or text[i] != "{":
        return []
    i += 1
    while True:
        i = skip_ws(i)
        if i >= n or text[i] == "}":
            break
        key_end = end_of_string(i)
        key = json.loads(text[i:key_end])
        i = skip_ws(key_end)
        i = skip_ws(i + 1)  # past ':'
        value_end = end_of_value(i)
        if key == "Statement":
            spans = []
            if text[i] == "{":
                spans.append((i, value_end))
            else:
                j = skip_ws(i + 1)
                while j < value_end - 1:
                    item_end = end_of_value(j)
                    spans.append((j, item_end))
                    j = skip_ws(item_end)
                    if text[j] == ",":
                        j = skip_ws(j + 1)
        i = skip_ws(value_end)
        if i < n and text[i] == ",":
            i += 1
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def position(offset: int) -> Position:
        lo, hi = 0, len(line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if line_starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return Position(lo + 1, offset - line_starts[lo] + 1)

    return [(position(a), position(b - 1)) for a, b in spans]
