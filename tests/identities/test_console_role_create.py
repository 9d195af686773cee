"""The create role wizard (``/roles/create``): each trusted entity type's trust policy, the live preview, back and
forth without losing input, the policy picker with its quota and boundary, checks as you type, and Create with
CreateRole then one AttachRolePolicy per policy, each authorized on its own (partial failure reported); as root, a
read-only user and a user without permissions."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from iamconsole import operations
from identities.models import InstanceProfile, PolicyAttachment, Role
from tests.console import HTMX, no_permission_user, read_only_user, signed_in, text
from tests.factories import allow, document, iam_user, managed_policy
from tests.identities.test_identity_providers import THUMB, metadata

pytestmark = pytest.mark.django_db


def step1(client: Client, **fields: Any):
    return client.post("/roles/create", fields)


def walk(client: Client, name: str, policies: tuple[str, ...] = (), **trust: Any):
    assert step1(client, **trust).status_code == 302
    response = client.post("/roles/create?step=2", {"policy_arns": list(policies), "action": "next"})
    assert response.status_code == 302, text(response)
    return client.post("/roles/create?step=3", {"role_name": name, "max_session_duration": "3600", "action": "create"})


def trust_of(name: str) -> dict[str, Any]:
    return json.loads(Role.objects.get(name=name).assume_role_policy_document)


def test_aws_service(root_client, account):
    response = walk(root_client, "ec2-app", entity="service", service="ec2.amazonaws.com")
    assert response.status_code == 302 and response["Location"] == "/roles/ec2-app"
    assert trust_of("ec2-app")["Statement"] == [
        {"Effect": "Allow", "Principal": {"Service": ["ec2.amazonaws.com"]}, "Action": ["sts:AssumeRole"]}
    ]
    # EC2 roles get their instance profile, as the console makes it.
    assert InstanceProfile.objects.filter(name="ec2-app").exists()


def test_aws_account_with_external_id_and_mfa(root_client, account, other_account):
    walk(
        root_client,
        "partner",
        entity="account",
        account_choice="other",
        account_id=other_account.account_id,
        require_external_id="on",
        external_id="Ext-123",
        require_mfa="on",
    )
    (statement,) = trust_of("partner")["Statement"]
    assert statement["Principal"] == {"AWS": f"arn:aws:iam::{other_account.account_id}:root"}
    assert statement["Condition"] == {
        "StringEquals": {"sts:ExternalId": "Ext-123"},
        "Bool": {"aws:MultiFactorAuthPresent": "true"},
    }
    walk(root_client, "local", entity="account", account_choice="this")
    assert trust_of("local")["Statement"][0]["Principal"] == {"AWS": f"arn:aws:iam::{account.account_id}:root"}
    assert trust_of("local")["Statement"][0]["Condition"] == {}


def test_account_rules_are_checked(root_client):
    response = step1(root_client, entity="account", account_choice="other", account_id="12345")
    assert response.status_code == 400 and "Enter a 12-digit account ID." in text(response)
    response = step1(root_client, entity="account", account_choice="this", require_external_id="on", external_id="a b")
    assert response.status_code == 400 and "no spaces" in text(response)


def test_web_identity_well_known_and_github(root_client, account):
    walk(root_client, "google-app", entity="web", web_provider="google", audience="client-1.apps")
    (statement,) = trust_of("google-app")["Statement"]
    assert statement["Principal"] == {"Federated": "accounts.google.com"}
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Condition"] == {"StringEquals": {"accounts.google.com:aud": "client-1.apps"}}
    operations.run(
        account.root,
        "CreateOpenIDConnectProvider",
        {
            "url": "https://token.actions.githubusercontent.com",
            "client_id_list": ["sts.amazonaws.com"],
            "thumbprint_list": [THUMB],
        },
    )
    arn = f"arn:aws:iam::{account.account_id}:oidc-provider/token.actions.githubusercontent.com"
    assert "token.actions.githubusercontent.com" in text(root_client.get("/roles/create"))
    response = step1(root_client, entity="web", web_provider=arn, audience="sts.amazonaws.com")
    assert response.status_code == 400 and "Enter the GitHub organization." in text(response)
    walk(
        root_client,
        "deploy",
        entity="web",
        web_provider=arn,
        audience="sts.amazonaws.com",
        github_org="example",
        github_repo="site",
        github_branch="main",
    )
    (statement,) = trust_of("deploy")["Statement"]
    assert statement["Principal"] == {"Federated": arn}
    assert statement["Condition"] == {
        "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
        "StringLike": {"token.actions.githubusercontent.com:sub": "repo:example/site:ref:refs/heads/main"},
    }


def test_saml_console_and_programmatic(root_client, account):
    operations.run(account.root, "CreateSAMLProvider", {"name": "Okta", "saml_metadata_document": metadata()})
    arn = f"arn:aws:iam::{account.account_id}:saml-provider/Okta"
    walk(root_client, "sso", entity="saml", saml_provider=arn, saml_access="console")
    (statement,) = trust_of("sso")["Statement"]
    assert statement["Principal"] == {"Federated": arn} and statement["Action"] == "sts:AssumeRoleWithSAML"
    assert statement["Condition"] == {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}
    walk(
        root_client,
        "sso-cli",
        entity="saml",
        saml_provider=arn,
        saml_access="programmatic",
        saml_attribute="SAML:sub",
        saml_value="alice",
    )
    assert trust_of("sso-cli")["Statement"][0]["Condition"] == {"StringEquals": {"SAML:sub": "alice"}}


def test_custom_trust_policy_blocks_bad_json_and_create_reports_a_malformed_policy(root_client, account):
    page = text(root_client.get("/roles/create"))
    assert "Statement1" in page  # the skeleton
    response = step1(root_client, entity="custom", custom_policy="{not json")
    assert response.status_code == 400 and "not valid JSON" in text(response)
    bad = document({"Effect": "Allow", "Principal": {}, "Action": "sts:AssumeRole"})
    response = walk(root_client, "custom-bad", entity="custom", custom_policy=bad)
    assert response.status_code == 400 and 'id="create-error"' in text(response)
    assert not Role.objects.filter(name="custom-bad").exists()
    good = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
            ],
        }
    )
    assert walk(root_client, "custom-ok", entity="custom", custom_policy=good).status_code == 302
    assert trust_of("custom-ok")["Statement"][0]["Principal"] == {"Service": "lambda.amazonaws.com"}


def test_the_preview_follows_the_choices(root_client):
    response = root_client.post(
        "/roles/create/preview", {"entity": "service", "service": "lambda.amazonaws.com"}, **HTMX
    )
    body = text(response)
    assert body.lstrip().startswith('<section class="card" id="trust-preview"')
    assert "lambda.amazonaws.com" in body and "sts:AssumeRole" in body
    assert "Complete the choices" in text(root_client.post("/roles/create/preview", {"entity": "service"}, **HTMX))


def test_back_and_forth_keeps_every_step(root_client, account):
    policy = managed_policy(account, "Deploy", document(allow("s3:*")))
    step1(root_client, entity="account", account_choice="other", account_id="111122223333", require_mfa="on")
    root_client.post("/roles/create?step=2", {"policy_arns": [policy.arn], "action": "next"})
    root_client.post("/roles/create?step=3", {"role_name": "kept", "description": "d1", "action": "back"})
    page = text(root_client.get("/roles/create?step=2"))
    assert f'value="{policy.arn}" checked' in page
    page = text(root_client.get("/roles/create"))
    assert 'value="111122223333"' in page and 'value="other" checked' in page
    page = text(root_client.get("/roles/create?step=3"))
    assert 'value="kept"' in page and "d1</textarea>" in page
    assert "111122223333:root" in page and policy.arn in page  # the review, with Edit links
    assert 'id="edit-step-1"' in page and 'id="edit-step-2"' in page


def test_later_steps_need_step_one(root_client):
    response = root_client.get("/roles/create?step=3")
    assert response.status_code == 302 and response["Location"] == "/roles/create"


def test_policy_picker_search_type_filter_and_quota(root_client, account, settings):
    mine = managed_policy(account, "TeamDeploy", document(allow("s3:*")))
    step1(root_client, entity="service", service="lambda.amazonaws.com")
    page = text(root_client.get("/roles/create?step=2&policy_q=Team&type=customer"))
    assert "TeamDeploy" in page
    assert "TeamDeploy" not in text(root_client.get("/roles/create?step=2&policy_q=Team&type=aws"))
    # The search keeps what is checked.
    response = root_client.post(
        "/roles/create?step=2", {"policy_arns": [mine.arn], "policy_q": "zzz", "action": "search"}
    )
    assert f'value="{mine.arn}" checked' in text(response)
    arns = [managed_policy(account, f"P{i}", document(allow("s3:GetObject"))).arn for i in range(11)]
    response = root_client.post("/roles/create?step=2", {"policy_arns": arns, "action": "next"})
    assert response.status_code == 400 and "at most 10 managed policies" in text(response)


def test_boundary_is_set(root_client, account):
    boundary = managed_policy(account, "Boundary", document(allow("s3:*")))
    step1(root_client, entity="service", service="lambda.amazonaws.com")
    response = root_client.post("/roles/create?step=2", {"use_boundary": "on", "boundary_arn": "", "action": "next"})
    assert response.status_code == 400 and "permissions boundary" in text(response)
    root_client.post("/roles/create?step=2", {"use_boundary": "on", "boundary_arn": boundary.arn, "action": "next"})
    root_client.post(
        "/roles/create?step=3", {"role_name": "bounded", "max_session_duration": "7200", "action": "create"}
    )
    created = Role.objects.get(name="bounded")
    assert created.permissions_boundary is not None and created.permissions_boundary.arn == boundary.arn
    assert created.max_session_duration == 7200


def test_checks_as_you_type_use_the_services_rules(root_client, account):
    walk(root_client, "Taken", entity="service", service="lambda.amazonaws.com")
    body = text(root_client.post("/roles/create/check", {"role_name": "taken"}, **HTMX))
    assert "A role named taken already exists." in body
    body = text(root_client.post("/roles/create/check", {"role_name": "bad name!"}, **HTMX))
    assert "RoleName" in body or "role" in body.lower()
    body = text(
        root_client.post("/roles/create/check", {"role_name": "ok", "tag_key": ["aws:x"], "tag_value": ["1"]}, **HTMX)
    )
    assert "aws:" in body
    assert "Looks good." in text(root_client.post("/roles/create/check", {"role_name": "fresh"}, **HTMX))


def test_tags_and_description_reach_the_role(root_client):
    step1(root_client, entity="service", service="lambda.amazonaws.com")
    root_client.post("/roles/create?step=2", {"action": "next"})
    response = root_client.post(
        "/roles/create?step=3",
        {"role_name": "tagged", "description": "x", "tag_key": ["team"], "tag_value": ["a"], "action": "add_tag"},
    )
    assert text(response).count('name="tag_key"') == 2
    root_client.post(
        "/roles/create?step=3",
        {
            "role_name": "tagged",
            "description": "For the app",
            "max_session_duration": "3600",
            "tag_key": ["team", ""],
            "tag_value": ["a", ""],
            "action": "create",
        },
    )
    created = Role.objects.get(name="tagged")
    assert created.description == "For the app" and created.tags == {"team": "a"}


def test_duplicate_name_is_a_field_error(root_client):
    walk(root_client, "dup", entity="service", service="lambda.amazonaws.com")
    response = walk(root_client, "DUP", entity="service", service="lambda.amazonaws.com")
    assert response.status_code == 409 and "already exists" in text(response)


def test_partial_failure_says_what_was_and_was_not_attached(account):
    allowed = managed_policy(account, "Allowed", document(allow("s3:GetObject")))
    forbidden = managed_policy(account, "Forbidden", document(allow("s3:*")))
    user = iam_user(
        account,
        "creator",
        allow(["iam:CreateRole", "iam:ListPolicies", "iam:GetRole"]),
        allow("iam:AttachRolePolicy", "*", Condition={"ArnEquals": {"iam:PolicyARN": allowed.arn}}),
    )
    client = signed_in(Client(), user)
    response = walk(client, "half", (allowed.arn, forbidden.arn), entity="service", service="lambda.amazonaws.com")
    assert response.status_code == 302
    page = text(client.get("/roles"))  # the next page shows the flash message
    assert "Role half was created, but not every step succeeded" in page
    assert "Attached: Allowed" in page and "Forbidden (AccessDenied" in page
    attached = set(PolicyAttachment.objects.filter(role__name="half").values_list("policy__name", flat=True))
    assert attached == {"Allowed"}


def test_a_read_only_user_can_walk_but_not_create(account, aws_managed_policies):
    client = signed_in(Client(), read_only_user(account))
    page = text(client.get("/roles/create"))
    assert "You need <code>iam:CreateRole</code>" in page
    response = walk(client, "nope", entity="service", service="lambda.amazonaws.com")
    assert response.status_code == 403 and "iam:CreateRole" in text(response)
    assert not Role.objects.filter(name="nope").exists()


def test_a_user_without_permissions_sees_what_is_missing(account):
    client = signed_in(Client(), no_permission_user(account))
    step1(client, entity="service", service="lambda.amazonaws.com")
    page = text(client.get("/roles/create?step=2"))
    assert '<code class="missing-action">iam:ListPolicies</code>' in page


def test_signed_out_goes_to_sign_in(client):
    response = client.get("/roles/create")
    assert response.status_code == 302 and response["Location"].startswith("/signin")


def test_the_service_list_names_use_cases_and_the_catalogues_services(root_client):
    page = text(root_client.get("/roles/create"))
    assert '<option value="lambda.amazonaws.com" label="Lambda: Allows Lambda functions to call AWS services">' in page
    assert '<option value="spotfleet.amazonaws.com" label="EC2: Spot Fleet requests instances and tags them">' in page
    assert 'value="elasticbeanstalk.amazonaws.com"' in page  # from the service-linked role catalogue
    response = step1(root_client, entity="service", service="not a service")
    assert response.status_code == 400 and "Choose a service principal" in text(response)


def test_a_picker_row_previews_its_policy_json(root_client, account, other_account):
    policy = managed_policy(account, "Preview", document(allow("s3:GetObject", "arn:aws:s3:::a/*")))
    step1(root_client, entity="service", service="lambda.amazonaws.com")
    page = text(root_client.get("/roles/create?step=2&policy_q=Preview"))
    assert 'hx-get="/roles/create/policy?arn=arn%3Aaws%3Aiam%3A%3A' in page
    body = text(root_client.get(f"/roles/create/policy?arn={policy.arn}", **HTMX))
    assert "&quot;s3:GetObject&quot;" in body and "<html" not in body
    foreign = managed_policy(other_account, "Theirs", document(allow("s3:*")))
    assert "AccessDenied" in text(root_client.get(f"/roles/create/policy?arn={foreign.arn}", **HTMX))


def test_the_audience_field_suggests_the_providers_client_ids(root_client, account):
    operations.run(
        account.root,
        "CreateOpenIDConnectProvider",
        {"url": "https://login.example.com", "client_id_list": ["app-one", "app-two"], "thumbprint_list": [THUMB]},
    )
    page = text(root_client.get("/roles/create"))
    assert '<option value="app-one">' in page and '<option value="app-two">' in page


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("get", "/roles/create/policy?arn=not-an-arn", {}),
        ("get", "/roles/create/policy", {}),
        ("get", "/roles/create?step=9", {}),
        ("post", "/roles/create", {"entity": "nonsense"}),
        ("post", "/roles/create/preview", {"entity": "web", "web_provider": "arn:aws:iam::1:oidc-provider/x"}),
        ("post", "/roles/create/check", {"role_name": "x" * 500, "description": "\x00", "tag_key": ["a"] * 60}),
        ("post", "/roles/create?step=2", {"policy_arns": ["arn:nonsense"], "action": "next"}),
        ("post", "/roles/create?step=3", {"role_name": "r", "max_session_duration": "99", "action": "create"}),
        (
            "post",
            "/roles/create?step=3",
            {
                "role_name": "r",
                "max_session_duration": "3600",
                "tag_key": ["aws:x"],
                "tag_value": ["v"],
                "action": "create",
            },
        ),
    ],
)
def test_bad_input_is_answered_in_the_page_never_a_500(root_client, method, url, data):
    step1(root_client, entity="service", service="lambda.amazonaws.com")
    response = getattr(root_client, method)(url, data)
    assert response.status_code < 500


def test_a_policy_that_cannot_be_attached_leaves_the_role_and_says_so(root_client, account):
    step1(root_client, entity="service", service="lambda.amazonaws.com")
    missing = f"arn:aws:iam::{account.account_id}:policy/Gone"
    root_client.post("/roles/create?step=2", {"policy_arns": [missing], "action": "next"})
    response = root_client.post(
        "/roles/create?step=3", {"role_name": "left", "max_session_duration": "3600", "action": "create"}
    )
    assert response.status_code == 302 and Role.objects.filter(name="left").exists()
    page = text(root_client.get("/roles"))
    assert "Attached: none" in page and "Gone (NoSuchEntity" in page


def test_custom_trust_policy_errors_block_next_and_show_in_the_preview(root_client):
    statement = {"Effect": "Permit", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}
    bad = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    preview = text(root_client.post("/roles/create/preview", {"entity": "custom", "custom_policy": bad}, **HTMX))
    assert 'id="trust-findings"' in preview and "ERROR" in preview
    response = step1(root_client, entity="custom", custom_policy=bad)
    assert response.status_code == 400 and "Line " in text(response)
    good = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
            ],
        }
    )
    assert step1(root_client, entity="custom", custom_policy=good).status_code == 302


def test_cognito_identity_pool_with_authenticated_identities(root_client):
    walk(
        root_client,
        "pool",
        entity="web",
        web_provider="cognito",
        audience="us-east-2:pool-id",
        cognito_amr="authenticated",
    )
    assert trust_of("pool")["Statement"][0]["Condition"] == {
        "StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-2:pool-id"},
        "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"},
    }


def test_htmx_gets_only_the_steps_partial(root_client):
    step1(root_client, entity="service", service="lambda.amazonaws.com")
    body = text(root_client.get("/roles/create?step=2&policy_q=x", **HTMX))
    assert body.lstrip().startswith('<form method="post" action="/roles/create?step=2" id="permissions-form"')
    body = text(root_client.get("/roles/create", **HTMX))
    assert body.lstrip().startswith('<div id="wizard" class="wizard">') and "<html" not in body


def test_the_custom_trust_policy_is_edited_in_the_policy_editor(root_client):
    page = text(root_client.get("/roles/create"))
    assert "data-policy-editor" in page
    assert 'name="custom_policy"' in page
    assert "Statement1" in page
