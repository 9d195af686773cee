"""``/api/v1/sts/assume-role-with-web-identity/`` and ``/api/v1/sts/assume-role-with-saml/`` over real HTTP, sent
unsigned as AWS serves them: the token or assertion authenticates; the issued credentials then sign REST requests.
A signed request to them is still held to its signature, and every other endpoint still needs one."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from iamconsole import operations
from tests import factories
from tests.api_client import Api
from tests.factories import allow, document, trust
from tests.federation_idp import OidcIssuer, SamlIdp

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("trusted_issuer")]

SUB = "repo:octo-org/octo-repo:ref:refs/heads/main"


@pytest.fixture
def anonymous(live_server: Any) -> Api:
    return Api(live_server.url)


def _role(account: Any, name: str, principal: str, action: str, condition: dict[str, Any]) -> str:
    factories.role(account, name, trust(principal, action, kind="Federated", Condition=condition))
    factories.put_role_policy(account, name, "read", document(allow("iam:ListUsers")))
    return f"arn:aws:iam::{account.account_id}:role/{name}"


@pytest.fixture
def web_role(account: Any, issuer: OidcIssuer) -> str:
    provider = operations.run(
        account.root,
        "CreateOpenIDConnectProvider",
        {"url": issuer.url, "client_id_list": ["sts.amazonaws.com"], "thumbprint_list": ["a" * 40]},
    )
    condition = {"StringEquals": {f"{issuer.host_path}:aud": "sts.amazonaws.com", f"{issuer.host_path}:sub": SUB}}
    return _role(account, "Deploy", str(provider.arn), "sts:AssumeRoleWithWebIdentity", condition)


def test_web_identity_unsigned_issues_credentials_that_sign_requests(live_server, anonymous, web_role, issuer):
    status, body, _ = anonymous.post(
        "/api/v1/sts/assume-role-with-web-identity/",
        {"role_arn": web_role, "role_session_name": "run-7", "web_identity_token": issuer.token(sub=SUB)},
    )
    assert status == 200, body
    assert (body["subject_from_web_identity_token"], body["audience"]) == (SUB, "sts.amazonaws.com")
    assert body["assumed_role_user"]["arn"].endswith(":assumed-role/Deploy/run-7")
    credentials = body["credentials"]
    as_role = Api(
        live_server.url,
        key=(credentials["access_key_id"], credentials["secret_access_key"], credentials["session_token"]),
    )
    assert as_role.get("/api/v1/users/")[0] == 200
    assert as_role.get("/api/v1/roles/")[1]["code"] == "AccessDenied"


def test_web_identity_errors(anonymous, web_role, issuer):
    url = "/api/v1/sts/assume-role-with-web-identity/"
    status, body, _ = anonymous.post(url, {"role_session_name": "s1", "web_identity_token": issuer.token()})
    assert (status, body["code"], body["field"]) == (400, "ValidationError", "role_arn")
    denied = {"role_arn": web_role, "role_session_name": "s1", "web_identity_token": issuer.token(sub="repo:x/y:pr")}
    status, body, _ = anonymous.post(url, denied)
    assert (status, body["code"]) == (403, "AccessDenied"), body
    expired = {**denied, "web_identity_token": issuer.token(sub=SUB, lifetime=timedelta(minutes=-10))}
    assert anonymous.post(url, expired)[1]["code"] == "ExpiredTokenException"
    # A role that does not exist is refused as one whose trust policy does not allow the token, as AWS answers.
    ghost = {**denied, "role_arn": web_role.replace("Deploy", "Ghost"), "web_identity_token": issuer.token(sub=SUB)}
    status, body, _ = anonymous.post(url, ghost)
    assert (status, body["code"]) == (403, "AccessDenied")


def test_saml_unsigned_and_replay_refused(account, anonymous):
    idp = SamlIdp()
    provider = operations.run(
        account.root, "CreateSAMLProvider", {"name": "corp", "saml_metadata_document": idp.metadata()}
    )
    provider_arn = str(provider.arn)
    condition = {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}
    role_arn = _role(account, "CorpAdmin", provider_arn, "sts:AssumeRoleWithSAML", condition)
    url = "/api/v1/sts/assume-role-with-saml/"
    assertion = idp.response([(role_arn, provider_arn)])
    sent = {"role_arn": role_arn, "principal_arn": provider_arn, "saml_assertion": assertion}
    status, body, _ = anonymous.post(url, sent)
    assert status == 200, body
    assert (body["subject"], body["issuer"]) == ("alice-0001", idp.entity_id)
    assert body["credentials"]["secret_access_key"]
    status, body, _ = anonymous.post(url, sent)
    assert (status, body["code"]) == (400, "InvalidIdentityToken")
    status, body, _ = anonymous.post(url, {"role_arn": role_arn, "principal_arn": provider_arn})
    assert (status, body["field"]) == (400, "saml_assertion")


def test_a_signed_request_is_held_to_its_signature_and_others_need_one(live_server, anonymous, web_role, issuer):
    forged = Api(live_server.url, key=("AKIAFORGEDFORGED1234", "not-the-secret"))
    sent = {"role_arn": web_role, "role_session_name": "s1", "web_identity_token": issuer.token(sub=SUB)}
    status, body, _ = forged.post("/api/v1/sts/assume-role-with-web-identity/", sent)
    assert (status, body["code"]) == (403, "InvalidClientTokenId")
    status, body, _ = anonymous.get("/api/v1/sts/caller-identity/")
    assert status == 403
    status, body, _ = anonymous.post("/api/v1/sts/assume-role/", {"role_arn": web_role, "role_session_name": "s1"})
    assert status == 403
