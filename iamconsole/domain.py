"""Value rules shared by every IAM entity: names, paths, path prefixes and tags.

Mirrors the IAM API model's constraints and the IAM User Guide ("IAM identifiers", "Tagging IAM resources", "IAM and
AWS STS quotas"): names match ``[\\w+=,.@-]+`` (1–64 characters for users and roles, 1–128 for groups, policies and
instance profiles); paths are ``/`` or ``/…/`` of printable ASCII, at most 512 characters; an entity holds at most 50
tags, keys of 1–128 and values of 0–256 characters of letters, spaces, digits and ``_.:/=+-@``; keys beginning with
``aws:`` are reserved for AWS, and IAM compares keys ignoring case (two keys differing only in case are duplicates).

Every function raises ``iamconsole.errors`` in AWS's wording with ``field`` set to the snake_case parameter at fault.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from iamconsole.errors import InvalidInput, LimitExceeded, ValidationError, constraint_error


def ascii_digits(text: str) -> bool:
    """Whether ``text`` is one or more of 0-9: ``\\d`` as AWS reads it (``str.isdigit`` also takes ``²`` and ``٣``,
    which ``int`` then refuses)."""
    return text.isascii() and text.isdigit()


NAME_PATTERN = r"[\w+=,.@-]+"
#: ``\\w`` as AWS (Java) reads it: ASCII letters, digits and underscore only, never ``é`` or ``٣``.
_NAME_RE = re.compile(NAME_PATTERN, re.ASCII)
#: Users and roles: 64 characters; groups, policies, instance profiles, inline policies: 128.
USER_NAME_MAX = 64
ROLE_NAME_MAX = 64
GROUP_NAME_MAX = 128
POLICY_NAME_MAX = 128

PATH_MAX = 512
PATH_PATTERN = r"(\u002F)|(\u002F[\u0021-\u007E]+\u002F)"
_PATH_RE = re.compile(r"/|/[\x21-\x7E]+/")
PATH_PREFIX_PATTERN = r"\u002F[\u0021-\u007F]*"
_PATH_PREFIX_RE = re.compile(r"/[\x21-\x7F]*")

MAX_TAGS = 50
TAG_KEY_MAX = 128
TAG_VALUE_MAX = 256
TAG_KEY_PATTERN = r"[\p{L}\p{Z}\p{N}_.:/=+\-@]+"
TAG_VALUE_PATTERN = r"[\p{L}\p{Z}\p{N}_.:/=+\-@]*"
_TAG_PUNCTUATION = frozenset("_.:/=+-@")
RESERVED_TAG_PREFIX = "aws:"
DUPLICATE_TAG_KEYS = "Duplicate tag keys found. Please note that Tag keys are case insensitive."


def validate_text(value: Any, *, member: str, field: str, max_length: int, regex: re.Pattern[str], pattern: str) -> str:
    """Check a string parameter: not empty, at most ``max_length`` characters, matching ``regex`` whole
    (``ValidationError`` as AWS words it, quoting ``pattern`` as the API Reference writes it)."""
    if not isinstance(value, str) or not value:
        raise constraint_error(member, value or None, "Member must have length greater than or equal to 1", field=field)
    if len(value) > max_length:
        raise constraint_error(
            member, value, f"Member must have length less than or equal to {max_length}", field=field
        )
    if not regex.fullmatch(value):
        raise constraint_error(member, value, f"Member must satisfy regular expression pattern: {pattern}", field=field)
    return value


def validate_name(value: Any, *, member: str, field: str, max_length: int) -> str:
    """Check an entity name against ``[\\w+=,.@-]+`` and its length bounds (``ValidationError`` as AWS words it)."""
    return validate_text(value, member=member, field=field, max_length=max_length, regex=_NAME_RE, pattern=NAME_PATTERN)


def validate_policy_name(value: Any) -> str:
    """Check an inline or managed policy name (``PolicyName``)."""
    return validate_name(value, member="PolicyName", field="policy_name", max_length=POLICY_NAME_MAX)


def validate_path(value: Any, *, member: str = "Path", field: str = "path") -> str:
    """Check an IAM path: ``/`` alone, or ``/`` + printable ASCII + ``/``, at most 512 characters."""
    return validate_text(value, member=member, field=field, max_length=PATH_MAX, regex=_PATH_RE, pattern=PATH_PATTERN)


def validate_path_prefix(value: Any, *, member: str = "PathPrefix", field: str = "path_prefix") -> str:
    """Check a List operation's ``PathPrefix``: ``/`` followed by printable ASCII, at most 512 characters."""
    return validate_text(
        value, member=member, field=field, max_length=PATH_MAX, regex=_PATH_PREFIX_RE, pattern=PATH_PREFIX_PATTERN
    )


def _tag_text_ok(text: str) -> bool:
    # Python's re has no \p{…}: test the Unicode categories the pattern names (letters, separators, numbers).
    return all(ch in _TAG_PUNCTUATION or unicodedata.category(ch)[0] in "LZN" for ch in text)


def _check_tag_key(key: Any, *, member: str, field: str) -> str:
    if not isinstance(key, str) or not key:
        raise constraint_error(member, key or None, "Member must have length greater than or equal to 1", field=field)
    if len(key) > TAG_KEY_MAX:
        raise constraint_error(member, key, f"Member must have length less than or equal to {TAG_KEY_MAX}", field=field)
    if not _tag_text_ok(key):
        raise constraint_error(
            member, key, f"Member must satisfy regular expression pattern: {TAG_KEY_PATTERN}", field=field
        )
    return key


def validate_tags(tags: Any, *, field: str = "tags") -> dict[str, str]:
    """Check a ``Tags`` list (``[{"key": …, "value": …}]``) and return it as an ordered ``{key: value}``.

    At most 50 tags; keys 1–128 and values 0–256 characters of AWS's tag alphabet (``ValidationError``); a key
    beginning with ``aws:`` in any case, or two keys equal ignoring case, are ``InvalidInput``.
    """
    if tags is None:
        return {}
    if not isinstance(tags, Sequence) or isinstance(tags, str):
        raise ValidationError("Tags must be a list of {Key, Value} structures.", field=field)
    if len(tags) > MAX_TAGS:
        raise constraint_error("Tags", "[…]", f"Member must have length less than or equal to {MAX_TAGS}", field=field)
    result: dict[str, str] = {}
    seen: set[str] = set()
    for index, tag in enumerate(tags, start=1):
        if not isinstance(tag, Mapping):
            raise ValidationError("Tags must be a list of {Key, Value} structures.", field=field)
        key = _check_tag_key(tag.get("key"), member=f"tags.{index}.member.key", field=field)
        value = tag.get("value")
        if not isinstance(value, str):
            raise constraint_error(f"tags.{index}.member.value", None, "Member must not be null", field=field)
        if len(value) > TAG_VALUE_MAX:
            raise constraint_error(
                f"tags.{index}.member.value",
                value,
                f"Member must have length less than or equal to {TAG_VALUE_MAX}",
                field=field,
            )
        if not _tag_text_ok(value):
            raise constraint_error(
                f"tags.{index}.member.value",
                value,
                f"Member must satisfy regular expression pattern: {TAG_VALUE_PATTERN}",
                field=field,
            )
        if key.lower().startswith(RESERVED_TAG_PREFIX):
            raise InvalidInput(
                f"Tag key '{key}' is not valid: keys starting with 'aws:' are reserved for AWS.", field=field
            )
        if key.lower() in seen:
            raise InvalidInput(DUPLICATE_TAG_KEYS, field=field)
        seen.add(key.lower())
        result[key] = value
    return result


def validate_tag_keys(keys: Any, *, field: str = "tag_keys") -> list[str]:
    """Check an Untag operation's ``TagKeys``: at most 50 keys, each a valid tag key."""
    if not isinstance(keys, Sequence) or isinstance(keys, str):
        raise ValidationError("TagKeys must be a list of strings.", field=field)
    if len(keys) > MAX_TAGS:
        raise constraint_error(
            "TagKeys", "[…]", f"Member must have length less than or equal to {MAX_TAGS}", field=field
        )
    return [_check_tag_key(key, member=f"tagKeys.{i}.member", field=field) for i, key in enumerate(keys, start=1)]


def merge_tags(existing: Mapping[str, str], new: Mapping[str, str], *, quota_name: str) -> dict[str, str]:
    """The tags after a Tag operation: a key already present (ignoring case) takes the new key and value.

    ``LimitExceeded`` ("Cannot exceed quota for TagsPerUser: 50") when the entity would hold more than 50 tags.
    """
    new_lower = {key.lower() for key in new}
    merged = {key: value for key, value in existing.items() if key.lower() not in new_lower}
    merged.update(new)
    if len(merged) > MAX_TAGS:
        raise LimitExceeded(f"Cannot exceed quota for {quota_name}: {MAX_TAGS}", field="tags")
    return merged


def remove_tags(existing: Mapping[str, str], keys: Iterable[str]) -> dict[str, str]:
    """The tags after an Untag operation: keys are matched ignoring case; unknown keys are ignored, as in AWS."""
    gone = {key.lower() for key in keys}
    return {key: value for key, value in existing.items() if key.lower() not in gone}


def tag_list(tags: Mapping[str, str]) -> list[dict[str, str]]:
    """Tags as AWS lists them: ``[{"Key": …, "Value": …}]`` (in the stored order, which PostgreSQL sorts)."""
    return [{"Key": key, "Value": value} for key, value in tags.items()]


# --- role descriptions ---------------------------------------------------------------------------------------------

ROLE_DESCRIPTION_MAX = 1000
_ROLE_DESCRIPTION_CHARS = (
    frozenset(range(0x09, 0x0B)) | {0x0D} | frozenset(range(0x20, 0x7F)) | frozenset(range(0xA1, 0x100))
)
ROLE_DESCRIPTION_PATTERN = r"[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*"


def validate_role_description(description: Any) -> str:
    """A role description as AWS accepts it: at most 1,000 characters of tab, newlines and Latin-1 text."""
    if not isinstance(description, str):
        raise constraint_error("Description", description, "Member must not be null", field="description")
    if len(description) > ROLE_DESCRIPTION_MAX:
        raise constraint_error(
            "Description",
            description,
            f"Member must have length less than or equal to {ROLE_DESCRIPTION_MAX}",
            field="description",
        )
    if any(ord(ch) not in _ROLE_DESCRIPTION_CHARS for ch in description):
        raise constraint_error(
            "Description",
            description,
            f"Member must satisfy regular expression pattern: {ROLE_DESCRIPTION_PATTERN}",
            field="description",
        )
    return description
