"""A strict JSON parser that remembers where every value and key is in the original text.

IAM policy validation reports each finding at a span of the text as written (IAM Access
Analyzer's ``ValidatePolicy`` returns ``locations[].span`` with start and end offsets, lines
and columns), so the parse keeps offsets instead of producing plain Python values. The
grammar is RFC 8259 JSON, as IAM accepts it: no comments, no trailing commas, no single
quotes, no control characters inside strings. Duplicate object keys are kept in order;
lookups take the last one, as most JSON readers do.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import TypeAlias

__all__ = [
    "JArray",
    "JBool",
    "JNull",
    "JNumber",
    "JObject",
    "JString",
    "JsonSyntaxError",
    "LineIndex",
    "Member",
    "Node",
    "parse",
    "type_name",
]

_MAX_DEPTH = 256

_WS = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"(?:[^"\\\x00-\x1f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"')
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")


class JsonSyntaxError(ValueError):
    """The text is not JSON; ``offset`` is the character index where parsing failed."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


@dataclass(slots=True)
class JString:
    """A string value; ``start``/``end`` include the quotes (end exclusive)."""

    value: str
    start: int
    end: int


@dataclass(slots=True)
class JNumber:
    """A number value; ``text`` is the literal as written."""

    value: int | float
    text: str
    start: int
    end: int


@dataclass(slots=True)
class JBool:
    """``true`` or ``false``."""

    value: bool
    start: int
    end: int


@dataclass(slots=True)
class JNull:
    """``null``."""

    start: int
    end: int


@dataclass(slots=True)
class JArray:
    """An array and its items."""

    items: list[Node]
    start: int
    end: int


@dataclass(slots=True)
class Member:
    """One ``"key": value`` pair of an object."""

    key: JString
    value: Node


@dataclass(slots=True)
class JObject:
    """An object; ``members`` keeps every pair in text order, duplicates included."""

    members: list[Member]
    start: int
    end: int
    _index: dict[str, Member] = field(default_factory=dict, repr=False)

    def get(self, name: str) -> Member | None:
        """The member named exactly ``name`` (the last one if repeated), or None."""
        return self._index.get(name)


Node: TypeAlias = JString | JNumber | JBool | JNull | JArray | JObject


def type_name(node: Node) -> str:
    """The JSON type of a node, as AWS messages name it (string, number, object, …)."""
    return {
        JString: "string",
        JNumber: "number",
        JBool: "boolean",
        JNull: "null",
        JArray: "array",
        JObject: "object",
    }[type(node)]


class LineIndex:
    """Turns character offsets into 1-based (line, column) pairs."""

    __slots__ = ("_starts",)

    def __init__(self, text: str) -> None:
        starts = [0]
        find = text.find
        position = find("\n")
        while position != -1:
            starts.append(position + 1)
            position = find("\n", position + 1)
        self._starts = starts

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column of the character at ``offset`` (columns count characters)."""
        line = bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1


class _Parser:
    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def fail(self, message: str, offset: int) -> JsonSyntaxError:
        return JsonSyntaxError(message, min(offset, len(self.text)))

    def skip(self, offset: int) -> int:
        match = _WS.match(self.text, offset)
        return match.end() if match else offset

    def value(self, offset: int, depth: int) -> tuple[Node, int]:
        text = self.text
        if offset >= len(text):
            raise self.fail("Unexpected end of input: expected a value", offset)
        char = text[offset]
        if char == '"':
            return self.string(offset)
        if char == "{":
            return self.object(offset, depth + 1)
        if char == "[":
            return self.array(offset, depth + 1)
        if char == "-" or char.isdigit():
            match = _NUMBER.match(text, offset)
            if match is None:
                raise self.fail("Invalid number", offset)
            literal = match.group()
            number: int | float = float(literal) if any(c in literal for c in ".eE") else int(literal)
            return JNumber(number, literal, offset, match.end()), match.end()
        for literal, node_type in (("true", True), ("false", False)):
            if text.startswith(literal, offset):
                return JBool(node_type, offset, offset + len(literal)), offset + len(literal)
        if text.startswith("null", offset):
            return JNull(offset, offset + 4), offset + 4
        raise self.fail(f"Unexpected character {char!r}: expected a value", offset)

    def string(self, offset: int) -> tuple[JString, int]:
        match = _STRING.match(self.text, offset)
        if match is None:
            end = self.text.find('"', offset + 1)
            raise self.fail(
                "Unterminated string" if end == -1 else "Invalid character or escape in string",
                offset,
            )
        raw = match.group()
        value = raw[1:-1] if "\\" not in raw else json.loads(raw)
        return JString(value, offset, match.end()), match.end()

    def object(self, start: int, depth: int) -> tuple[JObject, int]:
        if depth > _MAX_DEPTH:
            raise self.fail("Too deeply nested", start)
        text = self.text
        node = JObject([], start, start)
        offset = self.skip(start + 1)
        if offset < len(text) and text[offset] == "}":
            node.end = offset + 1
            return node, offset + 1
        while True:
            if offset >= len(text) or text[offset] != '"':
                raise self.fail("Expected a double-quoted property name", offset)
            key, offset = self.string(offset)
            offset = self.skip(offset)
            if offset >= len(text) or text[offset] != ":":
                raise self.fail("Expected ':' after a property name", offset)
            value, offset = self.value(self.skip(offset + 1), depth)
            member = Member(key, value)
            node.members.append(member)
            node._index[key.value] = member
            offset = self.skip(offset)
            if offset < len(text) and text[offset] == ",":
                offset = self.skip(offset + 1)
                continue
            if offset < len(text) and text[offset] == "}":
                node.end = offset + 1
                return node, offset + 1
            raise self.fail("Expected ',' or '}' after a property value", offset)

    def array(self, start: int, depth: int) -> tuple[JArray, int]:
        if depth > _MAX_DEPTH:
            raise self.fail("Too deeply nested", start)
        text = self.text
        node = JArray([], start, start)
        offset = self.skip(start + 1)
        if offset < len(text) and text[offset] == "]":
            node.end = offset + 1
            return node, offset + 1
        while True:
            item, offset = self.value(offset, depth)
            node.items.append(item)
            offset = self.skip(offset)
            if offset < len(text) and text[offset] == ",":
                offset = self.skip(offset + 1)
                continue
            if offset < len(text) and text[offset] == "]":
                node.end = offset + 1
                return node, offset + 1
            raise self.fail("Expected ',' or ']' after an array element", offset)


def parse(text: str) -> Node:
    """Parse one JSON document, keeping positions; raise :class:`JsonSyntaxError` if invalid."""
    parser = _Parser(text)
    offset = parser.skip(1 if text.startswith("\ufeff") else 0)
    node, offset = parser.value(offset, 0)
    offset = parser.skip(offset)
    if offset != len(text):
        raise parser.fail("Unexpected text after the JSON document", offset)
    return node
