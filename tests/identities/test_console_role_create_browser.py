"""The create role wizard in a real headless browser, once per trusted entity type: the live trust policy, the
policy picker, Previous/Edit without losing input, checks as you type, and the created role's trust policy and
attachments. Screenshots: role-create-trust.png, role-create-permissions.png, role-create-review.png."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from iamconsole import operations
from identities.models import PolicyAttachment, Role
from tests.browser import sign_in_as_root
from tests.conftest import make_account
from tests.factories import allow, document, managed_policy
from tests.identities.test_identity_providers import metadata

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
EMAIL = "owner@example.test"
PASSWORD = "Correct-Horse-9"


def trust_of(name: str) -> dict[str, Any]:
    return json.loads(Role.objects.get(name=name).assume_role_policy_document)


def attached(name: str) -> set[str]:
    return set(PolicyAttachment.objects.filter(role__name=name).values_list("policy__name", flat=True))


def finish(page: Page, base: str, name: str, policy_search: str = "", *, shots: bool = False) -> None:
    """Step 1 is filled in: Next, pick the policies ``policy_search`` finds, name the role and create it."""
    page.click("#wizard-next")
    expect(page).to_have_url(f"{base}/roles/create?step=2")
    if policy_search:
        page.fill("#policy-q", policy_search)
        page.click("#policy-search")
        rows = page.locator("#policy-table tbody input[type=checkbox]")
        for index in range(rows.count()):
            rows.nth(index).check()
        if shots:
            page.screenshot(path=str(SCREENSHOTS / "role-create-permissions.png"), full_page=True)
    page.click("#wizard-next")
    expect(page).to_have_url(f"{base}/roles/create?step=3")
    page.fill("#id_role_name", name)
    expect(page.locator("#detail-checks")).to_have_text("Looks good.")
    if shots:
        page.fill("#id_description", "Runs the nightly report")
        page.screenshot(path=str(SCREENSHOTS / "role-create-review.png"), full_page=True)
    page.click("#create-role")
    page.wait_for_url(f"{base}/roles/{name}")


def test_walk_the_wizard_for_every_trusted_entity_type(page: Page, live_server: Any) -> None:
    account = make_account(alias="example-corp", email=EMAIL, password=PASSWORD)
    base = live_server.url
    managed_policy(account, "ReportReader", document(allow("s3:GetObject", "arn:aws:s3:::reports/*")))
    managed_policy(account, "ReportWriter", document(allow("s3:PutObject", "arn:aws:s3:::reports/*")))
    operations.run(account.root, "CreateSAMLProvider", {"name": "Okta", "saml_metadata_document": metadata()})
    sign_in_as_root(page, base, EMAIL, PASSWORD)

    # AWS service, with the live trust policy, two policies, and Previous/Edit keeping the input.
    page.goto(f"{base}/roles/create")
    page.locator(".tile", has_text="AWS service").click()
    page.fill("#id_service", "lambda.amazonaws.com")
    preview = page.locator("#trust-policy-json")
    expect(preview).to_contain_text('"lambda.amazonaws.com"')
    page.screenshot(path=str(SCREENSHOTS / "role-create-trust.png"), full_page=True)
    page.click("#wizard-next")
    page.fill("#policy-q", "Report")
    page.click("#policy-search")
    page.locator("#policy-table input[value$='policy/ReportReader']").check()
    preview_row = page.locator("#policy-table tr", has_text="ReportWriter")
    preview_row.locator(".policy-preview summary").click()
    expect(preview_row.locator(".policy-preview pre")).to_contain_text('"s3:PutObject"')
    page.click("#wizard-back")
    expect(page.locator("#id_service")).to_have_value("lambda.amazonaws.com")
    page.goto(f"{base}/roles/create?step=2")
    expect(page.locator("#policy-table input[value$='policy/ReportReader']")).to_be_checked()
    page.goto(f"{base}/roles/create")
    finish(page, base, "report-runner", "Report", shots=True)
    assert trust_of("report-runner")["Statement"][0]["Principal"] == {"Service": ["lambda.amazonaws.com"]}
    assert attached("report-runner") == {"ReportReader", "ReportWriter"}

    # Another AWS account, requiring an external ID and MFA.
    page.goto(f"{base}/roles/create")
    page.locator(".tile", has_text="AWS account").click()
    page.check("input[name=account_choice][value=other]")
    page.fill("#id_account_id", "111122223333")
    page.check("#id_require_external_id")
    page.fill("#id_external_id", "partner-42")
    page.check("#id_require_mfa")
    expect(preview).to_contain_text('"sts:ExternalId": "partner-42"')
    finish(page, base, "partner-audit")
    (statement,) = trust_of("partner-audit")["Statement"]
    assert statement["Principal"] == {"AWS": "arn:aws:iam::111122223333:root"}
    assert statement["Condition"] == {
        "StringEquals": {"sts:ExternalId": "partner-42"},
        "Bool": {"aws:MultiFactorAuthPresent": "true"},
    }
    assert attached("partner-audit") == set()

    # Web identity (Google).
    page.goto(f"{base}/roles/create")
    page.locator(".tile", has_text="Web identity").click()
    page.select_option("#id_web_provider", "google")
    page.fill("#id_audience", "1234.apps.googleusercontent.com")
    expect(preview).to_contain_text("accounts.google.com:aud")
    finish(page, base, "google-users")
    assert trust_of("google-users")["Statement"][0]["Condition"] == {
        "StringEquals": {"accounts.google.com:aud": "1234.apps.googleusercontent.com"}
    }

    # SAML 2.0 federation with console access.
    page.goto(f"{base}/roles/create")
    page.locator(".tile", has_text="SAML 2.0 federation").click()
    page.select_option("#id_saml_provider", f"arn:aws:iam::{account.account_id}:saml-provider/Okta")
    expect(preview).to_contain_text("SAML:aud")
    finish(page, base, "okta-admins", "ReportWriter")
    (statement,) = trust_of("okta-admins")["Statement"]
    assert statement["Action"] == "sts:AssumeRoleWithSAML"
    assert statement["Condition"] == {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}
    assert attached("okta-admins") == {"ReportWriter"}

    # Custom trust policy: the skeleton is there; a JSON error blocks Next.
    page.goto(f"{base}/roles/create")
    page.locator(".tile", has_text="Custom trust policy").click()
    expect(page.locator("#id_custom_policy")).to_contain_text("Statement1")
    # The policy editor in trust mode (CodeMirror over the textarea).
    expect(page.locator(".entity-custom .CodeMirror-linenumber", has_text="1").first).to_be_visible()
    type_over_custom_policy(page, "{oops")
    page.click("#wizard-next")
    expect(page.locator(".entity-custom > p.field-error")).to_contain_text("not valid JSON")
    custom = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "states.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    type_over_custom_policy(page, json.dumps(custom, indent=2))
    finish(page, base, "step-functions")
    assert trust_of("step-functions") == custom


def type_over_custom_policy(page: Page, text: str) -> None:
    """Select everything in the custom trust policy's editor and type ``text`` over it (as a paste)."""
    page.locator(".entity-custom .CodeMirror").first.click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(text)
