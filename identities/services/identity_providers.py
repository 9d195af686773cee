"""Writes on identity providers: SAML (CreateSAMLProvider, UpdateSAMLProvider, DeleteSAMLProvider, TagSAMLProvider,
UntagSAMLProvider) and OpenID Connect (CreateOpenIDConnectProvider, AddClientIDToOpenIDConnectProvider,
RemoveClientIDFromOpenIDConnectProvider, UpdateOpenIDConnectProviderThumbprint, DeleteOpenIDConnectProvider,
TagOpenIDConnectProvider, UntagOpenIDConnectProvider).

Mirrors the IAM API Reference and "IAM and AWS STS quotas": SAML metadata is an ``EntityDescriptor`` holding an
``IDPSSODescriptor``, 1,000–10,000,000 characters, parsed without DTDs or entities; an OIDC provider is an
``https://`` URL (stored without the scheme, which is also how its ARN names it) with up to 100 client ids and up to
5 thumbprints of 40 hex digits. Providers per account are capped by ``IAM_QUOTA_SAML_PROVIDERS`` and
``IAM_QUOTA_OIDC_PROVIDERS``, counted under a lock on the account row.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.db import transaction
from django.utils import timezone

from accounts.models import Account
from iamconsole import domain, quotas
from iamconsole.arn import iam_arn
from iamconsole.errors import EntityAlreadyExists, InvalidInput, LimitExceeded, NoSuchEntity, constraint_error
from identities.models import OpenIDConnectProvider, SAMLProvider
from identities.selectors.identity_providers import no_such_oidc_provider, no_such_saml_provider
from identities.services import tagging
from identities.services.inserts import insert_unique

__all__ = [
    "add_client_id_to_open_id_connect_provider",
    "create_open_id_connect_provider",
    "create_saml_provider",
    "delete_open_id_connect_provider",
    "delete_saml_provider",
    "oidc_arn",
    "oidc_url",
    "parse_saml_metadata",
    "remove_client_id_from_open_id_connect_provider",
    "set_open_id_connect_provider_keys",
    "tag_open_id_connect_provider",
    "tag_saml_provider",
    "untag_open_id_connect_provider",
    "untag_saml_provider",
    "update_open_id_connect_provider",
    "update_open_id_connect_provider_thumbprint",
    "update_saml_provider",
]


SAML_NAME_PATTERN = r"[\w._-]+"
_SAML_NAME_RE = re.compile(SAML_NAME_PATTERN, re.ASCII)
SAML_NAME_MAX = 128
SAML_METADATA_MIN = 1000
SAML_METADATA_MAX = 10_000_000
_MD = "{urn:oasis:names:tc:SAML:2.0:metadata}"

OIDC_URL_MAX = 255
CLIENT_ID_MAX = 255
MAX_CLIENT_IDS = 100
MAX_THUMBPRINTS = 5
THUMBPRINT_LENGTH = 40
_HEX_RE = re.compile(r"[0-9A-Fa-f]{40}")

P = TypeVar("P", SAMLProvider, OpenIDConnectProvider)


# --- Both kinds ----------------------------------------------------------------------------------------------------


def _lock(model: type[P], account: Account, arn: str, not_found: Callable[[str], NoSuchEntity]) -> P:
    """The account's provider with that ARN, locked for the rest of the transaction; ``not_found`` otherwise."""
    provider = model._default_manager.select_for_update().filter(account=account, arn=arn).first()
    if provider is None:
        raise not_found(arn)
    return provider


def _create(
    model: type[P], *, account: Account, arn: str, quota: str, duplicate: EntityAlreadyExists, **fields: Any
) -> P:
    """Create a provider under a lock on the account row: ``duplicate`` when the account already has one with that
    ARN (the database's constraint decides between concurrent creates), ``LimitExceeded`` past the ``quota``."""
    Account.objects.select_for_update().filter(pk=account.pk).first()
    if model._default_manager.filter(account=account, arn=arn).exists():
        raise duplicate
    quotas.check(quota, model._default_manager.filter(account=account).count())
    return insert_unique(model, duplicate=duplicate, account=account, arn=arn, created_at=timezone.now(), **fields)


# --- SAML ----------------------------------------------------------------------------------------------------------


def _validate_saml_name(name: Any) -> str:
    if not isinstance(name, str) or not name:
        raise constraint_error("Name", None, "Member must have length greater than or equal to 1", field="name")
    if len(name) > SAML_NAME_MAX:
        raise constraint_error(
            "Name", name, f"Member must have length less than or equal to {SAML_NAME_MAX}", field="name"
        )
    if not _SAML_NAME_RE.fullmatch(name):
        raise constraint_error(
            "Name", name, f"Member must satisfy regular expression pattern: {SAML_NAME_PATTERN}", field="name"
        )
    return name


def parse_saml_metadata(document: Any) -> datetime | None:
    """Check a SAML metadata document as AWS does and return its ``validUntil`` (None when it has none).

    ``ValidationError`` outside 1,000–10,000,000 characters; ``InvalidInput`` unless it is well-formed XML whose root
    is a SAML 2.0 ``EntityDescriptor`` with an ``IDPSSODescriptor``. DTDs and entities are refused (defusedxml).
    """
    field = "saml_metadata_document"
    if not isinstance(document, str) or len(document) < SAML_METADATA_MIN:
        raise constraint_error(
            "SAMLMetadataDocument",
            document,
            f"Member must have length greater than or equal to {SAML_METADATA_MIN}",
            field=field,
        )
    if len(document) > SAML_METADATA_MAX:
        raise constraint_error(
            "SAMLMetadataDocument",
            "…",
            f"Member must have length less than or equal to {SAML_METADATA_MAX}",
            field=field,
        )
    try:
        root = fromstring(document, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError):
        raise InvalidInput("Could not parse metadata", field=field) from None
    if root.tag != f"{_MD}EntityDescriptor" or root.find(f"{_MD}IDPSSODescriptor") is None:
        raise InvalidInput("Could not parse metadata", field=field)
    valid_until = root.get("validUntil")
    if not valid_until:
        return None
    try:
        moment = datetime.fromisoformat(valid_until)
    except ValueError:
        raise InvalidInput("Could not parse metadata", field=field) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _check_encryption(assertion_encryption_mode: str | None, add_private_key: str | None) -> None:
    # iamconsole does not decrypt assertions: only AWS's default mode, without private keys, is accepted.
    if assertion_encryption_mode not in (None, "Allowed"):
        raise InvalidInput(
            "AssertionEncryptionMode Required is not supported: this installation does not hold private keys.",
            field="assertion_encryption_mode",
        )
    if add_private_key is not None:
        raise InvalidInput("Private keys for encrypted assertions are not supported.", field="add_private_key")


def _lock_saml(account: Account, arn: str) -> SAMLProvider:
    return _lock(SAMLProvider, account, arn, no_such_saml_provider)


@transaction.atomic
def create_saml_provider(
    *,
    account: Account,
    saml_metadata_document: str,
    name: str,
    tags: Sequence[Any] | None = None,
    assertion_encryption_mode: str | None = None,
    add_private_key: str | None = None,
) -> SAMLProvider:
    """CreateSAMLProvider: a SAML 2.0 identity provider that trust policies may name as a ``Federated`` principal."""
    _validate_saml_name(name)
    valid_until = parse_saml_metadata(saml_metadata_document)
    tag_map = domain.validate_tags(tags)
    _check_encryption(assertion_encryption_mode, add_private_key)
    return _create(
        SAMLProvider,
        account=account,
        arn=iam_arn(account.account_id, "saml-provider", name),
        quota="saml_providers",
        duplicate=EntityAlreadyExists(f"SAMLProvider {name} already exists.", field="name"),
        name=name,
        metadata_document=saml_metadata_document,
        valid_until=valid_until,
        tags=tag_map,
    )


@transaction.atomic
def update_saml_provider(
    *,
    account: Account,
    saml_provider_arn: str,
    saml_metadata_document: str | None = None,
    assertion_encryption_mode: str | None = None,
    add_private_key: str | None = None,
    remove_private_key: str | None = None,
) -> SAMLProvider:
    """UpdateSAMLProvider: replace the metadata document (and with it the provider's ``ValidUntil``)."""
    provider = _lock_saml(account, saml_provider_arn)
    _check_encryption(assertion_encryption_mode, add_private_key)
    if remove_private_key is not None:
        raise InvalidInput(f"The private key {remove_private_key} cannot be found.", field="remove_private_key")
    if saml_metadata_document is not None:
        provider.valid_until = parse_saml_metadata(saml_metadata_document)
        provider.metadata_document = saml_metadata_document
        provider.save(update_fields=["metadata_document", "valid_until"])
    return provider


@transaction.atomic
def delete_saml_provider(*, account: Account, saml_provider_arn: str) -> None:
    """DeleteSAMLProvider: roles trusting the provider stay, but can no longer be assumed through it."""
    _lock_saml(account, saml_provider_arn).delete()


@transaction.atomic
def tag_saml_provider(*, account: Account, saml_provider_arn: str, tags: Sequence[Any]) -> None:
    """TagSAMLProvider: add tags, replacing a key already there (compared ignoring case); at most 50."""
    tagging.tag(lambda: _lock_saml(account, saml_provider_arn), tags, quota_name="TagsPerSAMLProvider")


@transaction.atomic
def untag_saml_provider(*, account: Account, saml_provider_arn: str, tag_keys: Sequence[str]) -> None:
    """UntagSAMLProvider: remove the tags with those keys; unknown keys are ignored."""
    tagging.untag(lambda: _lock_saml(account, saml_provider_arn), tag_keys)


# --- OpenID Connect ------------------------------------------------------------------------------------------------


def oidc_url(url: Any) -> str:
    """The provider's URL as IAM keeps it: without ``https://`` and without a trailing ``/``.

    ``ValidationError`` outside 1–255 characters; ``InvalidInput`` unless it is an ``https`` URL with a host and no
    query or fragment.
    """
    if not isinstance(url, str) or not url:
        raise constraint_error("Url", None, "Member must have length greater than or equal to 1", field="url")
    if len(url) > OIDC_URL_MAX:
        raise constraint_error("Url", url, f"Member must have length less than or equal to {OIDC_URL_MAX}", field="url")
    parts = urlsplit(url)
    if parts.scheme.lower() != "https" or not parts.hostname or parts.query or parts.fragment or "@" in parts.netloc:
        raise InvalidInput(f"Invalid OpenID Connect provider URL: {url}. The URL must begin with https://", field="url")
    return f"{parts.netloc}{parts.path}".rstrip("/")


def oidc_arn(account_id: str, url: str) -> str:
    """The ARN of an OIDC provider: ``arn:aws:iam::ACCOUNT:oidc-provider/HOST/PATH`` (``url`` without scheme)."""
    return f"arn:aws:iam::{account_id}:oidc-provider/{url}"


def _client_id(client_id: Any, member: str = "ClientID", field: str = "client_id") -> str:
    if not isinstance(client_id, str) or not client_id:
        raise constraint_error(member, None, "Member must have length greater than or equal to 1", field=field)
    if len(client_id) > CLIENT_ID_MAX:
        raise constraint_error(
            member, client_id, f"Member must have length less than or equal to {CLIENT_ID_MAX}", field=field
        )
    return client_id


def _client_ids(values: Sequence[Any] | None) -> list[str]:
    ids = list(dict.fromkeys(_client_id(v, "ClientIDList.member", "client_id_list") for v in values or ()))
    if len(ids) > MAX_CLIENT_IDS:
        raise LimitExceeded(
            f"Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: {MAX_CLIENT_IDS}", field="client_id_list"
        )
    return ids


def _thumbprints(values: Sequence[Any] | None) -> list[str]:
    prints = list(values or ())
    if len(prints) > MAX_THUMBPRINTS:
        raise LimitExceeded(
            f"Cannot exceed quota for ThumbprintsPerOpenIdConnectProvider: {MAX_THUMBPRINTS}", field="thumbprint_list"
        )
    for value in prints:
        if not isinstance(value, str) or len(value) != THUMBPRINT_LENGTH:
            bound = (
                "greater than or equal to" if not isinstance(value, str) or len(value) < 40 else "less than or equal to"
            )
            raise constraint_error(
                "ThumbprintList.member",
                value,
                f"Member must have length {bound} {THUMBPRINT_LENGTH}",
                field="thumbprint_list",
            )
        if not _HEX_RE.fullmatch(value):
            raise InvalidInput(
                f"Thumbprint {value} is not a valid hexadecimal SHA-1 fingerprint.", field="thumbprint_list"
            )
    return list(dict.fromkeys(value.lower() for value in prints))


def _lock_oidc(account: Account, arn: str) -> OpenIDConnectProvider:
    return _lock(OpenIDConnectProvider, account, arn, no_such_oidc_provider)


@transaction.atomic
def create_open_id_connect_provider(
    *,
    account: Account,
    url: str,
    client_id_list: Sequence[str] | None = None,
    thumbprint_list: Sequence[str] | None = None,
    tags: Sequence[Any] | None = None,
) -> OpenIDConnectProvider:
    """CreateOpenIDConnectProvider: ``EntityAlreadyExists`` when the account already has a provider for the URL."""
    stored = oidc_url(url)
    client_ids = _client_ids(client_id_list)
    thumbprints = _thumbprints(thumbprint_list)
    tag_map = domain.validate_tags(tags)
    return _create(
        OpenIDConnectProvider,
        account=account,
        arn=oidc_arn(account.account_id, stored),
        quota="oidc_providers",
        duplicate=EntityAlreadyExists(f"Provider with url https://{stored} already exists.", field="url"),
        url=stored,
        client_ids=client_ids,
        thumbprints=thumbprints,
        tags=tag_map,
    )


@transaction.atomic
def add_client_id_to_open_id_connect_provider(
    *, account: Account, open_id_connect_provider_arn: str, client_id: str
) -> None:
    """AddClientIDToOpenIDConnectProvider: idempotent; at most 100 client ids per provider."""
    _client_id(client_id)
    provider = _lock_oidc(account, open_id_connect_provider_arn)
    if client_id in provider.client_ids:
        return
    if len(provider.client_ids) >= MAX_CLIENT_IDS:
        raise LimitExceeded(f"Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: {MAX_CLIENT_IDS}")
    provider.client_ids = [*provider.client_ids, client_id]
    provider.save(update_fields=["client_ids"])


@transaction.atomic
def remove_client_id_from_open_id_connect_provider(
    *, account: Account, open_id_connect_provider_arn: str, client_id: str
) -> None:
    """RemoveClientIDFromOpenIDConnectProvider: idempotent, an absent client id is not an error."""
    _client_id(client_id)
    provider = _lock_oidc(account, open_id_connect_provider_arn)
    if client_id in provider.client_ids:
        provider.client_ids = [value for value in provider.client_ids if value != client_id]
        provider.save(update_fields=["client_ids"])


@transaction.atomic
def update_open_id_connect_provider_thumbprint(
    *, account: Account, open_id_connect_provider_arn: str, thumbprint_list: Sequence[str]
) -> None:
    """UpdateOpenIDConnectProviderThumbprint: replace the whole thumbprint list (0–5 entries)."""
    thumbprints = _thumbprints(thumbprint_list)
    provider = _lock_oidc(account, open_id_connect_provider_arn)
    provider.thumbprints = thumbprints
    provider.save(update_fields=["thumbprints"])


#: ContextProvider's members, as botocore names them in snake_case, and AWS's names in the stored shape.
_CONTEXT_MEMBERS = {
    "subject_source_key": "SubjectSourceKey",
    "subject_type_value": "SubjectTypeValue",
    "subject_type_source_key": "SubjectTypeSourceKey",
}
MAX_KEY_DEFINITIONS = 10


def _context_provider(value: Any) -> dict[str, Any]:
    """The ``ContextProvider`` structure in AWS's member names (``InvalidInput`` for what AWS refuses)."""
    if not isinstance(value, dict) or not value.get("subject_source_key"):
        raise InvalidInput("ContextProvider must have a SubjectSourceKey.", field="context_provider")
    if value.get("subject_type_value") is not None and value.get("subject_type_source_key") is not None:
        raise InvalidInput(
            "Specify either SubjectTypeValue or SubjectTypeSourceKey in ContextProvider, not both.",
            field="context_provider",
        )
    shaped: dict[str, Any] = {
        aws: str(value[ours]) for ours, aws in _CONTEXT_MEMBERS.items() if value.get(ours) is not None
    }
    definitions = value.get("key_definition_list")
    if definitions is not None:
        if len(definitions) > MAX_KEY_DEFINITIONS:
            raise constraint_error(
                "ContextProvider.KeyDefinitionList",
                len(definitions),
                f"Member must have length less than or equal to {MAX_KEY_DEFINITIONS}",
                field="context_provider",
            )
        shaped["KeyDefinitionList"] = [
            {
                "SourceKey": str(item["source_key"]),
                **({"TargetKey": str(item["target_key"])} if item.get("target_key") else {}),
            }
            for item in definitions
        ]
    return shaped


@transaction.atomic
def update_open_id_connect_provider(
    *,
    account: Account,
    open_id_connect_provider_arn: str,
    context_provider: Any = None,
    identity_center_instance_arn: str | None = None,
    remove_context_provider: bool | None = None,
    remove_identity_center_instance: bool | None = None,
) -> None:
    """UpdateOpenIDConnectProvider: set or remove the trusted identity propagation context provider, or associate or
    disassociate an IAM Identity Center instance; one of the two per request, a value or its Remove flag, not both.

    The context provider cannot be removed while an instance is associated, and an instance needs a context provider.
    """
    context_change = context_provider is not None or bool(remove_context_provider)
    instance_change = identity_center_instance_arn is not None or bool(remove_identity_center_instance)
    if not context_change and not instance_change:
        raise InvalidInput(
            "Specify a ContextProvider, IdentityCenterInstanceArn, RemoveContextProvider or "
            "RemoveIdentityCenterInstance to update."
        )
    if context_change and instance_change:
        raise InvalidInput(
            "A request can change either the context provider or the IAM Identity Center association, not both."
        )
    if context_provider is not None and remove_context_provider:
        raise InvalidInput(
            "Specify either ContextProvider or RemoveContextProvider, not both.", field="context_provider"
        )
    if identity_center_instance_arn is not None and remove_identity_center_instance:
        raise InvalidInput(
            "Specify either IdentityCenterInstanceArn or RemoveIdentityCenterInstance, not both.",
            field="identity_center_instance_arn",
        )
    shaped = _context_provider(context_provider) if context_provider is not None else None
    if identity_center_instance_arn is not None and not re.fullmatch(
        r"arn:aws[\w-]*:sso:::instance/(sso)?ins-[a-zA-Z0-9-.]{16}", identity_center_instance_arn
    ):
        raise InvalidInput(
            f"Invalid IAM Identity Center instance ARN {identity_center_instance_arn}.",
            field="identity_center_instance_arn",
        )
    provider = _lock_oidc(account, open_id_connect_provider_arn)
    if shaped is not None:
        provider.context_provider = shaped
    elif remove_context_provider:
        if provider.identity_center_instance_arn:
            raise InvalidInput(
                "Remove the IAM Identity Center association before the context provider.",
                field="remove_context_provider",
            )
        provider.context_provider = None
    elif identity_center_instance_arn is not None:
        if provider.context_provider is None:
            raise InvalidInput(
                "Set a context provider before associating an IAM Identity Center instance.",
                field="identity_center_instance_arn",
            )
        provider.identity_center_instance_arn = identity_center_instance_arn
    else:
        provider.identity_center_instance_arn = ""
    provider.save(update_fields=["context_provider", "identity_center_instance_arn"])


#: Largest uploaded key set accepted (characters); a real JWKS is a few kilobytes.
JWKS_MAX = 100_000


@transaction.atomic
def set_open_id_connect_provider_keys(*, account: Account, open_id_connect_provider_arn: str, keys: Any) -> None:
    """Give the provider the issuer's signing keys (a JWKS document), or take them back with an empty ``keys``.

    iamconsole's own, for installations that cannot reach the issuer: tokens are then verified against these keys
    and the issuer is never contacted. ``InvalidInput`` unless ``keys`` is a JSON object whose ``keys`` is a list of
    JWKs, each with a ``kty``.
    """
    provider = _lock_oidc(account, open_id_connect_provider_arn)
    if keys in (None, ""):
        provider.jwks = None
    else:
        if not isinstance(keys, str) or len(keys) > JWKS_MAX:
            raise InvalidInput(f"Keys must be a JWKS document of at most {JWKS_MAX} characters.", field="keys")
        try:
            document = json.loads(keys)
        except ValueError:
            raise InvalidInput("Keys must be a JSON document (a JWKS).", field="keys") from None
        entries = document.get("keys") if isinstance(document, dict) else None
        if not isinstance(entries, list) or not entries:
            raise InvalidInput('Keys must be a JWKS: an object whose "keys" is a list of keys.', field="keys")
        if not all(isinstance(entry, dict) and isinstance(entry.get("kty"), str) for entry in entries):
            raise InvalidInput('Each key of a JWKS must be an object with a "kty".', field="keys")
        provider.jwks = {"keys": entries}
    provider.save(update_fields=["jwks"])


@transaction.atomic
def delete_open_id_connect_provider(*, account: Account, open_id_connect_provider_arn: str) -> None:
    """DeleteOpenIDConnectProvider: idempotent, as AWS documents it (an unknown ARN is not an error)."""
    OpenIDConnectProvider.objects.filter(account=account, arn=open_id_connect_provider_arn).delete()


@transaction.atomic
def tag_open_id_connect_provider(*, account: Account, open_id_connect_provider_arn: str, tags: Sequence[Any]) -> None:
    """TagOpenIDConnectProvider: add tags, replacing a key already there (compared ignoring case); at most 50."""
    tagging.tag(
        lambda: _lock_oidc(account, open_id_connect_provider_arn), tags, quota_name="TagsPerOpenIdConnectProvider"
    )


@transaction.atomic
def untag_open_id_connect_provider(
    *, account: Account, open_id_connect_provider_arn: str, tag_keys: Sequence[str]
) -> None:
    """UntagOpenIDConnectProvider: remove the tags with those keys; unknown keys are ignored."""
    tagging.untag(lambda: _lock_oidc(account, open_id_connect_provider_arn), tag_keys)
