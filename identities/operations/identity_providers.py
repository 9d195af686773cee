"""Operations on SAML and OpenID Connect providers, authorized against the provider's ARN
(``arn:aws:iam::ACCOUNT:saml-provider/NAME``, ``arn:aws:iam::ACCOUNT:oidc-provider/HOST/PATH``).

Create and Tag carry ``aws:RequestTag/*`` and ``aws:TagKeys``; Untag ``aws:TagKeys``; the List operations are
authorized against ``*``, as AWS documents no resource type for them.
"""

from __future__ import annotations

from iamconsole.condition_keys import request_tags_context, untag_context
from iamconsole.operations import Call, Operation
from identities import selectors, services


def _saml_resource(call: Call) -> str:
    if call.params.get("saml_provider_arn"):
        return str(call.params["saml_provider_arn"])
    return f"arn:aws:iam::{call.account_id}:saml-provider/{call.params.get('name') or ''}"


def _oidc_resource(call: Call) -> str:
    if call.params.get("open_id_connect_provider_arn"):
        return str(call.params["open_id_connect_provider_arn"])
    url = str(call.params.get("url") or "")
    host_and_path = url.split("://", 1)[-1].rstrip("/")
    return services.oidc_arn(call.account_id, host_and_path)


OPERATIONS = (
    Operation(
        "CreateSAMLProvider", services.create_saml_provider, resource=_saml_resource, context=request_tags_context
    ),
    Operation("GetSAMLProvider", selectors.get_saml_provider, resource=_saml_resource, read_only=True),
    Operation("ListSAMLProviders", selectors.list_saml_providers, read_only=True),
    Operation("UpdateSAMLProvider", services.update_saml_provider, resource=_saml_resource),
    Operation("DeleteSAMLProvider", services.delete_saml_provider, resource=_saml_resource),
    Operation("TagSAMLProvider", services.tag_saml_provider, resource=_saml_resource, context=request_tags_context),
    Operation("UntagSAMLProvider", services.untag_saml_provider, resource=_saml_resource, context=untag_context()),
    Operation("ListSAMLProviderTags", selectors.list_saml_provider_tags, resource=_saml_resource, read_only=True),
    Operation(
        "CreateOpenIDConnectProvider",
        services.create_open_id_connect_provider,
        resource=_oidc_resource,
        context=request_tags_context,
    ),
    Operation(
        "GetOpenIDConnectProvider", selectors.get_open_id_connect_provider, resource=_oidc_resource, read_only=True
    ),
    Operation("ListOpenIDConnectProviders", selectors.list_open_id_connect_providers, read_only=True),
    Operation(
        "AddClientIDToOpenIDConnectProvider",
        services.add_client_id_to_open_id_connect_provider,
        resource=_oidc_resource,
    ),
    Operation(
        "RemoveClientIDFromOpenIDConnectProvider",
        services.remove_client_id_from_open_id_connect_provider,
        resource=_oidc_resource,
    ),
    Operation(
        "UpdateOpenIDConnectProviderThumbprint",
        services.update_open_id_connect_provider_thumbprint,
        resource=_oidc_resource,
    ),
    Operation("UpdateOpenIDConnectProvider", services.update_open_id_connect_provider, resource=_oidc_resource),
    # iamconsole's own: keys for issuers iamconsole cannot reach; a change of whom the provider trusts, as a
    # thumbprint change is, so it needs the same permission.
    Operation(
        "SetOpenIDConnectProviderKeys",
        services.set_open_id_connect_provider_keys,
        action="iam:UpdateOpenIDConnectProviderThumbprint",
        resource=_oidc_resource,
    ),
    Operation("DeleteOpenIDConnectProvider", services.delete_open_id_connect_provider, resource=_oidc_resource),
    Operation(
        "TagOpenIDConnectProvider",
        services.tag_open_id_connect_provider,
        resource=_oidc_resource,
        context=request_tags_context,
    ),
    Operation(
        "UntagOpenIDConnectProvider",
        services.untag_open_id_connect_provider,
        resource=_oidc_resource,
        context=untag_context(),
    ),
    Operation(
        "ListOpenIDConnectProviderTags",
        selectors.list_open_id_connect_provider_tags,
        resource=_oidc_resource,
        read_only=True,
    ),
)
