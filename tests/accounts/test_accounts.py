"""Accounts: aliases and the password policy, with AWS's bounds, through operations.run as the root user."""

from __future__ import annotations

import pytest

from accounts.models import AuditEvent
from iamconsole.errors import EntityAlreadyExists, InvalidInput, NoSuchEntity, ValidationError
from tests.factories import run


# AWS CreateAccountAlias: 3-63 characters, ^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$
@pytest.mark.parametrize("alias", ["abc", "a" * 63, "my-company", "a1-b2-c3", "123abc", "1234567890123"])
def test_valid_aliases_are_accepted(account, alias):
    run(account, "CreateAccountAlias", account_alias=alias)
    assert run(account, "ListAccountAliases") == [alias]


@pytest.mark.parametrize(
    ("alias", "error"),
    [
        ("ab", ValidationError),  # shorter than 3
        ("a" * 64, ValidationError),  # longer than 63
        ("-abc", ValidationError),  # leading hyphen
        ("abc-", ValidationError),  # trailing hyphen
        ("ab--cd", ValidationError),  # double hyphen
        ("Upper", ValidationError),  # uppercase
        ("under_score", ValidationError),  # not a letter, digit or hyphen
        ("123456789012", InvalidInput),  # would read as an account id
    ],
)
def test_invalid_aliases_are_refused(account, alias, error):
    with pytest.raises(error) as excinfo:
        run(account, "CreateAccountAlias", account_alias=alias)
    assert excinfo.value.field == "account_alias"
    assert run(account, "ListAccountAliases") == []


def test_alias_is_unique_across_the_installation(account, other_account):
    run(account, "CreateAccountAlias", account_alias="shared-name")
    with pytest.raises(EntityAlreadyExists, match=r"The account alias shared-name already exists\."):
        run(other_account, "CreateAccountAlias", account_alias="shared-name")


def test_a_new_alias_replaces_the_old_one_and_delete_needs_the_current_one(account):
    run(account, "CreateAccountAlias", account_alias="first-alias")
    run(account, "CreateAccountAlias", account_alias="second-alias")
    assert run(account, "ListAccountAliases") == ["second-alias"]
    with pytest.raises(NoSuchEntity):
        run(account, "DeleteAccountAlias", account_alias="first-alias")
    run(account, "DeleteAccountAlias", account_alias="second-alias")
    assert run(account, "ListAccountAliases") == []


def test_password_policy_is_absent_until_set(account):
    with pytest.raises(NoSuchEntity, match=f"The Password Policy with domain name {account.account_id} cannot be"):
        run(account, "GetAccountPasswordPolicy")
    with pytest.raises(NoSuchEntity):
        run(account, "DeleteAccountPasswordPolicy")


def test_password_policy_defaults_follow_aws(account):
    run(account, "UpdateAccountPasswordPolicy")
    policy = run(account, "GetAccountPasswordPolicy")
    assert policy.minimum_password_length == 6
    assert policy.max_password_age is None
    assert policy.password_reuse_prevention is None
    assert not policy.require_symbols and not policy.hard_expiry


@pytest.mark.parametrize(
    ("param", "value", "ok"),
    [
        ("minimum_password_length", 5, False),
        ("minimum_password_length", 6, True),
        ("minimum_password_length", 128, True),
        ("minimum_password_length", 129, False),
        ("max_password_age", 0, False),
        ("max_password_age", 1, True),
        ("max_password_age", 1095, True),
        ("max_password_age", 1096, False),
        ("password_reuse_prevention", 0, False),
        ("password_reuse_prevention", 1, True),
        ("password_reuse_prevention", 24, True),
        ("password_reuse_prevention", 25, False),
    ],
)
def test_password_policy_bounds(account, param, value, ok):
    if ok:
        run(account, "UpdateAccountPasswordPolicy", **{param: value})
        assert getattr(run(account, "GetAccountPasswordPolicy"), param) == value
    else:
        with pytest.raises(ValidationError, match="1 validation error detected: Value") as excinfo:
            run(account, "UpdateAccountPasswordPolicy", **{param: value})
        assert excinfo.value.field == param


def test_update_replaces_every_setting(account):
    run(account, "UpdateAccountPasswordPolicy", minimum_password_length=20, require_symbols=True, max_password_age=90)
    run(account, "UpdateAccountPasswordPolicy", require_numbers=True)
    policy = run(account, "GetAccountPasswordPolicy")
    assert (policy.minimum_password_length, policy.require_symbols, policy.require_numbers) == (6, False, True)
    assert policy.max_password_age is None
    run(account, "DeleteAccountPasswordPolicy")
    with pytest.raises(NoSuchEntity):
        run(account, "GetAccountPasswordPolicy")


def test_accounts_do_not_see_each_other(account, other_account):
    run(account, "UpdateAccountPasswordPolicy", minimum_password_length=30)
    with pytest.raises(NoSuchEntity):
        run(other_account, "GetAccountPasswordPolicy")
    assert AuditEvent.objects.filter(account_id_value=other_account.account_id, outcome="failed").count() == 1
