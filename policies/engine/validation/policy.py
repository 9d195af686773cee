"""The policy walker: document, statements, actions, resources and principals.

Mirrors IAM Access Analyzer's ``ValidatePolicy`` basic checks for the grammar of a policy
document (``MISSING_VERSION``, ``MISSING_STATEMENT``, ``INVALID_POLICY_ELEMENT``…), its
statements (``MISSING_EFFECT``, ``UNSUPPORTED_ELEMENT_COMBINATION``, ``UNIQUE_SIDS_REQUIRED``…),
the catalogue-backed checks on actions and ARNs (``INVALID_SERVICE_IN_ACTION``,
``INVALID_ACTION``, ``INVALID_ARN_RESOURCE``…), the principal rules of each policy type, and the
security checks on ``iam:PassRole`` and ``iam:CreateServiceLinkedRole``.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from typing import Any, Final

from policies.engine.catalog import Catalog
from policies.engine.locjson import (
    JArray,
    JNull,
    JObject,
    JsonSyntaxError,
    JString,
    LineIndex,
    Member,
    Node,
    parse,
)
from policies.engine.validation.conditions import ConditionKey, check_condition, check_variables
from policies.engine.validation.findings import CHECKS, Finding

__all__ = ["IDENTITY_POLICY_QUOTA", "POLICY_TYPES", "ROLE_TRUST_POLICY_QUOTA", "Validator"]

Path = tuple[str | int, ...]

# Policy types and the Access Analyzer policy type each is checked as.
POLICY_TYPES = ("identity", "resource", "trust", "boundary")
IDENTITY_POLICY_QUOTA = 6144  # managed policy size, characters excluding whitespace
ROLE_TRUST_POLICY_QUOTA = 2048  # default role trust policy size quota

_VERSIONS = ("2012-10-17", "2008-10-17")
_DOCUMENT_ELEMENTS = ("Version", "Id", "Statement")
_STATEMENT_ELEMENTS = frozenset(
    ("Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition")
)
_PRINCIPAL_KEYS = ("AWS", "CanonicalUser", "Federated", "Service")
_PARTITIONS = ("aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc")
_SID = re.compile(r"[A-Za-z0-9]+")
_ACCOUNT = re.compile(r"\d{12}")
_WHITESPACE = re.compile(r"\s+")
_TEMPLATE_VARIABLE = re.compile(r"\$\{[^}]*\}")


#: The PASS_ROLE_* and CREATE_SLR_* warnings' suffixes: by how a statement reaches every resource (a ``*`` resource
#: or NotResource), then by how it grants the action (named, matched by a wildcard, or left out of a NotAction).
_PRIVILEGED_WARNINGS: Final = {
    "star_resource": {
        "named": "WITH_STAR_IN_RESOURCE",
        "wildcard": "WITH_STAR_IN_ACTION_AND_RESOURCE",
        "not_action": "WITH_STAR_IN_RESOURCE_AND_NOT_ACTION",
    },
    "not_resource": {
        "named": "WITH_NOT_RESOURCE",
        "wildcard": "WITH_STAR_IN_ACTION_AND_NOT_RESOURCE",
        "not_action": "WITH_NOT_ACTION_AND_NOT_RESOURCE",
    },
}


def _has_wildcard(value: str) -> bool:
    return "*" in value or "?" in value


def _is_concrete(value: str) -> bool:
    return not _has_wildcard(value) and "${" not in value


def _glob(pattern: str) -> re.Pattern[str]:
    """IAM-style wildcard pattern: ``*`` any run of characters, ``?`` one character."""
    return re.compile(re.escape(pattern).replace(r"\*", ".*").replace(r"\?", "."), re.DOTALL)


def render_path(path: Path) -> str:
    """``("Statement", 0, "Action", 1)`` -> ``$.Statement[0].Action[1]``."""
    parts = ["$"]
    for part in path:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", part):
            parts.append(f".{part}")
        else:
            parts.append("[" + json.dumps(part) + "]")
    return "".join(parts)


def _plain(node: Node) -> Any:
    """The node as a plain Python value (for comparing statements)."""
    if isinstance(node, JObject):
        return {m.key.value: _plain(m.value) for m in node.members}
    if isinstance(node, JArray):
        return [_plain(item) for item in node.items]
    if isinstance(node, JNull):
        return None
    return node.value


@dataclass(slots=True)
class _Entry:
    """One string of an Action/Resource list with where it was written."""

    node: JString
    path: Path


@dataclass(slots=True)
class _Statement:
    node: JObject
    path: Path
    effect: str | None = None
    actions: list[_Entry] | None = None  # the Action element's entries
    not_actions: list[_Entry] | None = None
    resources: list[_Entry] | None = None
    not_resource: Member | None = None
    principal: Member | None = None
    condition_keys: list[ConditionKey] = field(default_factory=list)


class Validator:
    """Validates one policy text; :meth:`run` returns the findings in text order."""

    def __init__(self, text: str, policy_type: str, catalog: Catalog, *, trust_policy_quota: int) -> None:
        self.text = text
        self.policy_type = policy_type
        self.catalog = catalog
        self.trust_policy_quota = trust_policy_quota
        self.lines = LineIndex(text)
        self.findings: list[Finding] = []
        self.version: str | None = None

    # -- reporting ------------------------------------------------------------------------------

    def report(self, code: str, where: Node | tuple[int, int], path: Path, **params: object) -> None:
        """Record finding ``code`` at a node (or a (start, end) offset pair)."""
        finding_type, template = CHECKS[code]
        start, end = where if isinstance(where, tuple) else (where.start, where.end)
        line, column = self.lines.position(start)
        end_line, end_column = self.lines.position(end)
        message = template.format(**params) if params else template
        self.findings.append(
            Finding(finding_type, code, message, render_path(path), line, column, end_line, end_column)
        )

    def _opening(self, node: JObject | JArray) -> tuple[int, int]:
        """The span of an object's opening brace: where a missing element is reported."""
        return node.start, node.start + 1

    # -- document -------------------------------------------------------------------------------

    def run(self) -> list[Finding]:
        """Parse and check the whole document."""
        try:
            root = parse(self.text)
        except JsonSyntaxError as error:
            line, column = self.lines.position(error.offset)
            end = min(error.offset + 1, len(self.text))
            self.report(
                "JSON_SYNTAX_ERROR",
                (error.offset, max(end, error.offset)),
                (),
                offset=error.offset,
                line=line,
                column=column,
            )
            return self.findings
        if not isinstance(root, JObject):
            self.report("DATA_TYPE_MISMATCH", root, (), expected="object")
            return self.findings
        self._document(root)
        self.findings.sort(key=lambda f: (f.line, f.column, f.end_line, f.end_column))
        return self.findings

    def _document(self, root: JObject) -> None:
        for member in root.members:
            if member.key.value not in _DOCUMENT_ELEMENTS:
                self.report("INVALID_POLICY_ELEMENT", member.key, (member.key.value,), element=member.key.value)
        version = root.get("Version")
        if version is None:
            self.report("MISSING_VERSION", self._opening(root), ())
        elif not isinstance(version.value, JString):
            self.report("DATA_TYPE_MISMATCH", version.value, ("Version",), expected="string")
        elif version.value.value not in _VERSIONS:
            self.report("INVALID_VERSION", version.value, ("Version",), version=version.value.value)
        else:
            self.version = version.value.value
        policy_id = root.get("Id")
        if policy_id is not None and not isinstance(policy_id.value, JString):
            self.report("DATA_TYPE_MISMATCH", policy_id.value, ("Id",), expected="string")
        self._size(root)
        statement = root.get("Statement")
        if statement is None:
            self.report("MISSING_STATEMENT", self._opening(root), ())
            return
        items: list[tuple[Node, Path]]
        if isinstance(statement.value, JObject):
            items = [(statement.value, ("Statement",))]
        elif isinstance(statement.value, JArray):
            if not statement.value.items:
                self.report("MISSING_STATEMENT", statement.value, ("Statement",))
            items = [(item, ("Statement", i)) for i, item in enumerate(statement.value.items)]
        else:
            self.report("DATA_TYPE_MISMATCH", statement.value, ("Statement",), expected="object or array")
            return
        statements: list[_Statement] = []
        for node, path in items:
            if isinstance(node, JObject):
                statements.append(self._statement(node, path))
            else:
                self.report("DATA_TYPE_MISMATCH", node, path, expected="object")
        self._sids(statements)
        self._redundant_statements(statements)

    def _size(self, root: JObject) -> None:
        size = len(self.text) - sum(len(m) for m in _WHITESPACE.findall(self.text))
        if self.policy_type in ("identity", "boundary") and size > IDENTITY_POLICY_QUOTA:
            self.report("POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA", root, (), size=size, quota=IDENTITY_POLICY_QUOTA)
        elif self.policy_type == "trust" and size > self.trust_policy_quota:
            self.report(
                "POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA", root, (), size=size, quota=self.trust_policy_quota
            )

    def _sids(self, statements: list[_Statement]) -> None:
        seen: set[str] = set()
        code = "UNIQUE_SIDS_RECOMMENDED" if self.policy_type == "resource" else "UNIQUE_SIDS_REQUIRED"
        for statement in statements:
            sid = statement.node.get("Sid")
            if sid is None or not isinstance(sid.value, JString) or not sid.value.value:
                continue
            if sid.value.value in seen:
                self.report(code, sid.value, (*statement.path, "Sid"))
            seen.add(sid.value.value)

    def _redundant_statements(self, statements: list[_Statement]) -> None:
        seen: set[str] = set()
        for statement in statements:
            body = {k: v for k, v in _plain(statement.node).items() if k != "Sid"}
            for name in ("Action", "NotAction", "Resource", "NotResource"):
                value = body.get(name)
                if isinstance(value, str):
                    body[name] = [value]
                if isinstance(body.get(name), list):
                    body[name] = sorted(set(map(str, body[name])))
            canonical = json.dumps(body, sort_keys=True)
            if canonical in seen:
                self.report("REDUNDANT_STATEMENT", statement.node, statement.path)
            seen.add(canonical)

    # -- statements -------------------------------------------------------------------------------

    def _statement(self, node: JObject, path: Path) -> _Statement:
        statement = _Statement(node, path)
        for member in node.members:
            if member.key.value not in _STATEMENT_ELEMENTS:
                self.report("INVALID_POLICY_ELEMENT", member.key, (*path, member.key.value), element=member.key.value)
        self._sid(node, path)
        self._effect(statement)
        action, not_action = self._element_or_not(node, path, "Action", missing="MISSING_ACTION")
        if action:
            statement.actions = self._actions(action, path)
        if not_action:
            statement.not_actions = self._actions(not_action, path)
        self._resources_of(statement)
        self._principals_of(statement)
        condition = node.get("Condition")
        if condition is not None:
            statement.condition_keys = check_condition(
                self.catalog, condition.value, (*path, "Condition"), statement.effect, self.report
            )
            self._condition_vs_actions(statement)
        if statement.effect == "Allow" and self.policy_type in ("identity", "boundary"):
            self._privileged_action(statement, "iam:passrole", "PASS_ROLE")
            self._privileged_action(statement, "iam:createservicelinkedrole", "CREATE_SLR")
        return statement

    def _element_or_not(
        self, node: JObject, path: Path, element: str, *, missing: str | None
    ) -> tuple[Member | None, Member | None]:
        """A statement's ``element`` and ``Not<element>`` members: giving both is reported on the later one, giving
        neither as ``missing`` (when the policy type needs the element)."""
        plain, negated = node.get(element), node.get(f"Not{element}")
        if plain and negated:
            second = max(plain, negated, key=lambda m: m.key.start)
            self.report(
                "UNSUPPORTED_ELEMENT_COMBINATION",
                second.key,
                (*path, second.key.value),
                first=element,
                second=f"Not{element}",
            )
        elif not plain and not negated and missing is not None:
            self.report(missing, self._opening(node), path)
        return plain, negated

    def _refuse_element(self, node: JObject, path: Path, element: str, code: str) -> None:
        """Report ``element`` and ``Not<element>`` as ``code`` wherever given: the policy type takes neither."""
        for member in (node.get(element), node.get(f"Not{element}")):
            if member is not None:
                self.report(code, member.key, (*path, member.key.value))

    def _sid(self, node: JObject, path: Path) -> None:
        sid = node.get("Sid")
        if sid is None:
            return
        if not isinstance(sid.value, JString):
            self.report("DATA_TYPE_MISMATCH", sid.value, (*path, "Sid"), expected="string")
        elif not sid.value.value:
            self.report("EMPTY_SID_VALUE", sid.value, (*path, "Sid"))
        elif self.policy_type != "resource" and not _SID.fullmatch(sid.value.value):
            # IAM's own policies allow only ASCII letters and digits; services' resource policies vary.
            self.report("UNSUPPORTED_SID", sid.value, (*path, "Sid"))

    def _effect(self, statement: _Statement) -> None:
        effect = statement.node.get("Effect")
        path = (*statement.path, "Effect")
        if effect is None:
            self.report("MISSING_EFFECT", self._opening(statement.node), statement.path)
        elif not isinstance(effect.value, JString):
            self.report("DATA_TYPE_MISMATCH", effect.value, path, expected="string")
        elif effect.value.value not in ("Allow", "Deny"):
            self.report("INVALID_EFFECT", effect.value, path, effect=effect.value.value)
        else:
            statement.effect = effect.value.value

    def _strings(self, member: Member, path: Path, empty_code: str | None) -> list[_Entry]:
        """The entries of a string-or-array-of-strings element, reporting other JSON types."""
        value = member.value
        if isinstance(value, JString):
            return [_Entry(value, path)]
        if isinstance(value, JArray):
            if not value.items and empty_code:
                self.report(empty_code, value, path)
            entries = []
            for index, item in enumerate(value.items):
                if isinstance(item, JString):
                    entries.append(_Entry(item, (*path, index)))
                else:
                    self.report("DATA_TYPE_MISMATCH", item, (*path, index), expected="string")
            return entries
        self.report("DATA_TYPE_MISMATCH", value, path, expected="string or array")
        return []

    # -- actions ----------------------------------------------------------------------------------

    def _actions(self, member: Member, path: Path) -> list[_Entry]:
        entries = self._strings(member, (*path, member.key.value), "EMPTY_ARRAY_ACTION")
        catalog = self.catalog
        expansions: list[frozenset[str]] = []
        for entry in entries:
            value = entry.node.value
            expansions.append(frozenset())
            if "${" in value:
                self.report("VARIABLE_UNSUPPORTED_IN_ELEMENT", entry.node, entry.path)
                continue
            if value == "*":
                expansions[-1] = catalog.expand_action_names(value)
                continue
            prefix, sep, name = value.partition(":")
            if not sep or not prefix or not name:
                self.report("INVALID_ACTION", entry.node, entry.path, action=value, hint="")
                continue
            if _is_concrete(prefix) and not catalog.has_service(prefix):
                close = difflib.get_close_matches(prefix.lower(), catalog.services.keys(), n=1)
                hint = f" Did you mean {close[0]}?" if close else ""
                self.report("INVALID_SERVICE_IN_ACTION", entry.node, entry.path, service=prefix, hint=hint)
                continue
            names = catalog.expand_action_names(value)
            if not names:
                hint = ""
                service = catalog.service(prefix)
                if service is not None and not _has_wildcard(name):
                    close = difflib.get_close_matches(name.lower(), service.actions.keys(), n=1)
                    if close:
                        hint = f" Did you mean {service.prefix}:{service.actions[close[0]].name}?"
                self.report("INVALID_ACTION", entry.node, entry.path, action=value, hint=hint)
                continue
            expansions[-1] = names
        self._redundant_actions(entries, expansions)
        return entries

    def _redundant_actions(self, entries: list[_Entry], expansions: list[frozenset[str]]) -> None:
        # An entry is redundant when every action it grants is granted by another entry; of two
        # entries granting the same set, the later one is reported.
        for i, covered in enumerate(expansions):
            if not covered:
                continue
            for j, covering in enumerate(expansions):
                if i == j or len(covering) < len(covered):
                    continue
                if covered <= covering and (covered != covering or j < i):
                    self.report("REDUNDANT_ACTION", entries[i].node, entries[i].path, action=entries[i].node.value)
                    break

    # -- resources --------------------------------------------------------------------------------

    def _resources_of(self, statement: _Statement) -> None:
        node, path = statement.node, statement.path
        if self.policy_type == "trust":
            self._refuse_element(node, path, "Resource", "ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE")
            return
        needed = self.policy_type in ("identity", "boundary")
        resource, not_resource = self._element_or_not(
            node, path, "Resource", missing="MISSING_RESOURCE" if needed else None
        )
        if resource:
            statement.resources = self._resources(resource, path)
        if not_resource:
            statement.not_resource = not_resource
            self._resources(not_resource, path)

    def _resources(self, member: Member, path: Path) -> list[_Entry]:
        entries = self._strings(member, (*path, member.key.value), "EMPTY_ARRAY_RESOURCE")
        for entry in entries:
            self._arn(entry)
        self._redundant_resources(entries)
        return entries

    def _arn(self, entry: _Entry) -> None:
        value, node, path = entry.node.value, entry.node, entry.path
        if value == "*":
            return
        check_variables(node, path, self.report)
        if "${" in value and self.version != "2012-10-17":
            self.report("VARIABLE_UNSUPPORTED_IN_VERSION", node, path)
        if not value.startswith("arn:"):
            self.report("INVALID_ARN_PREFIX", node, path)
            return
        parts = value.split(":", 5)
        if len(parts) < 6:
            self.report("MISSING_ARN_FIELD", node, path)
            return
        _, partition, service, region, account, resource = parts
        if _is_concrete(partition) and partition not in _PARTITIONS:
            self.report("INVALID_PARTITION", node, path, partition=partition, supported=", ".join(_PARTITIONS))
            return
        if _has_wildcard(service):
            self.report("WILDCARD_IN_SERVICE_NAME", node, path)
            return
        if service != service.lower():
            self.report("INVALID_ARN_SERVICE_CASE", node, path, service=service)
            return
        if _is_concrete(account) and account and account != "aws" and not _ACCOUNT.fullmatch(account):
            self.report("INVALID_ARN_ACCOUNT", node, path, account=account)
            return
        templates = self.catalog.arn_templates.get(service)
        if not templates:
            return  # a namespace the reference lists no resource types for: nothing to compare
        fields = [f for f in (t.arn.split(":", 5) for t in templates) if len(f) == 6]
        if _is_concrete(resource):
            # Judge region and account against the resource types this ARN can be.
            fields = [f for f in fields if _template_matches(f[5], resource)]
            if not fields:
                self.report("INVALID_ARN_RESOURCE", node, path)
                return
        if region and _is_concrete(region) and all(not f[3] for f in fields):
            self.report("ARN_REGION_NOT_ALLOWED", node, path, service=service)
        elif not region and all(f[3] for f in fields):
            self.report("MISSING_ARN_REGION", node, path)
        if account and _is_concrete(account) and all(not f[4] for f in fields):
            self.report("ARN_ACCOUNT_NOT_ALLOWED", node, path, service=service)

    def _redundant_resources(self, entries: list[_Entry]) -> None:
        patterns = [(e, _glob(e.node.value)) for e in entries if _has_wildcard(e.node.value)]
        seen: set[str] = set()
        for entry in entries:
            value = entry.node.value
            if value in seen or (
                not _has_wildcard(value) and any(p.fullmatch(value) for other, p in patterns if other is not entry)
            ):
                self.report("REDUNDANT_RESOURCE", entry.node, entry.path)
            seen.add(value)

    # -- principals -------------------------------------------------------------------------------

    def _principals_of(self, statement: _Statement) -> None:
        node, path = statement.node, statement.path
        if self.policy_type in ("identity", "boundary"):
            self._refuse_element(node, path, "Principal", "UNSUPPORTED_PRINCIPAL")
            return
        principal, not_principal = self._element_or_not(node, path, "Principal", missing="MISSING_PRINCIPAL")
        if not_principal is not None:
            if self.policy_type == "trust":
                self.report("ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL", not_principal.key, (*path, "NotPrincipal"))
            elif statement.effect == "Allow":
                self.report("ALLOW_WITH_NOT_PRINCIPAL", not_principal.key, (*path, "NotPrincipal"))
            self._principal(not_principal, (*path, "NotPrincipal"))
        if principal is not None:
            statement.principal = principal
            self._principal(principal, (*path, "Principal"))
            self._mismatched_action_for_principal(statement)

    def _principal(self, member: Member, path: Path) -> None:
        value = member.value
        if isinstance(value, JString):
            if value.value != "*":
                self.report("INVALID_PRINCIPAL_FORMAT", value, path)
            elif self.policy_type == "trust":
                self.report("ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL", value, path)
            return
        if isinstance(value, JArray):
            self.report("EMPTY_ARRAY_PRINCIPAL" if not value.items else "INVALID_PRINCIPAL_FORMAT", value, path)
            return
        if not isinstance(value, JObject):
            self.report("DATA_TYPE_MISMATCH", value, path, expected="object")
            return
        if not value.members:
            self.report("EMPTY_OBJECT_PRINCIPAL", value, path)
            return
        for item in value.members:
            key = item.key.value
            if key not in _PRINCIPAL_KEYS:
                self.report("INVALID_PRINCIPAL_KEY", item.key, (*path, key), key=key)
                continue
            for entry in self._strings(item, (*path, key), "EMPTY_ARRAY_PRINCIPAL"):
                text = entry.node.value
                if key == "AWS" and text == "*":
                    continue
                if _has_wildcard(text):
                    self.report("UNSUPPORTED_WILDCARD_IN_PRINCIPAL", entry.node, entry.path, key=key)
                elif key == "AWS" and text.startswith("AROA"):
                    self.report("INVALID_ROLE_REFERENCE", entry.node, entry.path, value=text)
                elif key == "AWS" and text.startswith("AIDA"):
                    self.report("INVALID_USER_REFERENCE", entry.node, entry.path, value=text)

    def _mismatched_action_for_principal(self, statement: _Statement) -> None:
        principal = statement.principal
        if self.policy_type != "trust" or principal is None or not isinstance(principal.value, JObject):
            return
        keys = {m.key.value for m in principal.value.members}
        federated = principal.value.get("Federated")
        if keys != {"Federated"} or federated is None:
            return
        names = [e.node.value for e in self._strings(federated, (), None)]
        for entry in statement.actions or ():
            if entry.node.value.lower() == "sts:assumerole":
                self.report(
                    "MISMATCHED_ACTION_FOR_PRINCIPAL",
                    entry.node,
                    entry.path,
                    action=entry.node.value,
                    principals=", ".join(names),
                )

    # -- cross-element checks -----------------------------------------------------------------------

    def _condition_vs_actions(self, statement: _Statement) -> None:
        catalog = self.catalog
        for key in statement.condition_keys:
            lowered = key.name.lower()
            if lowered.startswith("aws:resourcetag/"):
                self._tag_key(statement, key)
                continue
            if lowered.startswith("aws:"):
                continue  # other global keys are in every request context they apply to
            services = {s.lower() for s in catalog.condition_key_services(key.name.split(":", 1)[0])}
            if not services or not statement.actions:
                continue
            unsupported = []
            for entry in statement.actions:
                action = catalog.get_action(entry.node.value) if _is_concrete(entry.node.value) else None
                if (
                    action is not None
                    and action.service.lower() in services
                    and not catalog.action_supports_condition_key(action, key.name)
                ):
                    unsupported.append(entry)
            if unsupported:
                self.report(
                    "UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
                    unsupported[0].node,
                    unsupported[0].path,
                    actions=", ".join(e.node.value for e in unsupported),
                    key=key.name,
                )

    def _tag_key(self, statement: _Statement, key: ConditionKey) -> None:
        prefix = "ALLOW" if statement.effect == "Allow" else "DENY" if statement.effect == "Deny" else None
        if prefix is None:
            return
        if statement.not_actions is not None:
            self.report(
                f"{prefix}_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE", key.node, key.path, key=key.name
            )
            return
        services: set[str] = set()
        for entry in statement.actions or ():
            actions = self.catalog.expand_action(entry.node.value)
            if actions and not any(self.catalog.action_supports_condition_key(a, key.name) for a in actions):
                services.update(a.service for a in actions)
        if services:
            self.report(
                f"{prefix}_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE",
                key.node,
                key.path,
                key=key.name,
                services=", ".join(sorted(services)),
            )

    def _privileged_action(self, statement: _Statement, action: str, family: str) -> None:
        """The PASS_ROLE_* security warnings and CREATE_SLR_* warnings of the check reference."""
        literal = star = False
        for entry in statement.actions or ():
            value = entry.node.value.lower()
            if value == action:
                literal = True
            elif _has_wildcard(value) and _glob(value).fullmatch(action):
                star = True
        not_action = statement.not_actions is not None and not any(
            _glob(e.node.value.lower()).fullmatch(action) for e in statement.not_actions
        )
        grant = "named" if literal else "wildcard" if star else "not_action" if not_action else None
        if grant is None:
            return
        star_resource = next((e for e in statement.resources or () if _is_star_resource(e.node.value)), None)
        passed_to_service = any(k.name.lower() == "iam:passedtoservice" for k in statement.condition_keys)
        if star_resource is not None and not (family == "PASS_ROLE" and passed_to_service):
            code = _PRIVILEGED_WARNINGS["star_resource"][grant]
            self.report(f"{family}_{code}", star_resource.node, star_resource.path)
        if statement.not_resource is not None:
            code = _PRIVILEGED_WARNINGS["not_resource"][grant]
            self.report(f"{family}_{code}", statement.not_resource.key, (*statement.path, "NotResource"))


def _is_star_resource(value: str) -> bool:
    """``*`` or an IAM ARN naming every role (``arn:aws:iam::123456789012:role/*``)."""
    if value == "*":
        return True
    parts = value.split(":", 5)
    return len(parts) == 6 and parts[2] in ("iam", "*") and parts[5] in ("*", "role/*")


_TEMPLATE_CACHE: dict[str, re.Pattern[str]] = {}


def _template_matches(template: str, resource: str) -> bool:
    """Whether a concrete resource part matches a reference ARN format such as ``role/${RoleNameWithPath}``."""
    pattern = _TEMPLATE_CACHE.get(template)
    if pattern is None:
        pieces = _TEMPLATE_VARIABLE.split(template)
        pattern = re.compile(".+".join(re.escape(p) for p in pieces), re.DOTALL)
        _TEMPLATE_CACHE[template] = pattern
    return pattern.fullmatch(resource) is not None
