"""Login profile results shaped as botocore's IAM output shapes (never the password, which AWS never returns)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from identities.models import LoginProfile


def login_profile_shape(profile: LoginProfile) -> dict[str, Any]:
    """``LoginProfile``: the user's name, the creation date and whether a reset is required."""
    return {
        "UserName": profile.user.name,
        "CreateDate": profile.created_at,
        "PasswordResetRequired": profile.password_reset_required,
    }


OUTPUTS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "CreateLoginProfile": lambda profile: {"LoginProfile": login_profile_shape(profile)},
    "GetLoginProfile": lambda profile: {"LoginProfile": login_profile_shape(profile)},
}
