"""The users endpoints beyond ListUsers and GetUser, over real HTTP with SigV4: create, update, delete, and each
sub-resource (access keys, login profile, MFA devices, groups, managed and inline policies, tags, boundary)."""

from __future__ import annotations

import json

import pytest

from iamconsole import operations
from tests import factories
from tests.api_client import ALLOW_S3, Api, names, policy
from tests.faces.conftest import access_key, iam_user
from tests.identities.policy_factory import allow


@pytest.fixture
def bob(account):
    factories.user(account, "bob")
    return "bob"


def managed_policy(account, name="reader"):
    return factories.managed_policy(account, name, json.dumps(ALLOW_S3)).arn


def test_creates_updates_and_deletes_a_user(api, account):
    status, body, _ = api.post(
        "/api/v1/users/", {"user_name": "carol", "path": "/ops/", "tags": [{"key": "team", "value": "red"}]}
    )
    assert status == 201
    assert body["arn"] == f"arn:aws:iam::{account.account_id}:user/ops/carol"
    assert body["tags"] == [{"key": "team", "value": "red"}]
    assert api.patch("/api/v1/users/carol/", {"new_user_name": "caroline"})[0] == 204
    assert api.get("/api/v1/users/carol/")[0] == 404
    assert api.get("/api/v1/users/caroline/")[1]["path"] == "/ops/"
    assert api.delete("/api/v1/users/caroline/")[0] == 204
    assert api.get("/api/v1/users/caroline/")[1]["code"] == "NoSuchEntity"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "user_name"),
        ({"user_name": 7}, "user_name"),
        ({"user_name": "x" * 65}, "user_name"),
        ({"user_name": "a", "tags": "x"}, "tags"),
    ],
)
def test_a_bad_user_is_a_validation_error(api, body, field):
    status, answer, _ = api.post("/api/v1/users/", body)
    assert (status, answer["code"], answer["field"]) == (400, "ValidationError", field)


def test_a_user_name_the_service_refuses_is_named_in_its_field(api):
    status, body, _ = api.post("/api/v1/users/", {"user_name": "no spaces"})
    assert (status, body["field"]) == (400, "user_name")


def test_a_taken_name_is_a_conflict(api, bob):
    status, body, _ = api.post("/api/v1/users/", {"user_name": "bob"})
    assert (status, body["code"]) == (409, "EntityAlreadyExists")


def test_the_secret_access_key_is_only_in_the_creating_response(api, bob, account):
    status, created, _ = api.post("/api/v1/users/bob/access-keys/")
    assert status == 201
    key_id = created["access_key_id"]
    assert len(created["secret_access_key"]) == 40
    assert created["status"] == "Active"
    _, listed, _ = api.get("/api/v1/users/bob/access-keys/")
    assert names(listed, "access_key_id") == [key_id]
    assert "secret_access_key" not in json.dumps(listed)
    status, used, _ = api.get(f"/api/v1/users/bob/access-keys/{key_id}/")
    assert (status, used["user_name"]) == (200, "bob")
    assert "secret_access_key" not in used
    factories.user(account, "alice")
    status, body, _ = api.get(f"/api/v1/users/alice/access-keys/{key_id}/")
    assert (status, body["code"], body["field"]) == (404, "NoSuchEntity", "user_name")
    assert api.patch(f"/api/v1/users/bob/access-keys/{key_id}/", {"status": "Inactive"})[0] == 204
    assert api.get("/api/v1/users/bob/access-keys/")[1]["results"][0]["status"] == "Inactive"
    status, body, _ = api.patch(f"/api/v1/users/bob/access-keys/{key_id}/", {"status": "Sleeping"})
    assert (status, body["field"]) == (400, "status")
    assert api.delete(f"/api/v1/users/bob/access-keys/{key_id}/")[0] == 204
    assert api.get("/api/v1/users/bob/access-keys/")[1]["results"] == []
    status, body, _ = api.delete(f"/api/v1/users/bob/access-keys/{key_id}/")
    assert (status, body["code"]) == (404, "NoSuchEntity")


def test_login_profile_never_echoes_the_password(api, bob):
    status, created, _ = api.post(
        "/api/v1/users/bob/login-profile/", {"password": "Correct-Horse-9", "password_reset_required": True}
    )
    assert status == 201
    assert created["user_name"] == "bob"
    assert created["password_reset_required"] is True
    assert "Correct-Horse-9" not in json.dumps(created)
    assert api.get("/api/v1/users/bob/login-profile/")[1]["user_name"] == "bob"
    assert api.patch("/api/v1/users/bob/login-profile/", {"password_reset_required": False})[0] == 204
    assert api.get("/api/v1/users/bob/login-profile/")[1]["password_reset_required"] is False
    assert api.delete("/api/v1/users/bob/login-profile/")[0] == 204
    status, body, _ = api.get("/api/v1/users/bob/login-profile/")
    assert (status, body["code"]) == (404, "NoSuchEntity")


def test_group_membership_from_the_user_side(api, bob, account):
    factories.group(account, "devs")
    assert api.post("/api/v1/users/bob/groups/", {"group_name": "devs"})[0] == 204
    assert names(api.get("/api/v1/users/bob/groups/")[1], "group_name") == ["devs"]
    assert api.delete("/api/v1/users/bob/groups/devs/")[0] == 204
    assert api.get("/api/v1/users/bob/groups/")[1]["results"] == []
    status, body, _ = api.post("/api/v1/users/bob/groups/", {"group_name": "ghosts"})
    assert (status, body["code"]) == (404, "NoSuchEntity")


def test_attaches_and_detaches_managed_policies(api, bob, account):
    arn = managed_policy(account)
    assert api.post("/api/v1/users/bob/attached-policies/", {"policy_arn": arn})[0] == 204
    _, page, _ = api.get("/api/v1/users/bob/attached-policies/")
    assert page["results"] == [{"policy_name": "reader", "policy_arn": arn}]
    assert api.delete(f"/api/v1/users/bob/attached-policies/?policy_arn={arn}")[0] == 204
    assert api.get("/api/v1/users/bob/attached-policies/")[1]["results"] == []
    status, body, _ = api.delete("/api/v1/users/bob/attached-policies/")
    assert (status, body["field"]) == (400, "policy_arn")


def test_inline_policies_carry_an_etag_and_honour_if_match(api, bob):
    assert api.put("/api/v1/users/bob/inline-policies/read/", {"policy_document": ALLOW_S3})[0] == 204
    status, body, response = api.get("/api/v1/users/bob/inline-policies/read/")
    assert status == 200
    assert json.loads(body["policy_document"]) == ALLOW_S3
    etag = response.headers["ETag"]
    assert etag.startswith('"')
    changed = policy({"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"})
    assert (
        api.put("/api/v1/users/bob/inline-policies/read/", {"policy_document": changed}, headers={"If-Match": etag})[0]
        == 204
    )
    status, body, _ = api.put(
        "/api/v1/users/bob/inline-policies/read/", {"policy_document": ALLOW_S3}, headers={"If-Match": etag}
    )
    assert (status, body["code"]) == (412, "PreconditionFailed")
    assert json.loads(api.get("/api/v1/users/bob/inline-policies/read/")[1]["policy_document"]) == changed
    assert api.delete("/api/v1/users/bob/inline-policies/read/", headers={"If-Match": etag})[0] == 412
    assert names_of(api.get("/api/v1/users/bob/inline-policies/")[1]) == ["read"]
    assert api.delete("/api/v1/users/bob/inline-policies/read/")[0] == 204
    assert api.get("/api/v1/users/bob/inline-policies/read/")[0] == 404


def names_of(page):
    return page["results"]


def test_a_malformed_inline_policy_is_refused(api, bob):
    status, body, _ = api.put("/api/v1/users/bob/inline-policies/bad/", {"policy_document": {"Statement": "nope"}})
    assert (status, body["code"], body["field"]) == (400, "MalformedPolicyDocument", "policy_document")
    status, body, _ = api.put("/api/v1/users/bob/inline-policies/bad/", {"policy_document": 12})
    assert (status, body["field"]) == (400, "policy_document")


def test_tags_and_permissions_boundary(api, bob, account):
    assert (
        api.post("/api/v1/users/bob/tags/", {"tags": [{"key": "a", "value": "1"}, {"key": "b", "value": "2"}]})[0]
        == 204
    )
    assert api.get("/api/v1/users/bob/tags/")[1]["results"] == [{"key": "a", "value": "1"}, {"key": "b", "value": "2"}]
    assert api.delete("/api/v1/users/bob/tags/?tag_keys=a")[0] == 204
    assert api.get("/api/v1/users/bob/tags/")[1]["results"] == [{"key": "b", "value": "2"}]
    arn = managed_policy(account, "boundary")
    assert api.put("/api/v1/users/bob/permissions-boundary/", {"permissions_boundary": arn})[0] == 204
    assert api.get("/api/v1/users/bob/")[1]["permissions_boundary"]["permissions_boundary_arn"] == arn
    assert api.delete("/api/v1/users/bob/permissions-boundary/")[0] == 204
    assert api.get("/api/v1/users/bob/")[1]["permissions_boundary"] is None


def test_mfa_devices_of_a_user_without_any(api, bob):
    status, body, _ = api.get("/api/v1/users/bob/mfa-devices/")
    assert (status, body["results"]) == (200, [])
    status, body, _ = api.get("/api/v1/users/bob/mfa-devices/arn:aws:iam::123456789012:mfa/none/")
    assert (status, body["code"]) == (404, "NoSuchEntity")


def test_sub_resource_lists_page_with_cursors(api, bob):
    api.post("/api/v1/users/bob/tags/", {"tags": [{"key": f"k{index}", "value": "v"} for index in range(5)]})
    _, first, _ = api.get("/api/v1/users/bob/tags/?page_size=2")
    assert names(first, "key") == ["k0", "k1"]
    _, second, _ = api.get(first["next"])
    _, third, _ = api.get(second["next"])
    assert names(second, "key") + names(third, "key") == ["k2", "k3", "k4"]
    assert third["next"] is None
    assert api.get(third["previous"])[1] == second


SUB_RESOURCES = [
    ("post", "/api/v1/users/", {"user_name": "eve"}),
    ("patch", "/api/v1/users/bob/", {"new_path": "/x/"}),
    ("delete", "/api/v1/users/bob/", None),
    ("get", "/api/v1/users/bob/access-keys/", None),
    ("post", "/api/v1/users/bob/access-keys/", None),
    ("get", "/api/v1/users/bob/login-profile/", None),
    ("get", "/api/v1/users/bob/mfa-devices/", None),
    ("get", "/api/v1/users/bob/groups/", None),
    ("get", "/api/v1/users/bob/attached-policies/", None),
    ("get", "/api/v1/users/bob/inline-policies/", None),
    ("get", "/api/v1/users/bob/inline-policies/p/", None),
    ("put", "/api/v1/users/bob/inline-policies/p/", {"policy_document": ALLOW_S3}),
    ("get", "/api/v1/users/bob/tags/", None),
    ("post", "/api/v1/users/bob/tags/", {"tags": [{"key": "a", "value": "b"}]}),
    ("delete", "/api/v1/users/bob/permissions-boundary/", None),
]


@pytest.mark.parametrize(("method", "path", "body"), SUB_RESOURCES)
def test_a_principal_without_permission_is_denied_everywhere(live_server, account, bob, method, path, body):
    iam_user(account, "nobody")
    api = Api(live_server.url, key=access_key(account, "nobody"))
    args = () if body is None else (body,)
    status, answer, _ = getattr(api, method)(path, *args)
    assert (status, answer["code"]) == (403, "AccessDenied")
    assert "is not authorized to perform: iam:" in answer["message"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        entry
        for entry in SUB_RESOURCES
        if "/bob/" in entry[1] and entry[0] != "put" and "inline-policies/p" not in entry[1]
    ],
)
def test_a_missing_user_is_no_such_entity_everywhere(api, method, path, body):
    args = () if body is None else (body,)
    status, answer, _ = getattr(api, method)(path.replace("/bob/", "/ghost/"), *args)
    assert (status, answer["code"]) == (404, "NoSuchEntity")


def test_a_principal_allowed_one_action_gets_that_one_only(live_server, account, bob):
    iam_user(account, "tagger", allow("iam:ListUserTags"))
    api = Api(live_server.url, key=access_key(account, "tagger"))
    assert api.get("/api/v1/users/bob/tags/")[0] == 200
    assert api.post("/api/v1/users/bob/tags/", {"tags": [{"key": "a", "value": "b"}]})[0] == 403


def test_virtual_mfa_devices_show_their_seed_once(api, account):
    status, created, _ = api.post("/api/v1/mfa-devices/", {"virtual_mfa_device_name": "bob-phone"})
    assert status == 201
    serial = created["serial_number"]
    assert serial == f"arn:aws:iam::{account.account_id}:mfa/bob-phone"
    assert created["base32_string_seed"]
    _, listed, _ = api.get("/api/v1/mfa-devices/")
    assert names(listed, "serial_number") == [serial]
    assert "base32_string_seed" not in json.dumps(listed)
    assert names(api.get("/api/v1/mfa-devices/?assignment_status=Assigned")[1], "serial_number") == []
    status, body, _ = api.get("/api/v1/mfa-devices/?assignment_status=Sometimes")
    assert (status, body["field"]) == (400, "assignment_status")
    assert api.delete(f"/api/v1/mfa-devices/{serial}/")[0] == 204
    status, body, _ = api.delete(f"/api/v1/mfa-devices/{serial}/")
    assert (status, body["code"]) == (404, "NoSuchEntity")


def test_virtual_mfa_device_tags(live_server, api, account):
    serial = api.post("/api/v1/mfa-devices/", {"virtual_mfa_device_name": "bob-phone"})[1]["serial_number"]
    tags = f"/api/v1/mfa-devices/{serial}/tags/"
    assert api.post(tags, {"tags": [{"key": "owner", "value": "bob"}, {"key": "team", "value": "sec"}]})[0] == 204
    status, first, _ = api.get(f"{tags}?page_size=1")
    assert (status, first["results"], first["previous"]) == (200, [{"key": "owner", "value": "bob"}], None)
    _, second, _ = api.get(first["next"])
    assert api.get(second["previous"])[1]["results"] == first["results"]
    assert api.get(second["previous"])[1]["results"] == first["results"]
    assert api.delete(f"{tags}?tag_keys=owner")[0] == 204
    assert api.get(tags)[1]["results"] == [{"key": "team", "value": "sec"}]
    status, body, _ = api.post(tags, {"tags": [{"value": "no key"}]})
    assert (status, body["code"], body["field"]) == (400, "ValidationError", "tags")
    ghost = serial.replace("bob-phone", "ghost")
    status, body, _ = api.get(f"/api/v1/mfa-devices/{ghost}/tags/")
    assert (status, body["code"]) == (404, "NoSuchEntity")
    iam_user(account, "nobody")
    nobody = Api(live_server.url, key=access_key(account, "nobody"))
    status, body, _ = nobody.post(tags, {"tags": [{"key": "k", "value": "v"}]})
    assert (status, body["code"]) == (403, "AccessDenied")
    assert "iam:TagMFADevice" in body["message"]
    # The device itself is still addressed by the same serial number, its tags apart.
    assert api.delete(f"/api/v1/mfa-devices/{serial}/")[0] == 204


def test_an_iam_user_changes_its_own_password(live_server, account):
    factories.user(account, "carol", password="Initial-Pass-1")
    operations.run(account.root, "UpdateAccountPasswordPolicy", {"allow_users_to_change_password": True})
    carol = Api(live_server.url, key=access_key(account, "carol"))
    body = {"old_password": "wrong-one-123", "new_password": "Another-Pass-2"}
    status, answer, _ = carol.post("/api/v1/account/password/", body)
    assert status in (400, 403)
    assert answer["code"] in {"InvalidInput", "InvalidUserType", "AccessDenied", "EntityTemporarilyUnmodifiable"}
    body["old_password"] = "Initial-Pass-1"
    assert carol.post("/api/v1/account/password/", body)[0] == 204


def test_enables_resyncs_and_deactivates_an_mfa_device(api, bob):
    import base64
    import time

    import pyotp

    _, created, _ = api.post("/api/v1/mfa-devices/", {"virtual_mfa_device_name": "bob-phone"})
    serial = created["serial_number"]
    totp = pyotp.TOTP(base64.b64decode(created["base32_string_seed"]).decode())
    now = time.time()
    wrong = {"serial_number": serial, "authentication_code1": "000000", "authentication_code2": "000001"}
    status, body, _ = api.post("/api/v1/users/bob/mfa-devices/", wrong)
    assert (status, body["code"]) == (403, "InvalidAuthenticationCode")
    codes = {"authentication_code1": totp.at(now), "authentication_code2": totp.at(now + 30)}
    assert api.post("/api/v1/users/bob/mfa-devices/", {"serial_number": serial, **codes})[0] == 204
    assert names(api.get("/api/v1/users/bob/mfa-devices/")[1], "serial_number") == [serial]
    status, device, _ = api.get(f"/api/v1/users/bob/mfa-devices/{serial}/")
    assert (status, device["serial_number"]) == (200, serial)
    drifted = now + 150
    resync = {"authentication_code1": totp.at(drifted), "authentication_code2": totp.at(drifted + 30)}
    assert api.patch(f"/api/v1/users/bob/mfa-devices/{serial}/", resync)[0] == 204
    assert api.delete(f"/api/v1/users/bob/mfa-devices/{serial}/")[0] == 204
    assert api.get("/api/v1/users/bob/mfa-devices/")[1]["results"] == []
