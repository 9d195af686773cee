"""AssumeRoleWithSAML through ``operations.run``, with responses signed in the test by a generated certificate."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from accounts.models import AuditEvent
from iamconsole import operations
from iamconsole.actors import Actor, RequestContext, Source
from iamconsole.errors import AccessDenied, ExpiredTokenException, IDPRejectedClaim, InvalidIdentityToken
from sts import saml
from sts.models import StsSession
from tests.federation_idp import SamlIdp
from tests.sts.conftest import Env, policy

pytestmark = pytest.mark.django_db(databases=["default", "attempts"])


@pytest.fixture(scope="module")
def idp() -> SamlIdp:
    return SamlIdp()


def saml_trust(provider_arn: str, **condition: Any) -> str:
    return policy(
        {
            "Effect": "Allow",
            "Principal": {"Federated": provider_arn},
            "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"],
            "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml", **condition}},
        }
    )


def setup(env: Env, idp: SamlIdp, role: str = "Admin", **condition: Any) -> tuple[str, str]:
    provider = operations.run(
        env.root, "CreateSAMLProvider", {"name": "corp-idp", "saml_metadata_document": idp.metadata()}
    )
    provider_arn = str(provider.arn)
    return env.role(role, saml_trust(provider_arn, **condition)), provider_arn


def assume(role_arn: str, provider_arn: str, assertion: str, **params: Any) -> Any:
    return operations.run(
        Actor.anonymous(),
        "AssumeRoleWithSAML",
        {"role_arn": role_arn, "principal_arn": provider_arn, "saml_assertion": assertion, **params},
        request=RequestContext(source=Source.QUERY, source_ip="203.0.113.9"),
    )


def test_a_signed_response_assumes_the_role_it_names(env: Env, idp: SamlIdp) -> None:
    role_arn, provider_arn = setup(env, idp, **{"SAML:sub": "alice-0001"})
    result = assume(role_arn, provider_arn, idp.response([(role_arn, provider_arn)]))
    assert result.assumed.arn == f"arn:aws:sts::{env.account_id}:assumed-role/Admin/alice@example.test"
    assert (result.subject, result.subject_type, result.issuer) == ("alice-0001", "persistent", idp.entity_id)
    assert result.audience == "https://signin.aws.amazon.com/saml"
    assert result.name_qualifier == saml.name_qualifier(idp.entity_id, env.account_id, "corp-idp")
    row = StsSession.objects.get(access_key_id=result.assumed.credentials.access_key_id)
    assert row.issued_to_arn == provider_arn
    event = AuditEvent.objects.get(event_name="AssumeRoleWithSAML", outcome="success")
    assert event.actor_arn == provider_arn and event.details["userIdentity"]["type"] == "SAMLUser"


def test_the_saml_sub_condition_is_enforced(env: Env, idp: SamlIdp) -> None:
    role_arn, provider_arn = setup(env, idp, **{"SAML:sub": "alice-0001"})
    with pytest.raises(AccessDenied):
        assume(role_arn, provider_arn, idp.response([(role_arn, provider_arn)], subject="mallory"))


def test_pairs_may_list_the_provider_first_and_tags_come_from_attributes(env: Env, idp: SamlIdp) -> None:
    role_arn, provider_arn = setup(env, idp)
    attributes = {"https://aws.amazon.com/SAML/Attributes/PrincipalTag:team": ["platform"]}
    xml = idp.response_xml([(role_arn, provider_arn)], extra_attributes=attributes)
    xml = xml.replace(f"{role_arn},{provider_arn}".encode(), f"{provider_arn},{role_arn}".encode())
    result = assume(role_arn, provider_arn, base64.b64encode(idp.sign(xml)).decode())
    row = StsSession.objects.get(access_key_id=result.assumed.credentials.access_key_id)
    assert row.session_tags == {"team": "platform"}


def test_a_signed_response_covers_its_assertion_and_the_console_recipient_is_accepted(
    env: Env, idp: SamlIdp, settings: Any
) -> None:
    settings.IAM_CONSOLE_URL = "https://iam.example.test"
    provider_arn = str(
        operations.run(
            env.root, "CreateSAMLProvider", {"name": "corp-idp", "saml_metadata_document": idp.metadata()}
        ).arn
    )
    console_saml = "https://iam.example.test/saml"
    trust = policy(
        {
            "Effect": "Allow",
            "Principal": {"Federated": provider_arn},
            "Action": "sts:AssumeRoleWithSAML",
            "Condition": {"StringEquals": {"SAML:aud": console_saml}},
        }
    )
    role_arn = env.role("Console", trust)
    xml = idp.response_xml([(role_arn, provider_arn)], audience=console_saml, recipient=console_saml)
    result = assume(role_arn, provider_arn, base64.b64encode(idp.sign(xml, whole_response=True)).decode())
    assert result.audience == console_saml


def test_a_replayed_response_is_refused(env: Env, idp: SamlIdp) -> None:
    role_arn, provider_arn = setup(env, idp)
    response = idp.response([(role_arn, provider_arn)])
    assume(role_arn, provider_arn, response)
    with pytest.raises(InvalidIdentityToken, match="already been used"):
        assume(role_arn, provider_arn, response)
    assert StsSession.objects.count() == 1


def test_a_tampered_response_is_refused(env: Env, idp: SamlIdp) -> None:
    role_arn, provider_arn = setup(env, idp)
    document = idp.sign(idp.response_xml([(role_arn, provider_arn)], subject="alice-0001"))
    tampered = document.replace(b"alice-0001", b"admin-0001")
    with pytest.raises(InvalidIdentityToken, match="signature invalid"):
        assume(role_arn, provider_arn, base64.b64encode(tampered).decode())


def test_an_unsigned_response_and_one_signed_by_another_key_are_refused(env: Env, idp: SamlIdp) -> None:
    role_arn, provider_arn = setup(env, idp)
    unsigned = idp.response_xml([(role_arn, provider_arn)])
    with pytest.raises(InvalidIdentityToken, match="signature invalid"):
        assume(role_arn, provider_arn, base64.b64encode(unsigned).decode())
    stranger = SamlIdp()
    forged = stranger.sign(idp.response_xml([(role_arn, provider_arn)]))
    with pytest.raises(InvalidIdentityToken, match="signature invalid"):
        assume(role_arn, provider_arn, base64.b64encode(forged).decode())
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    wrong_key = idp.sign(idp.response_xml([(role_arn, provider_arn)]), key=other_key)
    with pytest.raises(InvalidIdentityToken, match="signature invalid"):
        assume(role_arn, provider_arn, base64.b64encode(wrong_key).decode())


def test_a_signed_assertion_wrapped_in_a_forged_one_is_not_believed(env: Env, idp: SamlIdp) -> None:
    """Signature wrapping: the signed assertion moved aside, a forged one in its place; only signed content counts."""
    role_arn, provider_arn = setup(env, idp, **{"SAML:sub": "mallory"})
    genuine = idp.sign(idp.response_xml([(role_arn, provider_arn)], subject="alice-0001"))
    forged_assertion = idp.response_xml([(role_arn, provider_arn)], subject="mallory")
    start = forged_assertion.index(b"<saml:Assertion")
    end = forged_assertion.index(b"</saml:Assertion>") + len(b"</saml:Assertion>")
    wrapped = genuine.replace(b"<samlp:Status>", forged_assertion[start:end] + b"<samlp:Status>", 1)
    with pytest.raises((InvalidIdentityToken, AccessDenied)):
        assume(role_arn, provider_arn, base64.b64encode(wrapped).decode())
    assert not StsSession.objects.exists()


def test_an_expired_response_is_refused(env: Env, idp: SamlIdp) -> None:
    role_arn, provider_arn = setup(env, idp)
    old = idp.response([(role_arn, provider_arn)], issued=datetime.now(UTC) - timedelta(hours=1))
    with pytest.raises(ExpiredTokenException):
        assume(role_arn, provider_arn, old)


@pytest.mark.parametrize(
    "options",
    [{"audience": "https://evil.example/saml"}, {"recipient": "https://evil.example/saml"}],
    ids=["audience", "recipient"],
)
def test_a_response_for_another_audience_is_refused(env: Env, idp: SamlIdp, options: dict[str, str]) -> None:
    role_arn, provider_arn = setup(env, idp)
    with pytest.raises(InvalidIdentityToken):
        assume(role_arn, provider_arn, idp.response([(role_arn, provider_arn)], **options))


def test_a_role_the_assertion_does_not_name_is_rejected(env: Env, idp: SamlIdp) -> None:
    role_arn, provider_arn = setup(env, idp)
    other_role = env.role("Other", saml_trust(provider_arn))
    with pytest.raises(IDPRejectedClaim):
        assume(other_role, provider_arn, idp.response([(role_arn, provider_arn)]))
    with pytest.raises(InvalidIdentityToken, match="RoleSessionName"):
        assume(role_arn, provider_arn, idp.response([(role_arn, provider_arn)], session_name=None))


def test_an_unknown_provider_and_a_missing_role_are_refused(env: Env, idp: SamlIdp) -> None:
    role_arn, provider_arn = setup(env, idp)
    unknown = f"arn:aws:iam::{env.account_id}:saml-provider/nobody"
    with pytest.raises(InvalidIdentityToken, match="provider"):
        assume(role_arn, unknown, idp.response([(role_arn, unknown)]))
    missing = f"arn:aws:iam::{env.account_id}:role/Missing"
    with pytest.raises(AccessDenied, match="Not authorized to perform sts:AssumeRoleWithSAML"):
        assume(missing, provider_arn, idp.response([(missing, provider_arn)]))


def test_session_duration_attribute_and_policy(env: Env, idp: SamlIdp) -> None:
    role_arn, provider_arn = setup(env, idp)
    attributes = {"https://aws.amazon.com/SAML/Attributes/SessionDuration": ["1800"]}
    session_policy = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    )
    response = idp.response([(role_arn, provider_arn)], extra_attributes=attributes)
    result = assume(role_arn, provider_arn, response, policy=session_policy)
    remaining = result.assumed.credentials.expiration - datetime.now(UTC)
    assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)
    assert result.assumed.packed_policy_size is not None
