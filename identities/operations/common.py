"""Resource and parameter builders shared by the identities operations."""

from __future__ import annotations

from typing import Any

from iamconsole.actors import ActorKind
from iamconsole.arn import iam_arn, root_arn
from iamconsole.operations import Call
from identities import selectors


def user_resource(call: Call, param: str = "user_name") -> str:
    """The ARN of the user named by ``param`` (with its real path when it exists), or of the caller."""
    name: Any = call.params.get(param)
    if not name:
        if call.actor.kind is ActorKind.USER:
            return call.actor.arn
        return root_arn(call.account_id)
    path = "/"
    if call.account is not None:
        path = selectors.user_path(account=call.account, user_name=str(name))
    return iam_arn(call.account_id, "user", str(name), path)
