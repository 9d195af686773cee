"""Results of the accounts operations shaped as botocore's IAM output shapes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from accounts.models import PasswordPolicy


def password_policy_shape(policy: PasswordPolicy) -> dict[str, Any]:
    """The ``PasswordPolicy`` structure; ``MaxPasswordAge`` and ``PasswordReusePrevention`` only when set."""
    shape: dict[str, Any] = {
        "MinimumPasswordLength": policy.minimum_password_length,
        "RequireSymbols": policy.require_symbols,
        "RequireNumbers": policy.require_numbers,
        "RequireUppercaseCharacters": policy.require_uppercase_characters,
        "RequireLowercaseCharacters": policy.require_lowercase_characters,
        "AllowUsersToChangePassword": policy.allow_users_to_change_password,
        "ExpirePasswords": policy.max_password_age is not None,
        "HardExpiry": policy.hard_expiry,
    }
    if policy.max_password_age is not None:
        shape["MaxPasswordAge"] = policy.max_password_age
    if policy.password_reuse_prevention is not None:
        shape["PasswordReusePrevention"] = policy.password_reuse_prevention
    return shape


OUTPUTS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "ListAccountAliases": lambda aliases: {"AccountAliases": list(aliases), "IsTruncated": False},
    "GetAccountPasswordPolicy": lambda policy: {"PasswordPolicy": password_policy_shape(policy)},
}
