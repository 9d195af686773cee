"""Virtual MFA devices: creation, enabling with two real TOTP codes, the quota of 8, replay refusal, and the outputs.

Devices are driven through ``operations.run`` as the root user or an IAM user, so authorization and audit run too;
``verify_mfa_code`` (the STS and console entry point) is called directly, as those callers do.
"""

from __future__ import annotations

import json
import re
import threading
import time
from typing import Any

import pyotp
import pytest
from django.utils import timezone

from accounts.models import AuditEvent
from iamconsole import operations
from iamconsole.authentication import user_actor
from iamconsole.errors import (
    AccessDenied,
    DeleteConflict,
    EntityAlreadyExists,
    InvalidAuthenticationCode,
    LimitExceeded,
    NoSuchEntity,
    ValidationError,
)
from identities import services
from identities.awsapi import OUTPUTS
from identities.models import MFADevice
from tests import factories
from tests.checks import assert_stored_encrypted
from tests.identities.concurrency import run_concurrently

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def create_device(account: Any, name: str = "phone", **params: Any) -> Any:
    return operations.run(account.root, "CreateVirtualMFADevice", {"virtual_mfa_device_name": name, **params})


def consecutive_codes(seed: str, start: float = 0) -> tuple[str, str]:
    totp = pyotp.TOTP(seed)
    now = time.time() + start
    return totp.at(now), totp.at(now + 30)


def enable(account: Any, new: Any, user_name: str | None = None, start: float = 0) -> Any:
    """Enable with the codes of the current and next steps (or of the previous and current ones, start=-30, which
    leaves the next step's code unspent for ``verify_mfa_code``)."""
    code1, code2 = consecutive_codes(new.base32_string_seed, start)
    params: dict[str, Any] = {
        "serial_number": new.device.serial_number,
        "authentication_code1": code1,
        "authentication_code2": code2,
    }
    if user_name:
        params["user_name"] = user_name
    return operations.run(account.root, "EnableMFADevice", params)


def test_create_returns_seed_and_qr_code_once_and_stores_the_seed_encrypted(account):
    new = create_device(account, "phone", path="/team/")

    assert new.device.serial_number == f"arn:aws:iam::{account.account_id}:mfa/team/phone"
    assert len(new.base32_string_seed) == 64
    assert set(new.base32_string_seed) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    assert new.qr_code_png.startswith(PNG_MAGIC)
    assert_stored_encrypted("identities_mfadevice", "seed_encrypted", new.device.pk, new.base32_string_seed)

    output = OUTPUTS["CreateVirtualMFADevice"](new)["VirtualMFADevice"]
    assert output["Base32StringSeed"] == new.base32_string_seed.encode()
    assert output["QRCodePNG"] == new.qr_code_png
    listed = operations.run(account.root, "ListVirtualMFADevices")
    assert OUTPUTS["ListVirtualMFADevices"](listed) == {
        "VirtualMFADevices": [{"SerialNumber": new.device.serial_number}],
        "IsTruncated": False,
    }


def test_qr_code_encodes_the_documented_otpauth_uri():
    uri = services.otpauth_uri(
        device_name="phone", account_name="123456789012", seed="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    )
    assert uri == "otpauth://totp/phone@123456789012?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=iamconsole"
    parsed = pyotp.parse_uri(uri)
    assert parsed.secret == "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def test_device_names_are_unique_ignoring_case_and_validated(account):
    create_device(account, "Phone")
    with pytest.raises(
        EntityAlreadyExists, match=re.escape("MFADevice entity at the same path and name already exists.")
    ):
        create_device(account, "phone", path="/other/")
    with pytest.raises(ValidationError, match="virtualMFADeviceName"):
        create_device(account, "bad name")
    with pytest.raises(ValidationError, match="at 'path'"):
        create_device(account, "tablet", path="no-slashes")


def test_create_records_tags_and_the_audit_event(account):
    new = create_device(account, "phone", tags=[{"key": "team", "value": "blue"}])
    assert new.device.tags == {"team": "blue"}
    event = AuditEvent.objects.get(event_name="CreateVirtualMFADevice", account_id_value=account.account_id)
    assert event.outcome == "success"
    assert event.resource_arn == new.device.serial_number


def test_enable_with_two_consecutive_codes_assigns_the_device_to_the_user(account):
    factories.user(account, "alice")
    new = create_device(account)
    enable(account, new, "alice")

    device = MFADevice.objects.get(pk=new.device.pk)
    assert device.user is not None
    assert device.user.name == "alice"
    assert device.enabled_at is not None
    page = operations.run(account.root, "ListMFADevices", {"user_name": "alice"})
    shaped = OUTPUTS["ListMFADevices"](page)
    assert shaped == {
        "MFADevices": [{"UserName": "alice", "SerialNumber": device.serial_number, "EnableDate": device.enabled_at}],
        "IsTruncated": False,
    }
    virtual = OUTPUTS["ListVirtualMFADevices"](operations.run(account.root, "ListVirtualMFADevices"))
    assert virtual["VirtualMFADevices"][0]["User"]["UserName"] == "alice"
    assert virtual["VirtualMFADevices"][0]["EnableDate"] == device.enabled_at


@pytest.mark.parametrize(
    ("offset1", "offset2"),
    [(0, 0), (0, 60), (30, 0), (-300, -270)],
    ids=["same-code-twice", "not-consecutive", "reversed", "too-old"],
)
def test_enable_refuses_codes_that_are_not_two_consecutive_current_ones(account, offset1, offset2):
    factories.user(account, "alice")
    new = create_device(account)
    totp = pyotp.TOTP(new.base32_string_seed)
    now = time.time()
    with pytest.raises(InvalidAuthenticationCode, match=r"^Authentication code for device is not valid\.$"):
        operations.run(
            account.root,
            "EnableMFADevice",
            {
                "user_name": "alice",
                "serial_number": new.device.serial_number,
                "authentication_code1": totp.at(now + offset1),
                "authentication_code2": totp.at(now + offset2),
            },
        )
    assert MFADevice.objects.get(pk=new.device.pk).enabled_at is None


def test_enable_refuses_a_device_in_use_an_unknown_device_and_an_unknown_user(account):
    factories.user(account, "alice")
    factories.user(account, "bob")
    new = create_device(account)
    enable(account, new, "alice")
    with pytest.raises(EntityAlreadyExists, match=re.escape("MFA Device is already in use.")):
        enable(account, new, "bob")
    with pytest.raises(NoSuchEntity, match=re.escape("The user with name carol cannot be found.")):
        enable(account, new, "carol")
    ghost = f"arn:aws:iam::{account.account_id}:mfa/ghost"
    with pytest.raises(NoSuchEntity, match=re.escape(f"VirtualMFADevice with serial number {ghost} doesn't exist.")):
        operations.run(
            account.root,
            "EnableMFADevice",
            {
                "user_name": "alice",
                "serial_number": ghost,
                "authentication_code1": "123456",
                "authentication_code2": "654321",
            },
        )


def test_at_most_eight_devices_in_use_per_user(account):
    factories.user(account, "alice")
    for index in range(8):
        enable(account, create_device(account, f"device{index}"), "alice")
    ninth = create_device(account, "device8")
    with pytest.raises(LimitExceeded, match="Cannot exceed quota for MFADevicesPerUser: 8"):
        enable(account, ninth, "alice")
    # Another user is not affected by alice's quota.
    factories.user(account, "bob")
    enable(account, ninth, "bob")


def test_the_root_user_enables_a_device_for_itself(account):
    new = create_device(account, "root-phone")
    enable(account, new)

    device = MFADevice.objects.get(pk=new.device.pk)
    assert device.assigned_to_root
    assert device.user is None
    page = operations.run(account.root, "ListMFADevices")
    assert [d.serial_number for d in page] == [device.serial_number]
    listed = OUTPUTS["ListVirtualMFADevices"](operations.run(account.root, "ListVirtualMFADevices"))
    assert listed["VirtualMFADevices"][0]["User"]["Arn"] == f"arn:aws:iam::{account.account_id}:root"


def test_deactivate_then_delete(account):
    factories.user(account, "alice")
    new = create_device(account)
    serial = new.device.serial_number
    enable(account, new, "alice")
    with pytest.raises(DeleteConflict, match=re.escape("MFA Device is still in use.")):
        operations.run(account.root, "DeleteVirtualMFADevice", {"serial_number": serial})
    with pytest.raises(NoSuchEntity):
        operations.run(account.root, "DeactivateMFADevice", {"serial_number": serial})  # not the root user's

    operations.run(account.root, "DeactivateMFADevice", {"user_name": "alice", "serial_number": serial})
    unassigned = operations.run(account.root, "ListVirtualMFADevices", {"assignment_status": "Unassigned"})
    assert [d.serial_number for d in unassigned] == [serial]
    assert list(operations.run(account.root, "ListMFADevices", {"user_name": "alice"})) == []

    operations.run(account.root, "DeleteVirtualMFADevice", {"serial_number": serial})
    assert not MFADevice.objects.filter(serial_number=serial).exists()
    with pytest.raises(NoSuchEntity, match="doesn't exist"):
        operations.run(account.root, "DeleteVirtualMFADevice", {"serial_number": serial})


def test_devices_never_cross_accounts(account, other_account):
    new = create_device(account)
    # The serial number names the other account: AWS refuses before looking.
    with pytest.raises(AccessDenied, match="because no resource-based policy allows"):
        operations.run(other_account.root, "DeleteVirtualMFADevice", {"serial_number": new.device.serial_number})
    own_serial = f"arn:aws:iam::{other_account.account_id}:mfa/phone"
    with pytest.raises(NoSuchEntity):
        operations.run(other_account.root, "DeleteVirtualMFADevice", {"serial_number": own_serial})
    assert list(operations.run(other_account.root, "ListVirtualMFADevices")) == []


def test_list_virtual_devices_filters_and_rejects_unknown_status(account):
    factories.user(account, "alice")
    assigned = create_device(account, "a")
    enable(account, assigned, "alice")
    free = create_device(account, "b")
    statuses = {
        status: [d.name for d in operations.run(account.root, "ListVirtualMFADevices", {"assignment_status": status})]
        for status in ("Assigned", "Unassigned", "Any")
    }
    assert statuses == {"Assigned": ["a"], "Unassigned": ["b"], "Any": ["a", "b"]}
    assert free.device.enabled_at is None
    with pytest.raises(ValidationError, match=r"enum value set: \[Assigned, Unassigned, Any\]"):
        operations.run(account.root, "ListVirtualMFADevices", {"assignment_status": "Sometimes"})


@pytest.mark.parametrize("count", [2, 20])
def test_list_virtual_devices_uses_a_constant_number_of_queries(account, count, django_assert_max_num_queries):
    for index in range(count):
        user = factories.user(account, f"user{index}")
        enable(account, create_device(account, f"d{index}"), user.name)
    with django_assert_max_num_queries(6):
        page = operations.run(account.root, "ListVirtualMFADevices", {"max_items": 100})
        OUTPUTS["ListVirtualMFADevices"](page)
    assert len(page) == count


def test_list_pages_with_marker(account):
    for index in range(3):
        create_device(account, f"d{index}")
    first = operations.run(account.root, "ListVirtualMFADevices", {"max_items": 2})
    assert first.is_truncated
    second = operations.run(account.root, "ListVirtualMFADevices", {"max_items": 2, "marker": first.marker})
    assert [d.name for d in [*first, *second]] == ["d0", "d1", "d2"]
    assert not second.is_truncated


def test_resync_accepts_codes_from_a_drifted_clock_and_refuses_wrong_ones(account):
    factories.user(account, "alice")
    new = create_device(account)
    enable(account, new, "alice")
    totp = pyotp.TOTP(new.base32_string_seed)
    drifted = time.time() + 150  # a device five steps ahead
    params = {"user_name": "alice", "serial_number": new.device.serial_number}
    with pytest.raises(InvalidAuthenticationCode):
        operations.run(
            account.root,
            "ResyncMFADevice",
            {**params, "authentication_code1": totp.at(drifted), "authentication_code2": totp.at(drifted + 60)},
        )
    operations.run(
        account.root,
        "ResyncMFADevice",
        {**params, "authentication_code1": totp.at(drifted), "authentication_code2": totp.at(drifted + 30)},
    )
    device = MFADevice.objects.get(pk=new.device.pk)
    assert device.last_used_step == int(drifted + 30) // 30


def test_verify_accepts_a_code_once(account):
    user = factories.user(account, "alice")
    new = create_device(account)
    enable(account, new, "alice", start=-30)
    serial = new.device.serial_number
    totp = pyotp.TOTP(new.base32_string_seed)
    later = time.time() + 30  # the codes given to EnableMFADevice are spent; the one after them is fresh
    when = services.verify_mfa_code(account=account.model, serial_number=serial, token_code=totp.at(later), user=user)
    assert abs((timezone.now() - when).total_seconds()) < 5
    with pytest.raises(
        AccessDenied, match=re.escape("MultiFactorAuthentication failed with invalid MFA one time pass code.")
    ):
        services.verify_mfa_code(account=account.model, serial_number=serial, token_code=totp.at(later), user=user)


def test_verify_refuses_the_codes_spent_on_enable_a_wrong_owner_and_a_wrong_code(account):
    alice = factories.user(account, "alice")
    bob = factories.user(account, "bob")
    new = create_device(account)
    code1, code2 = consecutive_codes(new.base32_string_seed)
    operations.run(
        account.root,
        "EnableMFADevice",
        {
            "user_name": "alice",
            "serial_number": new.device.serial_number,
            "authentication_code1": code1,
            "authentication_code2": code2,
        },
    )
    serial = new.device.serial_number
    with pytest.raises(AccessDenied, match="invalid MFA one time pass code"):
        services.verify_mfa_code(account=account.model, serial_number=serial, token_code=code2, user=alice)
    with pytest.raises(AccessDenied, match="unable to validate MFA code"):
        services.verify_mfa_code(account=account.model, serial_number=serial, token_code=code2, user=bob)
    with pytest.raises(AccessDenied, match="unable to validate MFA code"):
        services.verify_mfa_code(account=account.model, serial_number=serial, token_code=code2, user=None)
    with pytest.raises(AccessDenied, match="invalid MFA one time pass code"):
        services.verify_mfa_code(account=account.model, serial_number=serial, token_code="12345x", user=alice)


def test_an_iam_user_without_permission_is_denied_and_the_denial_is_audited(account):
    user = factories.user(account, "alice")
    with pytest.raises(AccessDenied, match="iam:CreateVirtualMFADevice"):
        operations.run(user_actor(user), "CreateVirtualMFADevice", {"virtual_mfa_device_name": "phone"})
    assert not MFADevice.objects.exists()
    event = AuditEvent.objects.get(event_name="CreateVirtualMFADevice")
    assert event.outcome == "denied"


@pytest.mark.django_db(transaction=True)
def test_concurrent_verifications_of_one_code_accept_it_once(account):
    user = factories.user(account, "alice")
    new = create_device(account)
    enable(account, new, "alice", start=-30)
    code = pyotp.TOTP(new.base32_string_seed).at(time.time() + 30)
    results = run_concurrently(
        4,
        lambda: services.verify_mfa_code(
            account=account.model, serial_number=new.device.serial_number, token_code=code, user=user
        ),
    )
    assert sum(not isinstance(result, Exception) for result in results) == 1
    assert all(isinstance(result, AccessDenied) for result in results if isinstance(result, Exception))


@pytest.mark.django_db(transaction=True)
def test_concurrent_enables_respect_the_quota(account):
    factories.user(account, "alice")
    for index in range(7):
        enable(account, create_device(account, f"device{index}"), "alice")
    contenders = [create_device(account, f"extra{index}") for index in range(3)]
    pending = list(contenders)
    lock = threading.Lock()

    def enable_one() -> Any:
        with lock:
            new = pending.pop()
        return enable(account, new, "alice")

    results = run_concurrently(3, enable_one)
    assert sum(not isinstance(result, Exception) for result in results) == 1
    assert all(isinstance(result, LimitExceeded) for result in results if isinstance(result, Exception))
    assert MFADevice.objects.filter(user__name="alice", enabled_at__isnull=False).count() == 8


def test_get_mfa_device_answers_for_the_principal_it_is_enabled_for(account):
    factories.user(account)
    users_device = create_device(account, "alice-phone")
    enable(account, users_device, "alice")
    roots_device = create_device(account, "root-phone")
    enable(account, roots_device)

    got = OUTPUTS["GetMFADevice"](
        operations.run(
            account.root, "GetMFADevice", {"serial_number": users_device.device.serial_number, "user_name": "alice"}
        )
    )
    assert got["UserName"] == "alice"
    assert got["SerialNumber"] == users_device.device.serial_number
    root_got = operations.run(account.root, "GetMFADevice", {"serial_number": roots_device.device.serial_number})
    assert root_got.assigned_to_root
    with pytest.raises(NoSuchEntity):  # alice's device is not the root user's
        operations.run(account.root, "GetMFADevice", {"serial_number": users_device.device.serial_number})
    unassigned = create_device(account, "spare")
    with pytest.raises(NoSuchEntity):  # created but never enabled
        operations.run(account.root, "GetMFADevice", {"serial_number": unassigned.device.serial_number})


def test_device_tags_merge_ignoring_case_untag_and_stay_within_fifty(account):
    serial = create_device(account, tags=[{"key": "Team", "value": "red"}]).device.serial_number
    operations.run(account.root, "TagMFADevice", {"serial_number": serial, "tags": [{"key": "team", "value": "blue"}]})
    page = operations.run(account.root, "ListMFADeviceTags", {"serial_number": serial})
    assert page.tags == [{"Key": "team", "Value": "blue"}]
    operations.run(account.root, "UntagMFADevice", {"serial_number": serial, "tag_keys": ["TEAM", "absent"]})
    assert operations.run(account.root, "ListMFADeviceTags", {"serial_number": serial}).tags == []
    first = [{"key": f"a{n}", "value": "v"} for n in range(30)]
    operations.run(account.root, "TagMFADevice", {"serial_number": serial, "tags": first})
    more = [{"key": f"b{n}", "value": "v"} for n in range(21)]
    with pytest.raises(LimitExceeded):  # 51 tags in all
        operations.run(account.root, "TagMFADevice", {"serial_number": serial, "tags": more})
    with pytest.raises(NoSuchEntity):
        operations.run(
            account.root, "TagMFADevice", {"serial_number": serial + "x", "tags": [{"key": "a", "value": "b"}]}
        )


@pytest.mark.parametrize("code", ["١٢٣٤٥٦", "12345²", "１２３４５６"])
def test_codes_are_ascii_digits_as_aws_reads_its_pattern(account, code):
    """``[\\d]+`` means 0-9: digits of other scripts are refused as the pattern's ValidationError, not compared."""
    factories.user(account)
    new = create_device(account)
    params = {
        "user_name": "alice",
        "serial_number": new.device.serial_number,
        "authentication_code1": code,
        "authentication_code2": code,
    }
    with pytest.raises(ValidationError, match="regular expression pattern"):
        operations.run(account.root, "EnableMFADevice", params)


def test_a_forged_list_entities_marker_with_a_non_ascii_digit_is_invalid(account):
    from iamconsole.pagination import encode_marker

    policy = operations.run(
        account.root,
        "CreatePolicy",
        {
            "policy_name": "p",
            "policy_document": json.dumps(
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
            ),
        },
    )
    with pytest.raises(ValidationError, match="Invalid Marker"):
        operations.run(
            account.root, "ListEntitiesForPolicy", {"policy_arn": policy.arn, "marker": encode_marker("user:²")}
        )
