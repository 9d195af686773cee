"""SAML and OpenID Connect providers through operations.run: metadata validation, URL and thumbprint rules,
client ids, tags, quotas, and their use as ``Federated`` principals in trust policies."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from django.test import override_settings

from iamconsole.errors import (
    AccessDenied,
    EntityAlreadyExists,
    InvalidInput,
    LimitExceeded,
    MalformedPolicyDocument,
    NoSuchEntity,
    ValidationError,
)
from identities.awsapi import OUTPUTS
from tests.factories import run
from tests.identities.test_roles import QUOTAS

THUMB = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"


def metadata(valid_until: str | None = "2030-01-01T00:00:00Z", root: str = "EntityDescriptor") -> str:
    """A SAML 2.0 IdP metadata document of more than 1,000 characters, as identity providers publish them."""
    until = f' validUntil="{valid_until}"' if valid_until else ""
    certificate = "MIIC" + "A" * 900
    return (
        f'<?xml version="1.0"?><md:{root} xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"'
        f' xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://idp.example.com"{until}>'
        '<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
        f'<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{certificate}'
        "</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
        '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"'
        ' Location="https://idp.example.com/sso"/></md:IDPSSODescriptor>'
        f"</md:{root}>"
    )


def test_saml_provider_lifecycle(account):
    provider = run(
        account, "CreateSAMLProvider", name="Okta", saml_metadata_document=metadata(), tags=[{"key": "a", "value": "1"}]
    )
    arn = f"arn:aws:iam::{account.account_id}:saml-provider/Okta"
    assert OUTPUTS["CreateSAMLProvider"](provider) == {"SAMLProviderArn": arn, "Tags": [{"Key": "a", "Value": "1"}]}
    got = OUTPUTS["GetSAMLProvider"](run(account, "GetSAMLProvider", saml_provider_arn=arn))
    assert got["SAMLMetadataDocument"] == metadata()
    assert got["ValidUntil"] == datetime(2030, 1, 1, tzinfo=UTC)
    listed = OUTPUTS["ListSAMLProviders"](run(account, "ListSAMLProviders"))
    assert [entry["Arn"] for entry in listed["SAMLProviderList"]] == [arn]
    updated = run(
        account, "UpdateSAMLProvider", saml_provider_arn=arn, saml_metadata_document=metadata("2031-06-01T00:00:00Z")
    )
    assert OUTPUTS["UpdateSAMLProvider"](updated) == {"SAMLProviderArn": arn}
    assert run(account, "GetSAMLProvider", saml_provider_arn=arn).valid_until == datetime(2031, 6, 1, tzinfo=UTC)
    run(account, "TagSAMLProvider", saml_provider_arn=arn, tags=[{"key": "b", "value": "2"}])
    run(account, "UntagSAMLProvider", saml_provider_arn=arn, tag_keys=["a"])
    assert run(account, "ListSAMLProviderTags", saml_provider_arn=arn).tags == [{"Key": "b", "Value": "2"}]
    with pytest.raises(EntityAlreadyExists):
        run(account, "CreateSAMLProvider", name="Okta", saml_metadata_document=metadata())
    run(account, "DeleteSAMLProvider", saml_provider_arn=arn)
    with pytest.raises(NoSuchEntity) as exc:
        run(account, "GetSAMLProvider", saml_provider_arn=arn)
    assert exc.value.message == f"Manifest not found for arn {arn}"


@pytest.mark.parametrize(
    ("document", "error"),
    [
        ("<md:EntityDescriptor/>", ValidationError),  # under 1,000 characters
        (metadata(root="EntitiesDescriptor"), InvalidInput),  # not an EntityDescriptor
        (metadata().replace("IDPSSODescriptor", "SPSSODescriptor"), InvalidInput),  # not an identity provider
        (metadata()[:-5] + " " * 20, InvalidInput),  # not well-formed
        (
            '<!DOCTYPE x [<!ENTITY e "boom">]>' + metadata().replace('<?xml version="1.0"?>', ""),
            InvalidInput,
        ),  # entities are refused
    ],
)
def test_saml_metadata_is_validated(account, document, error):
    with pytest.raises(error) as exc:
        run(account, "CreateSAMLProvider", name="Okta", saml_metadata_document=document)
    assert exc.value.field == "saml_metadata_document"


def test_oidc_provider_lifecycle(account):
    provider = run(
        account,
        "CreateOpenIDConnectProvider",
        url="https://token.example.com/realms/main/",
        client_id_list=["sts.amazonaws.com"],
        thumbprint_list=[THUMB],
    )
    arn = f"arn:aws:iam::{account.account_id}:oidc-provider/token.example.com/realms/main"
    assert OUTPUTS["CreateOpenIDConnectProvider"](provider) == {"OpenIDConnectProviderArn": arn}
    run(account, "AddClientIDToOpenIDConnectProvider", open_id_connect_provider_arn=arn, client_id="web")
    run(account, "AddClientIDToOpenIDConnectProvider", open_id_connect_provider_arn=arn, client_id="web")
    run(account, "RemoveClientIDFromOpenIDConnectProvider", open_id_connect_provider_arn=arn, client_id="absent")
    run(account, "UpdateOpenIDConnectProviderThumbprint", open_id_connect_provider_arn=arn, thumbprint_list=[])
    got = OUTPUTS["GetOpenIDConnectProvider"](
        run(account, "GetOpenIDConnectProvider", open_id_connect_provider_arn=arn)
    )
    assert got["Url"] == "token.example.com/realms/main"
    assert got["ClientIDList"] == ["sts.amazonaws.com", "web"] and got["ThumbprintList"] == []
    listed = OUTPUTS["ListOpenIDConnectProviders"](run(account, "ListOpenIDConnectProviders"))
    assert listed == {"OpenIDConnectProviderList": [{"Arn": arn}]}
    with pytest.raises(EntityAlreadyExists) as exc:
        run(account, "CreateOpenIDConnectProvider", url="https://token.example.com/realms/main")
    assert exc.value.message == "Provider with url https://token.example.com/realms/main already exists."
    run(account, "DeleteOpenIDConnectProvider", open_id_connect_provider_arn=arn)
    run(account, "DeleteOpenIDConnectProvider", open_id_connect_provider_arn=arn)  # idempotent, as AWS documents
    with pytest.raises(NoSuchEntity):
        run(account, "GetOpenIDConnectProvider", open_id_connect_provider_arn=arn)


@pytest.mark.parametrize(
    ("params", "error", "field"),
    [
        ({"url": "http://token.example.com"}, InvalidInput, "url"),
        ({"url": "https://token.example.com?x=1"}, InvalidInput, "url"),
        ({"url": "https://t.example.com", "thumbprint_list": [THUMB] * 6}, LimitExceeded, "thumbprint_list"),
        ({"url": "https://t.example.com", "thumbprint_list": [THUMB[:39]]}, ValidationError, "thumbprint_list"),
        ({"url": "https://t.example.com", "thumbprint_list": ["z" * 40]}, InvalidInput, "thumbprint_list"),
        ({"url": "https://t.example.com", "client_id_list": ["c" * 256]}, ValidationError, "client_id_list"),
        (
            {"url": "https://t.example.com", "client_id_list": [f"c{i}" for i in range(101)]},
            LimitExceeded,
            "client_id_list",
        ),
    ],
)
def test_oidc_rules(account, params, error, field):
    with pytest.raises(error) as exc:
        run(account, "CreateOpenIDConnectProvider", **params)
    assert exc.value.field == field


def test_provider_quotas(account):
    with override_settings(IAM_QUOTAS={**QUOTAS, "saml_providers": 1, "oidc_providers": 1}):
        run(account, "CreateSAMLProvider", name="one", saml_metadata_document=metadata())
        with pytest.raises(LimitExceeded) as exc:
            run(account, "CreateSAMLProvider", name="two", saml_metadata_document=metadata())
        assert exc.value.message == "Cannot exceed quota for SAMLProvidersPerAccount: 1"
        run(account, "CreateOpenIDConnectProvider", url="https://a.example.com")
        with pytest.raises(LimitExceeded) as exc:
            run(account, "CreateOpenIDConnectProvider", url="https://b.example.com")
        assert exc.value.message == "Cannot exceed quota for OpenIdConnectProvidersPerAccount: 1"


def test_trust_policies_may_name_existing_providers(account):
    saml = run(account, "CreateSAMLProvider", name="Okta", saml_metadata_document=metadata())
    oidc = run(account, "CreateOpenIDConnectProvider", url="https://token.example.com")
    for arn, action in [(saml.arn, "sts:AssumeRoleWithSAML"), (oidc.arn, "sts:AssumeRoleWithWebIdentity")]:
        text = json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": {"Federated": arn}, "Action": action}],
            }
        )
        assert run(account, "CreateRole", role_name=action.split(":")[1], assume_role_policy_document=text)
    run(account, "DeleteOpenIDConnectProvider", open_id_connect_provider_arn=oidc.arn)
    text = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Federated": oidc.arn}, "Action": "sts:AssumeRole"}],
        }
    )
    with pytest.raises(MalformedPolicyDocument):
        run(account, "CreateRole", role_name="gone", assume_role_policy_document=text)


def test_providers_of_another_account_are_invisible(account, other_account):
    saml = run(other_account, "CreateSAMLProvider", name="Okta", saml_metadata_document=metadata())
    with pytest.raises(AccessDenied):  # another account's ARN: denied before it is even looked up
        run(account, "GetSAMLProvider", saml_provider_arn=saml.arn)
    own_account_arn = saml.arn.replace(other_account.account_id, account.account_id)
    with pytest.raises(NoSuchEntity):
        run(account, "GetSAMLProvider", saml_provider_arn=own_account_arn)
    assert list(run(account, "ListSAMLProviders")) == []
