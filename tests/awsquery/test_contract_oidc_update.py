"""boto3 contract test for UpdateOpenIDConnectProvider: the trusted identity propagation context provider and the
IAM Identity Center association, as GetOpenIDConnectProvider then shows them."""

from __future__ import annotations

from typing import Any

import pytest

from tests.awsquery.test_contract_coverage import check_declared_operations_succeeded, code_of, error_of
from tests.conftest import AccountFixture

pytestmark = pytest.mark.django_db(transaction=True)

COVERS = frozenset({"UpdateOpenIDConnectProvider"})

INSTANCE = "arn:aws:sso:::instance/ssoins-1234567890abcdef"
CONTEXT = {
    "SubjectSourceKey": "sub",
    "SubjectTypeValue": "workload",
    "KeyDefinitionList": [{"SourceKey": "repository", "TargetKey": "repo"}],
}


def test_update_open_id_connect_provider(iam: Any, account: AccountFixture) -> None:
    arn = iam.create_open_id_connect_provider(
        Url="https://token.actions.example.com", ClientIDList=["sts.amazonaws.com"], ThumbprintList=["a" * 40]
    )["OpenIDConnectProviderArn"]
    refused = error_of(
        iam.update_open_id_connect_provider, OpenIDConnectProviderArn=arn, IdentityCenterInstanceArn=INSTANCE
    )
    assert (refused["Code"], refused["Status"]) == ("InvalidInput", 400)  # a context provider comes first

    iam.update_open_id_connect_provider(OpenIDConnectProviderArn=arn, ContextProvider=CONTEXT)
    provider = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert provider["ContextProvider"] == CONTEXT
    assert "IdentityCenterInstanceArn" not in provider

    iam.update_open_id_connect_provider(OpenIDConnectProviderArn=arn, IdentityCenterInstanceArn=INSTANCE)
    assert iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)["IdentityCenterInstanceArn"] == INSTANCE
    assert code_of(iam.update_open_id_connect_provider, OpenIDConnectProviderArn=arn, RemoveContextProvider=True) == (
        "InvalidInput"
    )
    assert (
        code_of(
            iam.update_open_id_connect_provider,
            OpenIDConnectProviderArn=arn,
            ContextProvider=CONTEXT,
            RemoveIdentityCenterInstance=True,
        )
        == "InvalidInput"
    )
    assert code_of(iam.update_open_id_connect_provider, OpenIDConnectProviderArn=arn) == "InvalidInput"
    iam.update_open_id_connect_provider(OpenIDConnectProviderArn=arn, RemoveIdentityCenterInstance=True)
    iam.update_open_id_connect_provider(OpenIDConnectProviderArn=arn, RemoveContextProvider=True)
    provider = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert "ContextProvider" not in provider and "IdentityCenterInstanceArn" not in provider
    assert provider["ClientIDList"] == ["sts.amazonaws.com"]

    both = {"SubjectSourceKey": "sub", "SubjectTypeValue": "user", "SubjectTypeSourceKey": "type"}
    assert code_of(iam.update_open_id_connect_provider, OpenIDConnectProviderArn=arn, ContextProvider=both) == (
        "InvalidInput"
    )
    missing = error_of(
        iam.update_open_id_connect_provider,
        OpenIDConnectProviderArn=f"arn:aws:iam::{account.account_id}:oidc-provider/nowhere.example.com",
        ContextProvider=CONTEXT,
    )
    assert (missing["Code"], missing["Status"]) == ("NoSuchEntity", 404)


def test_every_declared_operation_succeeded(request: pytest.FixtureRequest) -> None:
    check_declared_operations_succeeded(request, __file__, COVERS)
