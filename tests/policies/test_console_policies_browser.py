"""The Policies pages, the policy editor and the simulator in a real headless browser (Debian chromium): findings as
the user types, on the right line, blocking the save; versions, their diff and the default; attach and detach; a
simulation. Screenshots for docs/screenshots/."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from iamconsole import operations
from iamconsole.actors import Actor
from policies.models import ManagedPolicy
from tests import factories
from tests.browser import confirm_by_typing, sign_in_as_root
from tests.conftest import make_account
from tests.factories import allow, deny, document

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
GOOD = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "ReadReports", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"}
        ],
    },
    indent=2,
)
BAD = GOOD.replace("s3:ListBucket", "s3:ListBuckit")
BAD_LINE = next(number for number, line in enumerate(BAD.splitlines(), 1) if "ListBuckit" in line)


@pytest.fixture(autouse=True)
def _patient_expectations() -> Any:
    """Findings come back from the server after a debounce: on a busy machine that can take longer than
    Playwright's default five seconds, so these tests wait up to fifteen (and restore the default after)."""
    expect.set_options(timeout=15_000)
    yield
    expect.set_options(timeout=5_000)


def screenshot(page: Page, name: str) -> None:
    """A full-page screenshot from the top (the layout's sticky top bar would otherwise land mid-page)."""
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def sign_in(page: Page, live_server: Any) -> Any:
    account = make_account(alias="example-corp", email="owner@example.test", password="Correct-Horse-9")
    sign_in_as_root(page, live_server.url, "owner@example.test", "Correct-Horse-9")
    page.wait_for_url(re.compile(r".*/$"))
    return account


def replace_text(page: Page, text: str) -> None:
    """Select everything in the editor and type ``text`` over it (as a paste: no auto-closed brackets)."""
    page.locator(".CodeMirror").first.click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(text)


def test_a_finding_appears_on_its_line_and_blocks_saving_until_fixed(page: Page, live_server: Any) -> None:
    violations: list[str] = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    account = sign_in(page, live_server)
    base = document(allow("sqs:SendMessage", "arn:aws:sqs:us-east-1:111122223333:reports"))
    factories.managed_policy(account, "QueueWriters", base)
    page.goto(f"{live_server.url}/policies/create")
    expect(page.locator(".CodeMirror-linenumber", has_text="1").first).to_be_visible()
    save = page.locator("button[data-policy-save]")

    # Import: a managed policy's statements replace the empty starting statement.
    page.locator("[data-import] summary").click()
    page.locator("[data-import] input[type=search]").fill("queue")
    page.locator("[data-import] .chip", has_text="QueueWriters").click()
    expect(page.locator(".CodeMirror-code")).to_contain_text("sqs:SendMessage")
    text = page.evaluate("document.querySelector('[data-policy-editor]').policyEditor.getValue()")
    assert json.loads(text)["Statement"] == json.loads(base)["Statement"]

    replace_text(page, BAD)
    error = page.locator(".finding-error")
    expect(error).to_have_count(1)
    expect(error.locator(".finding-location")).to_contain_text(f"Ln {BAD_LINE},")
    expect(page.locator("[data-tab=errors]")).to_have_attribute("aria-selected", "true")
    page.locator("[data-tab=errors]").focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator("[data-tab-panel=warnings]")).to_be_visible()
    expect(page.locator("[data-tab-panel=errors]")).to_be_hidden()
    page.locator("[data-tab=errors]").click()
    expect(page.locator("[data-tab-panel=errors]")).to_be_visible()
    expect(page.locator(".CodeMirror-lint-mark-error")).to_have_count(1)
    expect(page.locator(".CodeMirror-lint-marker-error")).to_have_count(1)
    expect(save).to_be_disabled()
    size = len(BAD.replace(" ", "").replace("\n", ""))
    expect(page.locator("[data-size]")).to_have_text(f"{size:,}")
    page.fill("#id_policy_name", "ReportReaders")
    screenshot(page, "policy-create.png")

    error.locator(".finding-location").click()  # jumps to the line
    cursor = page.evaluate("document.querySelector('[data-policy-editor]').policyEditor.getCursor().line")
    assert cursor == BAD_LINE - 1

    replace_text(page, GOOD)
    expect(page.locator(".finding-error")).to_have_count(0)
    expect(save).to_be_enabled()
    expect(page.locator(".statement-summary")).to_contain_text("s3:ListBucket")
    page.locator("[data-format]").click()  # Format keeps a valid document valid
    expect(save).to_be_enabled()
    save.click()
    page.wait_for_url(re.compile(r".*/policies/ANPA[A-Z0-9]+$"))
    expect(page.locator(".alert.success")).to_contain_text("Policy ReportReaders created.")
    expect(page.locator("h1")).to_have_text("ReportReaders")
    assert ManagedPolicy.objects.filter(name="ReportReaders").exists()
    assert violations == []  # the strict CSP holds: no inline script or style anywhere on the way


def test_a_new_version_its_diff_and_the_default(page: Page, live_server: Any) -> None:
    account = sign_in(page, live_server)
    policy = factories.managed_policy(account, "ReportReaders", GOOD, description="Read the reports bucket")
    factories.user(account, "alice")
    page.goto(f"{live_server.url}/policies/{policy.policy_id}")
    replace_text(page, GOOD.replace('"s3:ListBucket"', '"s3:ListBucket",\n        "s3:GetObjectTagging"'))
    expect(page.locator("[data-tab=errors] .count-badge")).to_have_text("0")
    page.locator("#new-version input[name=set_as_default]").uncheck()
    page.locator("#new-version button[data-policy-save]").click()
    rows = page.locator("#versions tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("v2")

    # Attach to a user and see it in the entities, then detach.
    page.select_option("#id_entity", "user:alice")
    page.get_by_role("button", name="Attach policy").click()
    expect(page.locator("#attached-entities tbody")).to_contain_text("alice")
    screenshot(page, "policy-detail.png")
    page.locator("#attached-entities tbody button", has_text="Detach").click()
    expect(page.locator("#attached-entities tbody")).to_contain_text("not attached")

    page.locator(".compare-form button").click()
    page.wait_for_url(re.compile(r".*/versions/compare\?left=v1&right=v2$"))
    expect(page.locator("td.added")).to_contain_text(["s3:GetObjectTagging"])
    screenshot(page, "policy-diff.png")
    page.select_option("select[name=left]", "v2")  # htmx swaps the diff in place
    expect(page.locator(".card-header .hint")).to_have_text("The two versions are identical.")

    page.goto(f"{live_server.url}/policies/{policy.policy_id}")
    page.locator("#versions tbody tr", has_text="v2").locator("button", has_text="Set as default").click()
    expect(page.locator("#versions tbody tr", has_text="v2")).to_contain_text("Default")
    assert ManagedPolicy.objects.get(pk=policy.pk).default_version_id == "v2"


def test_the_policies_list_and_the_simulator(page: Page, live_server: Any) -> None:
    account = sign_in(page, live_server)
    operations.run(Actor.system(), "SyncAwsManagedPolicies")
    reports = json.loads(document(allow(["s3:GetObject", "s3:ListBucket"]), deny("s3:DeleteObject")))
    factories.user(account, "alice")
    factories.put_user_policy(account, "alice", json.dumps(reports, indent=2), policy_name="reports")
    page.goto(f"{live_server.url}/policies")
    rows = page.locator("#policy-table tbody tr")
    expect(rows).to_have_count(25)
    page.select_option("select[name=type]", "job")
    expect(rows.first).to_contain_text("AWS managed – job function")
    page.fill("form.filters input[type=search]", "administrator")
    expect(page.locator("#policy-table tbody tr", has_text="Billing")).to_have_count(0)
    expect(page.locator("#policy-table tbody tr", has_text="DatabaseAdministrator")).to_have_count(1)

    page.goto(f"{live_server.url}/policies/simulator")
    page.select_option("#id_principal", "user:alice")
    page.locator("button", has_text="Run simulation").click()  # no action yet: the form says so, in place
    expect(page.locator("#simulation .field-error")).to_have_text("Choose at least one action.")
    page.goto(f"{live_server.url}/policies/simulator")
    page.select_option("#id_principal", "user:alice")
    page.fill("#id_action_search", "s3:getobject")
    page.locator("[data-add-action='s3:GetObject']").click()
    page.fill("#id_action_search", "deleteobject")
    page.locator("[data-add-action='s3:DeleteObject']").click()
    page.locator("#id_action_names").press("End")
    page.locator("#id_action_names").type("\ns3:PutObject")
    page.fill("#id_resource_arns", "arn:aws:s3:::reports/2026/q4.csv")
    page.locator("button", has_text="Run simulation").click()
    decisions = page.locator("[data-decision]")
    expect(decisions).to_have_count(3)
    expect(decisions.nth(0)).to_have_text("Allowed")
    expect(decisions.nth(1)).to_have_text("Denied (explicit deny)")
    expect(decisions.nth(2)).to_have_text("Denied (implicit)")
    expect(page.locator("#source-1 mark", has_text='"Effect": "Allow"')).to_have_count(1)
    screenshot(page, "simulator.png")


def test_the_list_actions_attach_detach_and_delete_the_selected_policy(page: Page, live_server: Any) -> None:
    account = sign_in(page, live_server)
    operations.run(Actor.system(), "SyncAwsManagedPolicies")
    factories.user(account, "alice")
    readers = factories.managed_policy(account, "Readers", GOOD, description="Read the quarterly reports")
    auditors = factories.managed_policy(account, "Auditors", GOOD, description="Read the audit trail")
    factories.attach(account, auditors, user_name="alice")
    page.goto(f"{live_server.url}/policies?type=job&q=ReadOnlyAccess")
    table = page.locator("#policy-table")
    menu = page.locator("#policy-actions")
    item = {name: menu.locator(f"button[data-action={name.lower()}]") for name in ("Attach", "Detach", "Delete")}

    def select(name: str) -> None:
        table.locator("tbody tr").filter(has=page.locator("td.name a", has_text=re.compile(f"^{name}$"))).locator(
            "input[type=radio]"
        ).check()

    menu.locator("summary").click()
    for button in item.values():  # nothing selected yet
        expect(button).to_be_disabled()
    expect(page.locator("[data-action-reason]")).to_have_text("Select a row to act on it.")
    select("ReadOnlyAccess")
    expect(item["Attach"]).to_be_enabled()
    expect(item["Delete"]).to_be_disabled()
    expect(page.locator("[data-action-reason]")).to_have_text("AWS managed policies cannot be deleted.")

    page.goto(f"{live_server.url}/policies?type=customer")
    select("Readers")
    menu.locator("summary").click()
    for button in item.values():
        expect(button).to_be_enabled()
    screenshot(page, "policies.png")

    # Attach: the policy page's attach form, then back to the list to detach.
    item["Attach"].click()
    expect(page).to_have_url(re.compile(rf"/policies/{readers.policy_id}#attach-entity$"))
    page.select_option("#id_entity", "user:alice")
    page.locator("#attach-entity button", has_text="Attach policy").click()
    expect(page.locator("#messages")).to_contain_text("Policy Readers attached to user alice.")
    page.goto(f"{live_server.url}/policies?q=Readers")
    select("Readers")
    menu.locator("summary").click()
    item["Detach"].click()
    expect(page).to_have_url(re.compile(rf"/policies/{readers.policy_id}#attached-entities$"))
    page.locator("#attached-entities tr", has_text="alice").locator("button", has_text="Detach").click()
    expect(page.locator("#messages")).to_contain_text("Policy Readers detached from user alice.")

    # Delete: the dialog wants the policy's name typed exactly.
    page.goto(f"{live_server.url}/policies?q=Readers")
    select("Readers")
    menu.locator("summary").click()
    item["Delete"].click()
    expect(page.locator("h1")).to_have_text("Delete Readers?")
    confirm_by_typing(page, "#policy-delete", "readers", "Readers")
    expect(page.locator("#messages")).to_contain_text("Policy Readers deleted.")
    assert not ManagedPolicy.objects.filter(pk=readers.pk).exists()

    # An attached policy: the dialog says what deleting it does first (as AWS's console, it detaches it), then does.
    page.goto(f"{live_server.url}/policies?q=Auditors")
    select("Auditors")
    menu.locator("summary").click()
    item["Delete"].click()
    expect(page.locator("#delete-steps li")).to_have_text(["Detach it from user alice"])
    screenshot(page, "policy-delete.png")
    confirm_by_typing(page, "#policy-delete", "auditors", "Auditors")
    expect(page.locator("#messages")).to_contain_text("Policy Auditors deleted.")
    assert not ManagedPolicy.objects.filter(pk=auditors.pk).exists()


def test_without_javascript_the_editor_is_a_plain_textarea_checked_on_submit(
    page: Page, live_server: Any, browser: Any
) -> None:
    sign_in(page, live_server)
    context = browser.new_context(java_script_enabled=False)
    context.add_cookies(page.context.cookies())
    plain = context.new_page()
    plain.goto(f"{live_server.url}/policies/create")
    expect(plain.locator(".CodeMirror")).to_have_count(0)
    textarea = plain.locator("textarea[name=policy_document]")
    expect(textarea).to_be_visible()
    textarea.fill(BAD)
    plain.fill("#id_policy_name", "ReportReaders")
    plain.locator("button[data-policy-save]").click()
    expect(plain.locator(".finding-error .finding-location")).to_contain_text(f"Ln {BAD_LINE},")
    expect(plain.locator("form .alert.error")).to_contain_text("fix them before saving")
    assert not ManagedPolicy.objects.filter(name="ReportReaders").exists()

    plain.locator("textarea[name=policy_document]").fill(GOOD)
    plain.locator("button[data-policy-save]").click()
    expect(plain.locator("h1")).to_have_text("ReportReaders")
    context.close()
