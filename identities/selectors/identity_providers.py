"""Reads on identity providers: GetSAMLProvider, ListSAMLProviders, ListSAMLProviderTags, GetOpenIDConnectProvider,
ListOpenIDConnectProviders, ListOpenIDConnectProviderTags.

Mirrors the IAM API Reference: providers are named by ARN (``arn:aws:iam::ACCOUNT:saml-provider/NAME`` and
``arn:aws:iam::ACCOUNT:oidc-provider/HOST/PATH``), and their List operations are not paginated.
"""

from __future__ import annotations

from collections.abc import Sequence

from accounts.models import Account
from iamconsole.errors import NoSuchEntity
from identities.models import OpenIDConnectProvider, SAMLProvider
from identities.selectors.users import TagPage, page_tags

__all__ = [
    "find_open_id_connect_provider",
    "find_saml_provider",
    "get_open_id_connect_provider",
    "get_saml_provider",
    "list_open_id_connect_provider_tags",
    "list_open_id_connect_providers",
    "list_saml_provider_tags",
    "list_saml_providers",
    "no_such_oidc_provider",
    "no_such_saml_provider",
]


def no_such_saml_provider(arn: str) -> NoSuchEntity:
    """AWS's answer for an unknown SAML provider ARN."""
    return NoSuchEntity(f"Manifest not found for arn {arn}", field="saml_provider_arn")


def no_such_oidc_provider(arn: str) -> NoSuchEntity:
    """AWS's answer for an unknown OpenID Connect provider ARN."""
    return NoSuchEntity(f"OpenIDConnect Provider not found for arn {arn}", field="open_id_connect_provider_arn")


def get_saml_provider(*, account: Account, saml_provider_arn: str) -> SAMLProvider:
    """GetSAMLProvider: the provider with its metadata document; ``NoSuchEntity`` otherwise."""
    provider = SAMLProvider.objects.filter(account=account, arn=saml_provider_arn).first()
    if provider is None:
        raise no_such_saml_provider(saml_provider_arn)
    return provider


def list_saml_providers(*, account: Account) -> Sequence[SAMLProvider]:
    """ListSAMLProviders: every SAML provider of the account, oldest first (one query, no pagination in AWS)."""
    return list(SAMLProvider.objects.filter(account=account).order_by("pk").defer("metadata_document"))


def list_saml_provider_tags(
    *, account: Account, saml_provider_arn: str, marker: str | None = None, max_items: int | None = None
) -> TagPage:
    """ListSAMLProviderTags: the provider's tags, sorted by key."""
    provider = get_saml_provider(account=account, saml_provider_arn=saml_provider_arn)
    return page_tags(provider.tags, marker=marker, max_items=max_items)


def get_open_id_connect_provider(*, account: Account, open_id_connect_provider_arn: str) -> OpenIDConnectProvider:
    """GetOpenIDConnectProvider: URL, client ids, thumbprints, creation date and tags; ``NoSuchEntity`` otherwise."""
    provider = OpenIDConnectProvider.objects.filter(account=account, arn=open_id_connect_provider_arn).first()
    if provider is None:
        raise no_such_oidc_provider(open_id_connect_provider_arn)
    return provider


def find_open_id_connect_provider(*, account: Account, arn: str) -> OpenIDConnectProvider | None:
    """The account's OIDC provider with that ARN, or None (AssumeRoleWithWebIdentity looks up a token's issuer)."""
    return OpenIDConnectProvider.objects.filter(account=account, arn=arn).first()


def find_saml_provider(*, account: Account, arn: str) -> SAMLProvider | None:
    """The account's SAML provider with that ARN, or None (AssumeRoleWithSAML's ``PrincipalArn``)."""
    return SAMLProvider.objects.filter(account=account, arn=arn).first()


def list_open_id_connect_providers(*, account: Account) -> Sequence[OpenIDConnectProvider]:
    """ListOpenIDConnectProviders: every OIDC provider of the account, oldest first."""
    return list(OpenIDConnectProvider.objects.filter(account=account).order_by("pk"))


def list_open_id_connect_provider_tags(
    *, account: Account, open_id_connect_provider_arn: str, marker: str | None = None, max_items: int | None = None
) -> TagPage:
    """ListOpenIDConnectProviderTags: the provider's tags, sorted by key."""
    provider = get_open_id_connect_provider(account=account, open_id_connect_provider_arn=open_id_connect_provider_arn)
    return page_tags(provider.tags, marker=marker, max_items=max_items)
