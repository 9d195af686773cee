"""The value rules every face shares read ``\\w`` and ``\\d`` as AWS does: ASCII only (Java's classes), whatever
face the value comes from (the Query decoder checks botocore's patterns first; the console and REST API reach these)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from iamconsole import domain
from iamconsole.errors import ValidationError
from sts import domain as sts_domain

NON_ASCII_WORDS = ["caf\u00e9", "\u0661\u0662\u0663", "x\u00b2", "stra\u00dfe", "\u0430\u0431\u0432"]


@pytest.mark.parametrize("value", NON_ASCII_WORDS)
@pytest.mark.parametrize(
    "check",
    [
        lambda v: domain.validate_name(v, member="UserName", field="user_name", max_length=64),
        sts_domain.validate_session_name,
        sts_domain.validate_federated_user_name,
        sts_domain.validate_source_identity,
        sts_domain.validate_external_id,
    ],
)
def test_non_ascii_word_characters_are_refused(check: Callable[[str], Any], value: str) -> None:
    with pytest.raises(ValidationError, match="regular expression pattern"):
        check(value)


@pytest.mark.parametrize("code", ["\u0661\u0662\u0663\u0664\u0665\u0666", "12345\u00b2"])
def test_mfa_token_codes_are_ascii_digits(code: str) -> None:
    with pytest.raises(ValidationError):
        sts_domain.validate_mfa("arn:aws:iam::123456789012:mfa/dev", code)


def test_ascii_word_characters_pass() -> None:
    assert domain.validate_name("Az_09+=,.@-", member="UserName", field="user_name", max_length=64) == "Az_09+=,.@-"
    assert sts_domain.validate_session_name("Az_09+=,.@-") == "Az_09+=,.@-"
