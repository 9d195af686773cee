"""Wildcard, ARN and policy-variable matching, compiled once per policy.

Mirrors the IAM User Guide: action names match case-insensitively with `*` and `?`
("IAM JSON policy elements: Action"); resource ARNs (`Resource`, `ArnLike`/`ArnEquals`) match
case-sensitively component by component ("IAM JSON policy elements: Resource", "Condition
operators: ARN"): the first five colon-separated fields one by one, with wildcards that never
span a colon, and the resource part after the fifth colon (which may contain `/` and `:`) as one
field in which wildcards match colons too. A pattern with another number of components than the
ARN therefore never matches it: `arn:aws:s3:*` matches no S3 bucket or object ARN; policy variables such as
`${aws:username}`, `${*}`, `${?}`, `${$}` and defaults (`${aws:username, 'anonymous'}`) are
replaced in Resource and condition values of Version 2012-10-17 policies only ("IAM policy
elements: Variables and tags").

Patterns are turned into the cheapest test that is exact: equality, `startswith`, always-true, or
one compiled regular expression (several patterns of one element share one alternation).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

# A request context after normalisation: lower-cased key -> one string or a tuple of strings.
Context = Mapping[str, "str | tuple[str, ...]"]
Matcher = Callable[[str], object]


class _Wild:
    """A wildcard token: `*` (any run) or `?` (exactly one character)."""

    __slots__ = ("char",)

    def __init__(self, char: str) -> None:
        self.char = char

    def __repr__(self) -> str:
        return self.char


STAR: Final = _Wild("*")
QMARK: Final = _Wild("?")


@dataclass(frozen=True, slots=True)
class Variable:
    """A `${key}` or `${key, 'default'}` reference; `key` is lower-cased (keys are case-insensitive)."""

    key: str
    default: str | None


Token = str | _Wild | Variable

_VAR_RE = re.compile(r"\$\{([^}]*)\}")
_DEFAULT_RE = re.compile(r"^\s*([^,]+?)\s*,\s*'([^']*)'\s*$")


def tokenize(text: str, *, variables: bool) -> tuple[Token, ...]:
    """Split a policy string into literal text, `*`/`?` wildcards and (when allowed) variables.

    `${*}`, `${?}` and `${$}` always stand for the literal character (AWS's escapes); other
    `${...}` are variables only when `variables` is true (Version 2012-10-17), else literal text.
    """
    tokens: list[Token] = []
    buf: list[str] = []

    def flush() -> None:
        if buf:
            tokens.append("".join(buf))
            buf.clear()

    def add_plain(chunk: str) -> None:
        for ch in chunk:
            if ch == "*":
                flush()
                tokens.append(STAR)
            elif ch == "?":
                flush()
                tokens.append(QMARK)
            else:
                buf.append(ch)

    pos = 0
    if variables:
        for m in _VAR_RE.finditer(text):
            add_plain(text[pos : m.start()])
            inner = m.group(1)
            if inner in ("*", "?", "$"):
                buf.append(inner)
            else:
                dm = _DEFAULT_RE.match(inner)
                if dm:
                    tokens_key, default = dm.group(1), dm.group(2)
                else:
                    tokens_key, default = inner.strip(), None
                flush()
                tokens.append(Variable(tokens_key.lower(), default))
            pos = m.end()
    add_plain(text[pos:])
    flush()
    return tuple(tokens)


def has_variables(tokens: Sequence[Token]) -> bool:
    """True when the token list needs the request context to be resolved."""
    return any(type(t) is Variable for t in tokens)


def resolve(tokens: Sequence[Token], ctx: Context) -> tuple[str | _Wild, ...] | None:
    """Replace variables with context values (as literal text); None when one cannot be resolved.

    AWS: a variable whose key is absent (and has no default) makes the element not match, and
    multivalued keys cannot be used as variables.
    """
    out: list[str | _Wild] = []
    for t in tokens:
        if type(t) is Variable:
            value = ctx.get(t.key)
            if type(value) is not str:
                if t.default is None:
                    return None
                value = t.default
            out.append(value)
        else:
            out.append(t)  # type: ignore[arg-type]  # not a Variable here
    return tuple(out)


def literal_text(tokens: Sequence[str | _Wild]) -> str | None:
    """The text when the tokens hold no wildcard, else None."""
    if all(type(t) is str for t in tokens):
        return "".join(tokens)  # type: ignore[arg-type]  # all str, checked above
    return None


def _glob_regex(tokens: Sequence[str | _Wild], *, arn: bool) -> str:
    """Regex source for a wildcard pattern; in ARN mode wildcards stay within their field.

    In ARN mode the pattern's literal colons are the component separators: up to the fifth, a
    wildcard is `[^:]*` / `[^:]`, so a subject matches only with the same colons in the same
    places, and a pattern of fewer than six components matches no ARN.
    """
    parts: list[str] = []
    if arn:
        field = 0
        for t in tokens:
            if type(t) is str:
                if field < 5:
                    # Count the colons that end ARN fields; the sixth field keeps its colons.
                    pieces = t.split(":")
                    room = 5 - field
                    if len(pieces) - 1 > room:
                        pieces = [*pieces[:room], ":".join(pieces[room:])]
                    field += len(pieces) - 1
                    parts.append(":".join(re.escape(p) for p in pieces))
                else:
                    parts.append(re.escape(t))
            elif t is STAR:
                parts.append("[^:]*" if field < 5 else ".*")
            else:
                parts.append("[^:]" if field < 5 else ".")
        return "".join(parts)
    for t in tokens:
        if type(t) is str:
            parts.append(re.escape(t))
        elif t is STAR:
            parts.append(".*")
        else:
            parts.append(".")
    return "".join(parts)


def _reaches_resource_part(literal: str) -> bool:
    """True when `literal` holds the five colons that end an ARN's fixed fields.

    A `*` after such a prefix stands in the resource part, where it may match colons, so the
    pattern is exactly a `startswith` test.
    """
    return literal.count(":") >= 5


def _always(_: str) -> bool:
    return True


def compile_patterns(
    patterns: Sequence[Sequence[str | _Wild]], *, arn: bool = False, ignore_case: bool = False
) -> Matcher:
    """One matcher for several variable-free patterns (OR), using the cheapest exact test.

    With `ignore_case` the caller lower-cases the subject; the patterns are lower-cased here.
    """
    if ignore_case:
        patterns = [tuple(t.lower() if type(t) is str else t for t in p) for p in patterns]
    literals: set[str] = set()
    sources: list[str] = []
    prefixes: list[str] = []
    for p in patterns:
        if len(p) == 1 and p[0] is STAR:
            return _always
        lit = literal_text(p)
        if lit is not None:
            literals.add(lit)
            continue
        prefix = literal_text(p[:-1]) if p[-1] is STAR else None
        if prefix is not None and (not arn or _reaches_resource_part(prefix)):
            prefixes.append(prefix)
            continue
        sources.append(_glob_regex(p, arn=arn))
    if not sources and not prefixes:
        if len(literals) == 1:
            return literals.pop().__eq__
        return frozenset(literals).__contains__
    if not sources and not literals and len(prefixes) == 1:
        prefix = prefixes[0]
        return lambda subject: subject.startswith(prefix)
    sources.extend(re.escape(x) for x in sorted(literals))
    sources.extend(re.escape(x) + ".*" for x in prefixes)
    return re.compile("|".join(f"(?:{s})" for s in sources), re.DOTALL).fullmatch


@lru_cache(maxsize=8192)
def _compiled_resolved(tokens: tuple[str | _Wild, ...], arn: bool, ignore_case: bool) -> Matcher:
    return compile_patterns([tokens], arn=arn, ignore_case=ignore_case)


@dataclass(frozen=True, slots=True)
class PatternSet:
    """The values of one element (Resource, or a StringLike/ArnLike condition), compiled.

    Variable-free patterns share one matcher; patterns with variables are resolved per request
    and their matchers cached by resolved text, so each distinct value compiles once per process.
    """

    static: Matcher | None
    dynamic: tuple[tuple[Token, ...], ...]
    arn: bool
    ignore_case: bool
    wildcards: bool

    @classmethod
    def build(
        cls, texts: Sequence[str], *, variables: bool, arn: bool, wildcards: bool = True, ignore_case: bool = False
    ) -> PatternSet:
        """Compile `texts`; without `wildcards`, `*` and `?` are ordinary characters."""
        static: list[tuple[str | _Wild, ...]] = []
        dynamic: list[tuple[Token, ...]] = []
        for text in texts:
            toks = tokenize(text, variables=variables)
            if not wildcards:
                toks = tuple(_unwild(toks))
            if has_variables(toks):
                dynamic.append(toks)
            else:
                static.append(toks)  # type: ignore[arg-type]  # no Variable in toks
        matcher = compile_patterns(static, arn=arn, ignore_case=ignore_case) if static else None
        return cls(matcher, tuple(dynamic), arn, ignore_case, wildcards)

    def match(self, subject: str, ctx: Context) -> bool:
        """True when any pattern matches `subject` (already lower-cased for `ignore_case`)."""
        if self.static is not None and self.static(subject):
            return True
        for toks in self.dynamic:
            resolved = resolve(toks, ctx)
            if resolved is not None and _compiled_resolved(resolved, self.arn, self.ignore_case)(subject):
                return True
        return False


def _unwild(tokens: Sequence[Token]) -> list[Token]:
    """Turn wildcard tokens back into literal characters (for operators without wildcards)."""
    out: list[Token] = []
    for t in tokens:
        if isinstance(t, _Wild):
            t = t.char
        if type(t) is str and out and type(out[-1]) is str:
            out[-1] = out[-1] + t
        else:
            out.append(t)
    return out
