"""SAML and OpenID Connect provider results shaped as botocore's IAM output shapes.

AWS returns an OIDC provider's ``Url`` without its ``https://`` scheme, as the provider's ARN names it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from iamconsole.domain import tag_list
from identities.awsapi.users import tags_shape
from identities.models import OpenIDConnectProvider, SAMLProvider


def _with_tags(shape: dict[str, Any], tags: dict[str, str]) -> dict[str, Any]:
    if tags:
        shape["Tags"] = tag_list(tags)
    return shape


def saml_provider_shape(provider: SAMLProvider) -> dict[str, Any]:
    """GetSAMLProvider's output: the metadata document, creation date, ``ValidUntil`` and tags."""
    shape: dict[str, Any] = {"SAMLMetadataDocument": provider.metadata_document, "CreateDate": provider.created_at}
    if provider.valid_until is not None:
        shape["ValidUntil"] = provider.valid_until
    return _with_tags(shape, provider.tags)


def saml_provider_list_entry(provider: SAMLProvider) -> dict[str, Any]:
    """``SAMLProviderListEntry``: ARN, ``ValidUntil`` and creation date."""
    entry: dict[str, Any] = {"Arn": provider.arn, "CreateDate": provider.created_at}
    if provider.valid_until is not None:
        entry["ValidUntil"] = provider.valid_until
    return entry


def oidc_provider_shape(provider: OpenIDConnectProvider) -> dict[str, Any]:
    """GetOpenIDConnectProvider's output: URL (no scheme), client ids, thumbprints, creation date and tags."""
    shape: dict[str, Any] = {
        "Url": provider.url,
        "ClientIDList": list(provider.client_ids),
        "ThumbprintList": list(provider.thumbprints),
        "CreateDate": provider.created_at,
    }
    if provider.context_provider is not None:
        shape["ContextProvider"] = dict(provider.context_provider)
    if provider.identity_center_instance_arn:
        shape["IdentityCenterInstanceArn"] = provider.identity_center_instance_arn
    return _with_tags(shape, provider.tags)


def _saml_list(providers: Sequence[SAMLProvider]) -> dict[str, Any]:
    return {"SAMLProviderList": [saml_provider_list_entry(provider) for provider in providers]}


def _oidc_list(providers: Sequence[OpenIDConnectProvider]) -> dict[str, Any]:
    return {"OpenIDConnectProviderList": [{"Arn": provider.arn} for provider in providers]}


OUTPUTS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "CreateSAMLProvider": lambda provider: _with_tags({"SAMLProviderArn": provider.arn}, provider.tags),
    "GetSAMLProvider": saml_provider_shape,
    "ListSAMLProviders": _saml_list,
    "UpdateSAMLProvider": lambda provider: {"SAMLProviderArn": provider.arn},
    "ListSAMLProviderTags": tags_shape,
    "CreateOpenIDConnectProvider": lambda provider: _with_tags(
        {"OpenIDConnectProviderArn": provider.arn}, provider.tags
    ),
    "GetOpenIDConnectProvider": oidc_provider_shape,
    "ListOpenIDConnectProviders": _oidc_list,
    "ListOpenIDConnectProviderTags": tags_shape,
}
