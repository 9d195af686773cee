"""Access key results shaped as botocore's IAM output shapes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from iamconsole.pagination import page_shape
from identities.models import AccessKey
from identities.selectors.access_keys import AccessKeyLastUsed
from identities.services.access_keys import NewAccessKey


def _owner_name(key: AccessKey) -> str | None:
    return key.user.name if key.user else None


def access_key_metadata_shape(key: AccessKey) -> dict[str, Any]:
    """``AccessKeyMetadata``: never the secret."""
    shape: dict[str, Any] = {"AccessKeyId": key.access_key_id, "Status": key.status, "CreateDate": key.created_at}
    if key.user is not None:
        shape["UserName"] = key.user.name
    return shape


def new_access_key_shape(new: NewAccessKey) -> dict[str, Any]:
    """``AccessKey`` as CreateAccessKey returns it, with the secret, shown this once."""
    key = new.access_key
    return {
        "AccessKey": {
            "UserName": _owner_name(key) or "",
            "AccessKeyId": key.access_key_id,
            "Status": key.status,
            "SecretAccessKey": new.secret_access_key,
            "CreateDate": key.created_at,
        }
    }


def _last_used_shape(last: AccessKeyLastUsed) -> dict[str, Any]:
    used: dict[str, Any] = {"ServiceName": last.service_name, "Region": last.region}
    if last.last_used_at is not None:
        used["LastUsedDate"] = last.last_used_at
    return {"UserName": last.user_name, "AccessKeyLastUsed": used}


OUTPUTS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "CreateAccessKey": new_access_key_shape,
    "ListAccessKeys": lambda page: page_shape("AccessKeyMetadata", page, access_key_metadata_shape),
    "GetAccessKeyLastUsed": _last_used_shape,
}
