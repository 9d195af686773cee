"""Operations on server certificates, authorized against ``arn:aws:iam::ACCOUNT:server-certificate/PATH/NAME``
(the existing certificate's path, or the path an upload asks for), with its tags as ``aws:ResourceTag/*``.

UpdateServerCertificate needs the permission on both the old and the new name, as AWS documents.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from iamconsole.condition_keys import request_tags_context, untag_context
from iamconsole.operations import Call, Operation
from identities import selectors, services


def _existing(call: Call) -> tuple[str, dict[str, str]] | None:
    name = str(call.params.get("server_certificate_name") or "")
    if call.account is None or not name:
        return None
    return selectors.server_certificate_path_and_tags(account=call.account, name=name)


def _resource(call: Call) -> str:
    name = str(call.params.get("server_certificate_name") or "")
    found = call.target
    path = found[0] if found else str(call.params.get("path") or "/")
    return services.server_certificate_arn(call.account_id, name, path)


def _renamed_resource(call: Call) -> str:
    found = call.target
    name = str(call.params.get("new_server_certificate_name") or call.params.get("server_certificate_name") or "")
    path = str(call.params.get("new_path") or (found[0] if found else "/"))
    return services.server_certificate_arn(call.account_id, name, path)


def _resource_tags(call: Call) -> Mapping[str, Any]:
    found = call.target
    return {f"aws:ResourceTag/{key}": value for key, value in (found[1] if found else {}).items()}


def _tag_context(call: Call) -> Mapping[str, Any]:
    return {**_resource_tags(call), **request_tags_context(call)}


def _on_certificate(name: str, handler: Any, **options: Any) -> Operation:
    options.setdefault("context", _resource_tags)
    return Operation(name, handler, resource=_resource, target=_existing, **options)


OPERATIONS = (
    _on_certificate("UploadServerCertificate", services.upload_server_certificate, context=request_tags_context),
    _on_certificate("GetServerCertificate", selectors.get_server_certificate, read_only=True),
    Operation("ListServerCertificates", selectors.list_server_certificates, read_only=True),
    _on_certificate(
        "UpdateServerCertificate",
        services.update_server_certificate,
        also_requires=(("iam:UpdateServerCertificate", _renamed_resource),),
    ),
    _on_certificate("DeleteServerCertificate", services.delete_server_certificate),
    _on_certificate("TagServerCertificate", services.tag_server_certificate, context=_tag_context),
    _on_certificate("UntagServerCertificate", services.untag_server_certificate, context=untag_context(_resource_tags)),
    _on_certificate("ListServerCertificateTags", selectors.list_server_certificate_tags, read_only=True),
)
