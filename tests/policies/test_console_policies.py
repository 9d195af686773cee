"""The console's Policies pages, policy editor and simulator, through the test client: as root, as a read-only IAM
user (AWS managed ReadOnlyAccess) and as a user without permissions; htmx partials, denied writes, and errors."""

from __future__ import annotations

import json
import re
from typing import Any

from django.test import Client

from accounts.models import AuditEvent
from iamconsole import operations
from identities.models import PolicyAttachment
from policies.models import ManagedPolicy
from tests import factories
from tests.console import HTMX, read_only_user, signed_in
from tests.factories import allow, deny, iam_user, managed_policy, role

GOOD = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}, indent=2
)
# Line 4 names an action S3 does not have.
BAD = (
    '{\n  "Version": "2012-10-17",\n  "Statement": [\n'
    '    {"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"}\n  ]\n}'
)


def names(response: Any) -> list[str]:
    return re.findall(r'<td class="name"><a href="/policies/[A-Z0-9]+">([^<]+)</a></td>', response.content.decode())


def _assert_deleted(root_client: Client, url: str, policy: ManagedPolicy, form: dict[str, str]) -> None:
    """Posting ``form`` to the policy's delete deletes it and lands on the list, which says so."""
    deleted = root_client.post(f"{url}/delete", form)
    assert deleted.status_code == 302 and deleted["Location"] == "/policies"
    assert "Policy Readers deleted." in root_client.get("/policies").content.decode()
    assert not ManagedPolicy.objects.filter(pk=policy.pk).exists()


# --- the list -------------------------------------------------------------------------------------------------------


def test_the_list_filters_by_type_and_use_and_searches(root_client, account, aws_managed_policies):
    managed_policy(account, "Readers", GOOD)
    managed_policy(account, "Boundary", GOOD)
    factories.user(account, "alice", boundary=ManagedPolicy.objects.get(name="Boundary").arn)
    factories.attach(account, ManagedPolicy.objects.get(name="Readers"), user_name="alice")

    response = root_client.get("/policies")
    assert response.status_code == 200
    body = response.content.decode()
    assert "of 1" in body and "<html" in body  # the whole catalogue, paged
    assert len(names(response)) == 25

    assert names(root_client.get("/policies?type=customer")) == ["Boundary", "Readers"]
    job = names(root_client.get("/policies?type=job&q=admin"))
    assert "AdministratorAccess" in job and "DatabaseAdministrator" in job and "NetworkAdministrator" in job
    assert all(name in job for name in job if "Admin" in name)
    assert "AmazonS3FullAccess" not in names(root_client.get("/policies?type=job&q=s3"))
    assert "AmazonS3FullAccess" in names(root_client.get("/policies?type=aws&q=AmazonS3Full"))
    assert names(root_client.get("/policies?used=policy")) == ["Readers"]
    assert names(root_client.get("/policies?used=boundary")) == ["Boundary"]
    used = root_client.get("/policies?type=customer").content.decode()
    assert "Permissions policy (1)" in used and "Permissions boundary (1)" in used
    assert names(root_client.get("/policies?type=customer&sort=-name")) == ["Readers", "Boundary"]


def test_the_list_answers_its_partial_to_htmx(root_client, account):
    managed_policy(account, "Readers", GOOD)
    response = root_client.get("/policies?type=customer", **HTMX)
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="policy-table"')
    assert "<html" not in body
    assert names(response) == ["Readers"]


def test_the_list_as_a_reader_and_as_nobody(reader_client, account, client):
    response = reader_client.get("/policies?type=job&q=ReadOnlyAccess")
    assert response.status_code == 200
    assert "ReadOnlyAccess" in names(response)
    assert 'class="button primary disabled"' in response.content.decode()  # no iam:CreatePolicy

    signed_in(client, iam_user(account, "nobody"))
    denied = client.get("/policies")
    assert denied.status_code == 403
    assert '<code class="missing-action">iam:ListPolicies</code>' in denied.content.decode()


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    response = client.get("/policies/create")
    assert response.status_code == 302
    assert response["Location"].startswith("/signin?next=/policies/create")


# --- the editor -----------------------------------------------------------------------------------------------------


def test_the_editor_validates_as_the_user_types(root_client):
    response = root_client.post(
        "/policies/editor/validate",
        {"policy_document": BAD, "editor_kind": "managed", "editor_field": "policy_document"},
        **HTMX,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-blocking="true"' in body
    assert 'data-line="4"' in body
    assert "Invalid action" in body
    assert "s3:GetObjekt" in body
    found = re.search(r'<script id="editor-policy_document-data" type="application/json">(.*?)</script>', body)
    assert found is not None
    data = json.loads(found.group(1))
    assert data[0]["type"] == "ERROR" and data[0]["line"] == 4

    fixed = root_client.post(
        "/policies/editor/validate", {"policy_document": GOOD, "editor_kind": "managed"}, **HTMX
    ).content.decode()
    assert 'data-blocking="false"' in fixed
    assert "<strong>Allow</strong>" in fixed and "<code>s3:GetObject</code>" in fixed  # the statement in words


def test_the_editor_in_trust_mode_needs_a_principal_and_refuses_resource(root_client):
    trust = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}
    )
    body = root_client.post(
        "/policies/editor/validate",
        {"assume_role_policy_document": trust, "editor_kind": "trust", "editor_field": "assume_role_policy_document"},
    ).content.decode()
    assert 'data-blocking="true"' in body
    assert "Add a Principal element to the policy statement." in body
    assert "Role trust policies apply to the role that they are attached to." in body
    # The same document as a permissions policy has neither finding.
    managed = root_client.post("/policies/editor/validate", {"policy_document": trust}).content.decode()
    assert "Add a Principal element" not in managed and "Role trust policies" not in managed
    assert 'id="editor-assume_role_policy_document-data"' in body


def test_the_editor_counts_characters_without_whitespace_and_blocks_above_the_limit(root_client):
    resources = [f"arn:aws:s3:::bucket-{n}/*" for n in range(300)]
    statement = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": resources}
    big = json.dumps({"Version": "2012-10-17", "Statement": [statement]}, indent=4)
    body = root_client.post("/policies/editor/validate", {"policy_document": big}).content.decode()
    assert 'data-blocking="true"' in body
    size = len(big.replace(" ", "").replace("\n", ""))
    assert f"The policy has {size:,} characters without whitespace, more than the 6,144 allowed." in body


def test_the_editor_refuses_unknown_kinds(root_client):
    response = root_client.post("/policies/editor/validate", {"policy_document": GOOD, "editor_kind": "nope"})
    assert response.status_code == 400


def test_without_validate_policy_the_editor_says_so_and_does_not_block(nobody_client):
    body = nobody_client.post("/policies/editor/validate", {"policy_document": BAD}).content.decode()
    assert "access-analyzer:ValidatePolicy" in body
    assert 'data-blocking="false"' in body


# --- create ---------------------------------------------------------------------------------------------------------


def test_create_shows_the_editor_and_creates_the_policy(root_client, account):
    response = root_client.get("/policies/create")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    page = response.content.decode()
    assert "data-policy-editor" in page and "codemirror.js" in page and "data-policy-save" in page
    assert "<script>" not in page  # strict CSP: no inline script

    response = root_client.post(
        "/policies/create",
        {"policy_document": GOOD, "policy_name": "Readers", "description": "Reads", "tags": "team=blue\nenv = prod"},
    )
    policy = ManagedPolicy.objects.get(account=account.model, name="Readers")
    assert response.status_code == 302
    assert response["Location"] == f"/policies/{policy.policy_id}"
    assert "Policy Readers created." in root_client.get(response["Location"]).content.decode()
    assert policy.description == "Reads" and policy.tags == {"team": "blue", "env": "prod"}


def test_create_refuses_documents_with_errors_and_shows_aws_errors(root_client, account):
    response = root_client.post("/policies/create", {"policy_document": BAD, "policy_name": "Broken"})
    assert response.status_code == 400
    assert "fix them before saving" in response.content.decode()
    assert not ManagedPolicy.objects.filter(name="Broken").exists()

    managed_policy(account, "Taken", GOOD)
    taken = root_client.post("/policies/create", {"policy_document": GOOD, "policy_name": "taken"})
    assert taken.status_code == 409
    assert "A policy called taken already exists. Duplicate names are not allowed." in taken.content.decode()

    bad_tags = root_client.post("/policies/create", {"policy_document": GOOD, "policy_name": "T", "tags": "novalue"})
    assert bad_tags.status_code == 400
    assert "Line 1: write each tag as key=value." in bad_tags.content.decode()


def test_create_is_denied_to_a_reader(reader_client):
    page = reader_client.get("/policies/create").content.decode()
    assert 'disabled title="You need the permission iam:CreatePolicy"' in page
    response = reader_client.post("/policies/create", {"policy_document": GOOD, "policy_name": "Mine"})
    assert response.status_code == 403
    assert '<code class="missing-action">iam:CreatePolicy</code>' in response.content.decode()
    assert not ManagedPolicy.objects.filter(name="Mine").exists()


# --- detail ---------------------------------------------------------------------------------------------------------


def test_the_detail_page_shows_the_policy(root_client, account):
    policy = managed_policy(account, "Readers", GOOD, description="Reads objects", tags={"team": "blue"})
    body = root_client.get(f"/policies/{policy.policy_id}").content.decode()
    assert policy.arn in body and "Reads objects" in body and "Customer managed" in body
    assert "<code>s3:GetObject</code>" in body  # the summary
    assert '<pre class="numbered" aria-label="Policy document"><code><span>{</span>' in body  # numbered JSON
    assert "Save new version" in body and 'id="delete"' in body


def test_the_detail_page_of_an_aws_managed_policy_is_read_only(reader_client):
    policy = ManagedPolicy.objects.get(name="ReadOnlyAccess", account=None)
    response = reader_client.get(f"/policies/{policy.policy_id}")
    body = response.content.decode()
    assert response.status_code == 200
    assert "AWS managed – job function" in body
    assert "cannot be edited or deleted" in body
    assert "Save new version" not in body
    assert "reader" in body  # attached to the reader


def test_an_arn_in_the_url_leads_to_the_policy_id(root_client, account):
    policy = managed_policy(account, "Readers", GOOD)
    response = root_client.get(f"/policies/{policy.arn}")
    assert response.status_code == 302
    assert response["Location"] == f"/policies/{policy.policy_id}"


def test_an_unknown_policy_id_is_not_found(root_client):
    response = root_client.get("/policies/ANPANOTAPOLICY0000000")
    assert response.status_code == 404
    assert "NoSuchEntity" in response.content.decode()


def test_the_detail_page_is_denied_to_nobody(account, nobody_client):
    policy = managed_policy(account, "Readers", GOOD)
    response = nobody_client.get(f"/policies/{policy.policy_id}")
    assert response.status_code == 403
    assert '<code class="missing-action">iam:GetPolicy</code>' in response.content.decode()


def test_versions_create_compare_set_default_delete_and_the_limit(root_client, account):
    policy = managed_policy(account, "Readers", GOOD)
    url = f"/policies/{policy.policy_id}"
    v2 = GOOD.replace("s3:GetObject", "s3:PutObject")
    response = root_client.post(f"{url}/versions", {"policy_document": v2})
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.default_version_id == "v1"  # the box left unticked

    diff = root_client.get(f"{url}/versions/compare?left=v1&right=v2").content.decode()
    assert 'class="line left removed"><code>' in diff and "s3:GetObject" in diff and "s3:PutObject" in diff
    assert "1 line differs." in diff
    partial = root_client.get(f"{url}/versions/compare?left=v2&right=v1", **HTMX).content.decode()
    assert partial.lstrip().startswith('<section class="card wide" id="diff">')

    assert root_client.post(f"{url}/versions/v2/default").status_code == 302
    policy.refresh_from_db()
    assert policy.default_version_id == "v2"
    assert root_client.post(f"{url}/versions/v1/delete").status_code == 302
    for action in ("GetObjectAcl", "GetObjectTagging", "GetBucketAcl", "ListBucket"):
        text = GOOD.replace("GetObject", action)
        assert root_client.post(f"{url}/versions", {"policy_document": text, "set_as_default": "on"}).status_code == 302
    policy.refresh_from_db()
    assert policy.default_version_id == "v6" and policy.versions.count() == 5
    page = root_client.get(url).content.decode()
    assert "the most AWS allows" in page
    limit = root_client.post(f"{url}/versions", {"policy_document": GOOD})
    assert limit.status_code == 409
    assert "LimitExceeded" in limit.content.decode()

    bad = root_client.post(f"{url}/versions", {"policy_document": BAD})
    assert bad.status_code == 400 and "fix them before saving" in bad.content.decode()


def test_attach_and_detach_and_what_blocks_delete(root_client, account):
    policy = managed_policy(account, "Readers", GOOD)
    factories.user(account, "alice")
    factories.group(account, "team")
    url = f"/policies/{policy.policy_id}"
    page = root_client.get(url).content.decode()
    assert '<option value="user:alice">alice</option>' in page and '<option value="group:team">team</option>' in page

    assert root_client.post(f"{url}/attach", {"entity": "user:alice"}).status_code == 302
    assert root_client.post(f"{url}/attach", {"entity": "group:team"}).status_code == 302
    page = root_client.get(url).content.decode()
    assert '<input type="hidden" name="entity" value="user:alice">' in page
    assert "<li>Detach it from user alice</li>" in page and "<li>Detach it from user group team</li>" in page

    wrong = root_client.post(f"{url}/delete", {"confirm": "nope"})
    assert wrong.status_code == 400 and "does not match" in wrong.content.decode()

    assert root_client.post(f"{url}/detach", {"entity": "user:alice"}).status_code == 302
    assert root_client.post(f"{url}/detach", {"entity": "group:team"}).status_code == 302
    assert root_client.post(f"{url}/attach", {"entity": "dog:rex"}).status_code == 400
    _assert_deleted(root_client, url, policy, {"confirm": "Readers"})


def test_writes_are_denied_to_a_reader_and_audited(reader_client, account):
    policy = managed_policy(account, "Readers", GOOD)
    factories.user(account, "alice")
    url = f"/policies/{policy.policy_id}"
    page = reader_client.get(url).content.decode()
    assert 'disabled title="You need iam:CreatePolicyVersion"' in page
    assert 'disabled title="You need iam:DeletePolicy"' in page
    assert "alice (not allowed)" in page

    for path, data, action in [
        (f"{url}/versions", {"policy_document": GOOD}, "iam:CreatePolicyVersion"),
        (f"{url}/attach", {"entity": "user:alice"}, "iam:AttachUserPolicy"),
        (f"{url}/delete", {"confirm": "Readers"}, "iam:DeletePolicy"),
        (f"{url}/versions/v1/default", {}, "iam:SetDefaultPolicyVersion"),
    ]:
        response = reader_client.post(path, data)
        assert response.status_code == 403, path
        assert f'<code class="missing-action">{action}</code>' in response.content.decode()
    assert AuditEvent.objects.filter(event_name="DeletePolicy", outcome="denied").exists()


def test_writes_need_the_csrf_token(account):
    client = signed_in(Client(enforce_csrf_checks=True), account.root)
    policy = managed_policy(account, "Readers", GOOD)
    assert client.post(f"/policies/{policy.policy_id}/delete", {"confirm": "Readers"}).status_code == 403
    assert client.post("/policies/editor/validate", {"policy_document": GOOD}).status_code == 403
    assert ManagedPolicy.objects.filter(pk=policy.pk).exists()


# --- the simulator --------------------------------------------------------------------------------------------------


def test_the_simulator_runs_a_principals_policies(root_client, account):
    iam_user(account, "alice", allow("s3:GetObject"), deny("s3:DeleteObject"))
    page = root_client.get("/policies/simulator").content.decode()
    assert '<option value="user:alice">alice</option>' in page
    response = root_client.post(
        "/policies/simulator",
        {"mode": "principal", "principal": "user:alice", "action_names": "s3:GetObject\ns3:DeleteObject\ns3:PutObject"},
        **HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="simulation">')
    decisions = re.findall(r'data-decision="(\w+)"', body)
    assert decisions == ["allowed", "explicitDeny", "implicitDeny"]
    assert "No statement applies" in body
    # The user's inline policy (read with GetUserPolicy), its deciding line marked and linked.
    assert 'href="#source-1-L1"' in body
    assert '<tr id="source-1-L1" class="matched">' in body


def test_the_simulator_runs_pasted_policies_and_marks_the_deciding_lines(root_client):
    policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
                {
                    "Effect": "Deny",
                    "Action": "s3:DeleteObject",
                    "Resource": "*",
                    "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}},
                },
            ],
        },
        indent=2,
    )
    response = root_client.post(
        "/policies/simulator",
        {
            "mode": "custom",
            "policy_input_list": policy,
            "action_names": "s3:GetObject\ns3:DeleteObject",
            "resource_arns": "arn:aws:s3:::bucket/key",
            "context_entries": "aws:MultiFactorAuthPresent[boolean]=false",
        },
    )
    body = response.content.decode()
    assert re.findall(r'data-decision="(\w+)"', body) == ["allowed", "explicitDeny"]
    assert 'href="#policy-1-L' in body
    assert 'class="matched"' in body and 'id="policy-1-L1"' in body
    # The deny statement is marked from its opening brace to its closing one, and nothing outside it.
    deny_start = next(n for n, line in enumerate(policy.splitlines(), 1) if '"Deny"' in line) - 1
    row = f'<tr id="policy-1-L{deny_start}" class="matched"><td class="line-number">{deny_start}</td>'
    assert row + '<td class="line"><code>    <mark>{</mark></code>' in body
    # Lines outside every deciding statement are not marked ("Statement": [ on line 3).
    assert '<tr id="policy-1-L3"><td' in body


def test_the_simulator_shows_errors_in_its_form(root_client, nobody_client):
    params = {"mode": "custom", "policy_input_list": "{", "action_names": "s3:GetObject"}
    response = root_client.post("/policies/simulator", params)
    assert response.status_code == 400
    assert "PolicyInputList.1" in response.content.decode()
    missing = root_client.post("/policies/simulator", {"mode": "principal", "action_names": ""})
    assert missing.status_code == 400 and "Choose at least one action." in missing.content.decode()

    denied = nobody_client.post(
        "/policies/simulator", {"mode": "custom", "policy_input_list": GOOD, "action_names": "s3:GetObject"}
    )
    assert denied.status_code == 403
    assert '<code class="missing-action">iam:SimulateCustomPolicy</code>' in denied.content.decode()


def test_the_action_search_answers_catalogue_actions(root_client):
    body = root_client.get("/policies/simulator/actions?q=getobjectacl").content.decode()
    assert 'data-add-action="s3:GetObjectAcl"' in body
    # Actions named exactly (GetObject of S3 and of the other services that have one) come first, before the many
    # that merely contain the text.
    found = re.findall(
        r'data-add-action="[^:"]+:([^"]+)"', root_client.get("/policies/simulator/actions?q=getobject").text
    )
    exact = [name for name in found if name == "GetObject"]
    assert len(exact) >= 2 and found[: len(exact)] == exact and len(found) > len(exact)
    assert 'data-add-action="s3:GetObject"' in root_client.get("/policies/simulator/actions?q=s3:getobject").text
    wildcard = root_client.get("/policies/simulator/actions?q=iam:*role").content.decode()
    assert 'data-add-action="iam:CreateRole"' in wildcard
    assert "No action matches" in root_client.get("/policies/simulator/actions?q=zzzzqq").content.decode()


def test_the_editor_takes_a_lower_limit_but_never_a_higher_one(root_client):
    def post(limit: str) -> str:
        data = {"policy_document": GOOD, "editor_kind": "inline-user", "editor_limit": limit}
        return root_client.post("/policies/editor/validate", data).content.decode()

    size = len(GOOD.replace(" ", "").replace("\n", ""))
    assert 'data-blocking="true"' in post(str(size - 1))  # what is left of the user's inline budget
    assert f"more than the {size - 1:,} allowed" in post(str(size - 1))
    assert 'data-blocking="false"' in post("999999")
    assert "more than" not in post("999999")
    huge = json.dumps(
        {"Version": "2012-10-17", "Statement": [allow("s3:GetObject", [f"arn:aws:s3:::b{n}" for n in range(200)])]}
    )
    data = {"policy_document": huge, "editor_kind": "inline-user", "editor_limit": "999999"}
    assert "more than the 2,048 allowed" in root_client.post("/policies/editor/validate", data).content.decode()


def test_odd_input_gets_a_clear_error_never_a_500(root_client, account):
    policy = managed_policy(account, "Readers", GOOD)
    url = f"/policies/{policy.policy_id}"
    cases = [
        ("post", f"{url}/versions/v%3Cb%3E/default", {}, 400, "ValidationError"),
        ("post", f"{url}/versions/v9/delete", {}, 404, "NoSuchEntity"),
        ("get", f"{url}/versions/compare?left=v1&right=v7", None, 404, "NoSuchEntity"),
        ("get", "/policies/arn:aws:s3:::not-a-policy", None, 400, "InvalidInput"),
        ("get", "/policies/%3Cscript%3E", None, 404, "NoSuchEntity"),
        ("post", f"{url}/attach", {"entity": "user:ghost"}, 404, "NoSuchEntity"),
        ("post", f"{url}/versions", {}, 400, "Enter a policy document."),
        (
            "post",
            "/policies/simulator",
            {
                "mode": "custom",
                "policy_input_list": GOOD,
                "action_names": "s3:GetObject",
                "context_entries": "aws:x[weird]=1",
            },
            400,
            "ContextEntries.member.1.ContextKeyType must be one of",
        ),
        (
            "post",
            "/policies/simulator",
            {"mode": "principal", "principal": "user:ghost", "action_names": "a:b"},
            400,
            "",
        ),
        ("post", "/policies/simulator", {"mode": "other", "action_names": "s3:GetObject"}, 400, ""),
    ]
    for method, path, data, status, text in cases:
        response = getattr(root_client, method)(path, data) if data is not None else root_client.get(path)
        assert response.status_code == status, (path, response.status_code)
        assert text in response.content.decode(), path
    assert "<script>" not in root_client.get("/policies/%3Cscript%3E").content.decode()


def test_set_and_remove_a_permissions_boundary(root_client, account):
    policy = managed_policy(account, "Boundary", GOOD)
    factories.user(account, "alice")
    url = f"/policies/{policy.policy_id}"
    page = root_client.get(url).content.decode()
    assert 'id="id_boundary_entity"' in page and '<option value="user:alice">alice</option>' in page

    assert root_client.post(f"{url}/boundary", {"entity": "user:alice"}).status_code == 302
    page = root_client.get(url).content.decode()
    assert "Policy Boundary is now the permissions boundary of user alice." in page
    assert "It is the permissions boundary of 1 user(s) or role(s)" in page
    assert operations.run(account.root, "GetUser", {"user_name": "alice"}).permissions_boundary_id == policy.pk

    assert root_client.post(f"{url}/boundary", {"entity": "group:team"}).status_code == 400  # groups have none
    other = managed_policy(account, "Other", GOOD)
    refused = root_client.post(f"/policies/{other.policy_id}/boundary/remove", {"entity": "user:alice"})
    assert refused.status_code == 400
    assert "The user alice does not have Other as its permissions boundary." in refused.content.decode()
    assert root_client.post(f"{url}/boundary/remove", {"entity": "user:alice"}).status_code == 302
    assert operations.run(account.root, "GetUser", {"user_name": "alice"}).permissions_boundary_id is None


def test_tags_are_added_changed_and_removed(root_client, account, aws_managed_policies):
    policy = managed_policy(account, "Readers", GOOD, tags={"team": "blue"})
    url = f"/policies/{policy.policy_id}"
    assert root_client.post(f"{url}/tags", {"key": "env", "value": "prod"}).status_code == 302
    assert root_client.post(f"{url}/tags", {"key": "team", "value": "red"}).status_code == 302
    policy.refresh_from_db()
    assert policy.tags == {"team": "red", "env": "prod"}
    refused = root_client.post(f"{url}/tags", {"key": "aws:owner", "value": "x"})
    assert refused.status_code == 400 and "aws:" in refused.content.decode()
    assert root_client.post(f"{url}/tags/remove", {"key": "team"}).status_code == 302
    policy.refresh_from_db()
    assert policy.tags == {"env": "prod"}
    page = root_client.get(url).content.decode()
    assert '<td class="mono">env</td><td class="mono">prod</td>' in page

    reader_client = signed_in(Client(), read_only_user(account))
    denied = reader_client.post(f"{url}/tags", {"key": "x", "value": "y"})
    assert denied.status_code == 403 and "iam:TagPolicy" in denied.content.decode()
    assert 'disabled title="You need iam:UntagPolicy"' in reader_client.get(url).content.decode()


def test_a_reader_compares_simulates_and_validates_but_nobody_else_does(reader_client, account):
    policy = managed_policy(account, "Readers", GOOD)
    operations.run(
        account.root,
        "CreatePolicyVersion",
        {"policy_arn": policy.arn, "policy_document": GOOD.replace("GetObject", "PutObject")},
    )
    compare = f"/policies/{policy.policy_id}/versions/compare"
    assert "1 line differs." in reader_client.get(compare).content.decode()
    simulated = reader_client.post(
        "/policies/simulator", {"mode": "principal", "principal": "user:reader", "action_names": "iam:ListUsers"}
    )
    assert re.findall(r'data-decision="(\w+)"', simulated.content.decode()) == ["allowed"]
    assert 'data-line="' in reader_client.post("/policies/editor/validate", {"policy_document": BAD}).content.decode()
    create = reader_client.get("/policies/create")
    assert (
        create.status_code == 200 and "You need the permission <code>iam:CreatePolicy</code>" in create.content.decode()
    )

    nobody = signed_in(Client(), iam_user(account, "nobody"))
    denied = nobody.get(compare)
    assert denied.status_code == 403 and "iam:GetPolicy" in denied.content.decode()
    page = nobody.get("/policies/simulator").content.decode()
    assert "(needs iam:SimulatePrincipalPolicy)" in page and "(needs iam:SimulateCustomPolicy)" in page
    assert 'disabled title="You need iam:SimulatePrincipalPolicy or iam:SimulateCustomPolicy"' in page
    assert nobody.get("/policies/create").status_code == 200


def test_the_import_search_and_document(root_client, account, nobody_client):
    policy = managed_policy(account, "QueueWriters", GOOD)
    found = root_client.get("/policies/editor/import?q=queue").content.decode()
    assert f'hx-get="/policies/editor/import/{policy.policy_id}"' in found
    assert "No policy matches" in root_client.get("/policies/editor/import?q=zzzz").content.decode()
    body = root_client.get(f"/policies/editor/import/{policy.policy_id}").content.decode()
    found_json = re.search(r'<script id="import-document" type="application/json">(.*?)</script>', body)
    assert found_json is not None and json.loads(json.loads(found_json.group(1))) == json.loads(GOOD)

    assert "iam:ListPolicies" in nobody_client.get("/policies/editor/import?q=queue").content.decode()
    denied = nobody_client.get(f"/policies/editor/import/{policy.policy_id}").content.decode()
    assert "iam:GetPolicy" in denied and "<script" not in denied


def test_the_policy_page_summarizes_permissions_by_service(root_client, account):
    text = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"},
                {"Effect": "Allow", "Action": "sqs:*", "Resource": "arn:aws:sqs:us-east-1:111122223333:q"},
                {
                    "Effect": "Deny",
                    "Action": "s3:DeleteBucket",
                    "Resource": "*",
                    "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}},
                },
            ],
        }
    )
    policy = managed_policy(account, "Mixed", text)
    body = root_client.get(f"/policies/{policy.policy_id}").content.decode()
    rows = re.findall(
        r"<tr>\s*<td>([^<]+) <span class=\"muted mono\">(\w+)</span></td>\s*"
        r"<td class=\"effect-\w+\"><strong>(\w+)</strong></td>\s*<td>([^<]+)</td>",
        body,
    )
    assert ("Amazon S3", "s3", "Allow", "Full: List; Limited: Read") in [(a.strip(), b, c, d) for a, b, c, d in rows]
    assert any(prefix == "sqs" and access == "Full access" for _, prefix, _, access in rows)
    assert any(prefix == "s3" and effect == "Deny" and access == "Limited: Write" for _, prefix, effect, access in rows)
    assert "Bool aws:MultiFactorAuthPresent" in body


# --- the list's Actions menu ----------------------------------------------------------------------------------------


def radio(body: str, policy: Any) -> str:
    """The list row's radio for ``policy``, with the flags the Actions menu follows."""
    match = re.search(rf'<input type="radio" name="policy_id" value="{policy.policy_id}"[^>]*>', body)
    assert match, policy.name
    return match.group(0)


def test_the_list_actions_lead_to_attach_detach_and_a_typed_delete(root_client, account):
    policy = managed_policy(account, "Readers", GOOD)
    body = root_client.get("/policies?type=customer").content.decode()
    row = radio(body, policy)
    assert 'data-attach="1"' in row and 'data-detach="1"' in row and 'data-delete="1"' in row
    assert re.search(r'<button type="submit" name="action" value="delete"[^>]*>Delete</button>', body)
    assert 'action="/policies/action"' in body

    url = f"/policies/{policy.policy_id}"
    attach = root_client.get("/policies/action", {"policy_id": policy.policy_id, "action": "attach"})
    assert attach.status_code == 302 and attach["Location"] == f"{url}#attach-entity"
    assert 'id="attach-entity"' in root_client.get(url).content.decode()
    detach = root_client.get("/policies/action", {"policy_id": policy.policy_id, "action": "detach"})
    assert detach["Location"] == f"{url}#attached-entities"
    nothing = root_client.get("/policies/action", {"action": "delete"}, follow=True)
    assert "Select a policy, then choose Attach, Detach or Delete." in nothing.content.decode()

    delete = root_client.get("/policies/action", {"policy_id": policy.policy_id, "action": "delete"})
    assert delete["Location"] == f"{url}/delete"
    dialog = root_client.get(f"{url}/delete").content.decode()
    assert "Delete Readers?" in dialog and 'data-confirm-text="Readers"' in dialog
    assert '<input type="hidden" name="from" value="list">' in dialog

    mistyped = root_client.post(f"{url}/delete", {"confirm": "readers", "from": "list"})
    assert mistyped.status_code == 400
    assert "does not match the policy name" in mistyped.content.decode()
    assert "Delete Readers?" in mistyped.content.decode()  # the dialog again, not the policy page
    assert ManagedPolicy.objects.filter(pk=policy.pk).exists()

    _assert_deleted(root_client, url, policy, {"confirm": "Readers", "from": "list"})


def inside(pattern: str, body: str) -> str:
    """The text ``pattern``'s group captures in ``body``."""
    found = re.search(pattern, body, re.S)
    assert found is not None, pattern
    return found.group(1)


def test_the_list_delete_detaches_and_deletes_the_other_versions_first_each_as_its_operation(root_client, account):
    policy = managed_policy(account, "Readers", GOOD)
    operations.run(account.root, "CreateUser", {"user_name": "alice"})
    operations.run(account.root, "CreateGroup", {"group_name": "team"})
    role(account, "deployer")
    operations.run(account.root, "AttachUserPolicy", {"user_name": "alice", "policy_arn": policy.arn})
    operations.run(account.root, "AttachGroupPolicy", {"group_name": "team", "policy_arn": policy.arn})
    operations.run(account.root, "AttachRolePolicy", {"role_name": "deployer", "policy_arn": policy.arn})
    operations.run(account.root, "CreatePolicyVersion", {"policy_arn": policy.arn, "policy_document": GOOD})
    operations.run(
        account.root,
        "CreatePolicyVersion",
        {"policy_arn": policy.arn, "policy_document": GOOD, "set_as_default": True},
    )
    url = f"/policies/{policy.policy_id}/delete"
    dialog = root_client.get(url).content.decode()
    steps = inside(r'<div class="alert warning" id="delete-steps">(.*?)</div>', dialog)
    assert re.findall(r"<li>([^<]+)</li>", steps) == [
        "Detach it from user alice",
        "Detach it from user group team",
        "Detach it from role deployer",
        "Delete version v2",
        "Delete version v1",
    ]
    assert "data-confirm-submit" in dialog
    mistyped = root_client.post(url, {"confirm": "readers", "from": "list"})
    assert mistyped.status_code == 400 and ManagedPolicy.objects.filter(pk=policy.pk).exists()

    deleted = root_client.post(url, {"confirm": "Readers", "from": "list"})
    assert deleted.status_code == 302 and deleted["Location"] == "/policies"
    assert not ManagedPolicy.objects.filter(pk=policy.pk).exists()
    events = AuditEvent.objects.filter(account_id_value=account.account_id, outcome="success").order_by("pk")
    written = [event.event_name for event in events if event.event_name.startswith(("Detach", "Delete"))]
    assert written == [
        "DetachUserPolicy",
        "DetachGroupPolicy",
        "DetachRolePolicy",
        "DeletePolicyVersion",
        "DeletePolicyVersion",
        "DeletePolicy",
    ]


def test_a_denied_step_stops_the_deletion_and_says_what_was_done(account):
    policy = managed_policy(account, "Readers", GOOD)
    operations.run(account.root, "CreateUser", {"user_name": "alice"})
    role(account, "deployer")
    operations.run(account.root, "AttachUserPolicy", {"user_name": "alice", "policy_arn": policy.arn})
    operations.run(account.root, "AttachRolePolicy", {"role_name": "deployer", "policy_arn": policy.arn})
    admin = iam_user(
        account,
        "admin",
        allow(["iam:Get*", "iam:List*", "iam:DetachUserPolicy", "iam:DeletePolicy", "iam:DeletePolicyVersion"]),
    )
    client = signed_in(Client(), admin)
    url = f"/policies/{policy.policy_id}/delete"
    stopped = client.post(url, {"confirm": "Readers", "from": "list"})
    assert stopped.status_code == 403
    body = stopped.content.decode()
    assert '<code class="missing-action">iam:DetachRolePolicy</code>' in body
    assert "the deletion stopped when it tried to detach it from role deployer (AccessDenied)" in body
    done = inside(r'<ul class="steps-done">(.*?)</ul>', body)
    pending = inside(r'<ul class="steps-pending">(.*?)</ul>', body)
    assert re.findall(r"<li>([^<]+)</li>", done) == ["Detach it from user alice"]
    assert re.findall(r"<li>([^<]+)</li>", pending) == ["Detach it from role deployer", "Delete the policy Readers"]
    assert ManagedPolicy.objects.filter(pk=policy.pk).exists()
    assert list(PolicyAttachment.objects.filter(policy=policy).values_list("role__name", flat=True)) == ["deployer"]


def test_a_policy_used_as_a_boundary_is_not_deleted_until_the_boundary_is_removed(root_client, account):
    policy = managed_policy(account, "Fence", GOOD)
    operations.run(account.root, "CreateUser", {"user_name": "alice"})
    operations.run(
        account.root, "PutUserPermissionsBoundary", {"user_name": "alice", "permissions_boundary": policy.arn}
    )
    url = f"/policies/{policy.policy_id}/delete"
    dialog = root_client.get(url).content.decode()
    assert "It is the permissions boundary of 1 user(s) or role(s)" in dialog
    assert 'disabled title="Resolve what blocks the deletion first"' in dialog
    conflict = root_client.post(url, {"confirm": "Fence", "from": "list"})
    assert conflict.status_code == 409
    body = conflict.content.decode()
    assert "DeleteConflict" in body and "Delete Fence?" in body
    assert ManagedPolicy.objects.filter(pk=policy.pk).exists()


def test_an_aws_managed_policy_cannot_be_deleted_from_the_list(root_client, account, aws_managed_policies):
    readonly = ManagedPolicy.objects.get(account=None, name="ReadOnlyAccess")
    row = radio(root_client.get("/policies?type=job&q=ReadOnlyAccess").content.decode(), readonly)
    assert 'data-delete=""' in row and 'data-delete-reason="AWS managed policies cannot be deleted."' in row
    assert 'data-attach="1"' in row
    # Only AWS managed policies on the page: Delete is disabled even without script.
    body = root_client.get("/policies?type=aws&q=AmazonS3Full").content.decode()
    assert re.search(r'value="delete"[^>]* disabled title="Only customer managed policies can be deleted', body)

    url = f"/policies/{readonly.policy_id}/delete"
    dialog = root_client.get(url).content.decode()
    assert 'id="delete-refused"' in dialog and "data-confirm-submit" not in dialog
    refused = root_client.post(url, {"confirm": "ReadOnlyAccess", "from": "list"})
    assert 400 <= refused.status_code < 500
    assert ManagedPolicy.objects.filter(pk=readonly.pk).exists()


def test_the_list_actions_are_disabled_and_refused_without_the_permission(reader_client, account):
    policy = managed_policy(account, "Readers", GOOD)
    body = reader_client.get("/policies?type=customer").content.decode()
    row = radio(body, policy)
    assert 'data-attach=""' in row and 'data-detach=""' in row and 'data-delete=""' in row
    for action in ("attach", "detach", "delete"):
        assert re.search(rf'value="{action}"[^>]* disabled title="[^"]+"', body), action

    for action, needed in (("attach", "iam:AttachUserPolicy"), ("detach", "iam:DetachUserPolicy")):
        refused = reader_client.get("/policies/action", {"policy_id": policy.policy_id, "action": action}, follow=True)
        assert refused.redirect_chain == [("/policies", 302)]
        assert f"Readers: You need {needed}" in refused.content.decode()
    ghost = reader_client.get("/policies/action", {"policy_id": "ANPAGHOST", "action": "attach"})
    assert ghost.status_code == 404 and "NoSuchEntity" in ghost.content.decode()

    url = f"/policies/{policy.policy_id}/delete"
    dialog = reader_client.get(url).content.decode()
    assert 'disabled title="You need iam:DeletePolicy"' in dialog and "You need iam:DeletePolicy." in dialog
    denied = reader_client.post(url, {"confirm": "Readers", "from": "list"})
    assert denied.status_code == 403
    assert '<code class="missing-action">iam:DeletePolicy</code>' in denied.content.decode()
    assert ManagedPolicy.objects.filter(pk=policy.pk).exists()


def test_the_actions_menu_asks_attach_and_detach_once_per_page(reader_client, account, django_assert_max_num_queries):
    # A page of 25 AWS managed rows: Attach and Detach are asked of one policy, Delete of none (AWS managed).
    with django_assert_max_num_queries(80):
        response = reader_client.get("/policies?type=aws")
    assert response.status_code == 200 and len(names(response)) == 25
