"""The access analysis endpoints over real HTTP, signed with SigV4: ``GET /api/v1/unused-permissions/`` and
``GET /api/v1/allowed-principals/``."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from tests import factories
from tests.api_client import Api, signed
from tests.factories import allow, document

pytestmark = pytest.mark.django_db(transaction=True)


def test_unused_permissions_over_rest(live_server, account):
    factories.user(account, "dev")
    factories.put_user_policy(account, "dev", document(allow("iam:*")), policy_name="all-iam")
    dev = Api(live_server.url, key=factories.access_key(account, "dev"))
    dev_arn = f"arn:aws:iam::{account.account_id}:user/dev"
    query_arn = quote(dev_arn, safe="")  # percent-encoded, as SigV4 clients encode query values
    assert dev.get("/api/v1/users/")[0] == 200  # ListUsers, now in the audit trail

    root_api = signed(live_server.url, account)
    status, body, _ = root_api.get(f"/api/v1/unused-permissions/?arn={query_arn}&days=30")
    assert status == 200, body
    assert body["arn"] == dev_arn and body["days"] == 30
    assert "iam:ListUsers" in body["used_actions"]
    assert "iam:DeleteRole" in body["unused_actions"]
    statement = json.loads(body["suggested_policy"])["Statement"][0]
    assert statement["Action"] == "iam:ListUsers"
    assert [finding for finding in body["findings"] if finding["type"] == "ERROR"] == []

    status, body, _ = root_api.get(f"/api/v1/unused-permissions/?arn={query_arn}&days=0")
    assert (status, body["code"], body["field"]) == (400, "ValidationError", "days")
    ghost = quote(dev_arn.replace("/dev", "/ghost"), safe="")
    status, body, _ = root_api.get(f"/api/v1/unused-permissions/?arn={ghost}")
    assert (status, body["code"]) == (404, "NoSuchEntity")
    status, body, _ = root_api.get("/api/v1/unused-permissions/")
    assert status == 400 and body["field"] == "arn"

    factories.user(account, "nobody")
    nobody = Api(live_server.url, key=factories.access_key(account, "nobody"))
    status, body, _ = nobody.get(f"/api/v1/unused-permissions/?arn={query_arn}")
    assert (status, body["code"]) == (403, "AccessDenied")
    assert "iamconsole:GetUnusedPermissions" in body["message"]


def test_who_can_over_rest(live_server, account):
    factories.user(account, "office")
    in_office = allow("s3:GetObject", Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})
    factories.put_user_policy(account, "office", document(in_office), policy_name="ip")
    root_api = signed(live_server.url, account)
    inside = quote(json.dumps({"aws:SourceIp": "203.0.113.9"}), safe="")
    status, body, _ = root_api.get(f"/api/v1/allowed-principals/?action_name=s3%3AGetObject&context_keys={inside}")
    assert status == 200, body
    assert body["evaluated"] == 1
    assert body["principals"] == [
        {
            "type": "USER",
            "name": "office",
            "arn": f"arn:aws:iam::{account.account_id}:user/office",
            "allowed_by": ["ip"],
        }
    ]
    outside = quote(json.dumps({"aws:SourceIp": "198.51.100.1"}), safe="")
    status, body, _ = root_api.get(f"/api/v1/allowed-principals/?action_name=s3%3AGetObject&context_keys={outside}")
    assert (status, body["principals"]) == (200, [])
    status, body, _ = root_api.get("/api/v1/allowed-principals/?action_name=s3%3AGet%2A")
    assert (status, body["code"], body["field"]) == (400, "InvalidInput", "action_name")
