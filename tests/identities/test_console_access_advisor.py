"""The Access advisor tab of the user and role detail pages: opening it starts an ACTION_LEVEL report, the tab polls
the job until it is complete, then lists each allowed service with its last access (and IAM's actions), filtered by
accessed or not; as root, as a read-only user (ReadOnlyAccess grants iam:Generate* and iam:Get*) and as a user
without permissions (the access-denied panel)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from identities import tasks
from identities.models import ServiceLastAccessedJob
from tests.console import HTMX, signed_in
from tests.factories import actor_for, allow, audit_event, document, iam_user, role, trust

pytestmark = pytest.mark.django_db


@pytest.fixture
def deployer(account: Any) -> str:
    """A user allowed IAM and S3 reads, who has called iam:ListUsers but never S3."""
    iam_user(account, "deployer", allow(["iam:ListUsers", "iam:GetUser"]), allow("s3:GetObject"))
    audit_event(account, f"arn:aws:iam::{account.account_id}:user/deployer", "ListUsers", days_ago=2)
    return "deployer"


def _job_id(response: Any) -> str:
    match = re.search(r"[?&]amp;job=([0-9a-f-]{36})|[?&]job=([0-9a-f-]{36})", response.content.decode())
    assert match, "the tab names its job"
    return match.group(1) or match.group(2)


def _complete(account: Any, job_id: str) -> None:
    tasks.complete_service_last_accessed_details_task(account.account_id, job_id)


def test_opening_the_tab_starts_a_report_and_polls_until_it_is_complete(
    root_client: Any, account: Any, deployer: str
) -> None:
    response = root_client.get(f"/users/{deployer}", {"tab": "access_advisor"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-current="page">Access advisor</a>' in html
    assert "Gathering last accessed information" in html
    assert 'hx-trigger="load delay:2s"' in html
    job_id = _job_id(response)
    job = ServiceLastAccessedJob.objects.get(job_id=job_id)
    assert (job.arn, job.granularity, job.status) == (
        f"arn:aws:iam::{account.account_id}:user/deployer",
        "ACTION_LEVEL",
        "IN_PROGRESS",
    )
    # Polling a job still in progress answers the tab again, still polling, and starts no other job.
    polled = root_client.get(f"/users/{deployer}", {"tab": "access_advisor", "job": job_id}, **HTMX)
    assert "Gathering last accessed information" in polled.content.decode()
    assert ServiceLastAccessedJob.objects.count() == 1

    _complete(account, job_id)
    done = root_client.get(f"/users/{deployer}", {"tab": "access_advisor", "job": job_id}, **HTMX)
    html = done.content.decode()
    assert done.status_code == 200
    assert "<html" not in html  # the tab partial only
    assert "Gathering" not in html and "hx-trigger" not in html  # polling stops
    assert 'data-namespace="iam"' in html and 'data-namespace="s3"' in html
    iam_row = re.search(r'<tr data-namespace="iam">(.*?)</tr>', html, re.S)
    assert iam_row is not None
    assert f"arn:aws:iam::{account.account_id}:user/deployer" in iam_row.group(1)
    assert "us-east-1" in iam_row.group(1)  # IAM is global: AWS reports its calls in us-east-1
    s3_row = re.search(r'<tr data-namespace="s3">(.*?)</tr>', html, re.S)
    assert s3_row is not None and "Not accessed in the tracking period" in s3_row.group(1)
    # IAM is tracked at action level: ListUsers used, GetUser not.
    assert re.search(
        r"iam:ListUsers</td>\s*<td class=\"nowrap\"><time datetime=\"[^\"]+\">[^<]+ UTC</time> "
        r"<span class=\"muted\">\(2\xa0days ago\)",
        html,
    )
    assert re.search(r"iam:GetUser</td>\s*<td colspan=\"3\" class=\"not-accessed\">", html)
    assert ServiceLastAccessedJob.objects.count() == 1


def test_the_filter_shows_accessed_or_not_accessed_services(root_client: Any, account: Any, deployer: str) -> None:
    job_id = _job_id(root_client.get(f"/users/{deployer}", {"tab": "access_advisor"}))
    _complete(account, job_id)
    url = f"/users/{deployer}"
    accessed = root_client.get(url, {"tab": "access_advisor", "job": job_id, "filter": "accessed"}).content.decode()
    assert 'data-namespace="iam"' in accessed and 'data-namespace="s3"' not in accessed
    assert "Accessed (1)" in accessed and "Not accessed (1)" in accessed
    unused = root_client.get(url, {"tab": "access_advisor", "job": job_id, "filter": "not_accessed"}).content.decode()
    assert 'data-namespace="s3"' in unused and 'data-namespace="iam"' not in unused
    odd = root_client.get(url, {"tab": "access_advisor", "job": job_id, "filter": "bogus"}).content.decode()
    assert 'data-namespace="s3"' in odd and 'data-namespace="iam"' in odd


def test_a_failed_report_and_an_unknown_job_are_shown_in_the_tab(root_client: Any, account: Any, deployer: str) -> None:
    job_id = _job_id(root_client.get(f"/users/{deployer}", {"tab": "access_advisor"}))
    # The entity is gone by the time the task runs (as if deleted meanwhile): the job fails with the reason.
    ServiceLastAccessedJob.objects.filter(job_id=job_id).update(arn=f"arn:aws:iam::{account.account_id}:user/gone")
    _complete(account, job_id)
    failed = root_client.get("/users/reader-missing", {"tab": "access_advisor", "job": job_id})
    assert failed.status_code == 404  # the user itself is missing: the page's own error
    iam_user(account, "other")
    failed = root_client.get("/users/other", {"tab": "access_advisor", "job": job_id})
    assert ServiceLastAccessedJob.objects.get(job_id=job_id).status == "FAILED"
    assert "The report failed" in failed.content.decode()
    assert "Try again" in failed.content.decode()
    unknown = root_client.get("/users/other", {"tab": "access_advisor", "job": "00000000-0000-4000-8000-000000000000"})
    assert unknown.status_code == 404
    assert "NoSuchEntity" in unknown.content.decode()


def test_the_role_tab_reports_the_roles_sessions(root_client: Any, account: Any) -> None:
    role(account, "ci", trust(account.root.arn), policy_document=document(allow(["iam:GetRole", "ec2:*"])))
    audit_event(account, f"arn:aws:sts::{account.account_id}:assumed-role/ci/build-7", "GetRole", days_ago=2)
    response = root_client.get("/roles/ci", {"tab": "access_advisor"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'hx-target="#role-tab"' in html
    job_id = _job_id(response)
    assert ServiceLastAccessedJob.objects.get(job_id=job_id).arn == f"arn:aws:iam::{account.account_id}:role/ci"
    _complete(account, job_id)
    html = root_client.get("/roles/ci", {"tab": "access_advisor", "job": job_id}, **HTMX).content.decode()
    iam_row = re.search(r'<tr data-namespace="iam">(.*?)</tr>', html, re.S)
    assert iam_row is not None and f"arn:aws:iam::{account.account_id}:role/ci" in iam_row.group(1)
    assert 'data-namespace="ec2"' in html
    assert re.search(r'<tr data-namespace="ec2">.*?Not accessed in the tracking period', html, re.S)


def test_a_read_only_user_sees_the_report(reader_client: Any, account: Any, deployer: str) -> None:
    response = reader_client.get(f"/users/{deployer}", {"tab": "access_advisor"})
    assert response.status_code == 200
    job_id = _job_id(response)
    _complete(account, job_id)
    html = reader_client.get(f"/users/{deployer}", {"tab": "access_advisor", "job": job_id}).content.decode()
    assert 'data-namespace="iam"' in html


def test_a_user_without_permissions_sees_the_access_denied_panel(
    nobody_client: Any, account: Any, deployer: str
) -> None:
    response = nobody_client.get(f"/users/{deployer}", {"tab": "access_advisor"})
    # GetUser is the page's first read: without it the page itself is denied.
    assert response.status_code == 403
    assert '<code class="missing-action">iam:GetUser</code>' in response.content.decode()
    assert ServiceLastAccessedJob.objects.count() == 0


def test_a_user_who_may_read_but_not_generate_sees_the_denied_panel_in_the_tab(
    client: Any, account: Any, deployer: str
) -> None:
    viewer = iam_user(account, "viewer", allow(["iam:GetUser", "iam:List*"]))
    signed_in(client, viewer)
    response = client.get(f"/users/{deployer}", {"tab": "access_advisor"}, **HTMX)
    assert response.status_code == 403
    html = response.content.decode()
    assert '<code class="missing-action">iam:GenerateServiceLastAccessedDetails</code>' in html
    assert 'aria-current="page">Access advisor</a>' in html  # the tabs stay
    assert ServiceLastAccessedJob.objects.count() == 0
    # Allowed to generate but not to read the job: denied on the poll's GetServiceLastAccessedDetails.
    iam_user(account, "starter", allow(["iam:GetUser", "iam:GenerateServiceLastAccessedDetails"]))
    signed_in(client, actor_for(account, "starter"))
    response = client.get(f"/users/{deployer}", {"tab": "access_advisor"}, **HTMX)
    assert response.status_code == 403
    assert "iam:GetServiceLastAccessedDetails" in response.content.decode()


def test_the_tab_takes_no_writes(root_client: Any, deployer: str) -> None:
    assert root_client.post(f"/users/{deployer}/access_advisor", {}).status_code == 404


def test_the_role_tab_shows_the_denied_panel_without_generate(client: Any, account: Any) -> None:
    role(account, "ci", trust(account.root.arn))
    signed_in(client, iam_user(account, "viewer", allow(["iam:GetRole", "iam:List*"])))
    response = client.get("/roles/ci", {"tab": "access_advisor"}, **HTMX)
    assert response.status_code == 403
    html = response.content.decode()
    assert '<code class="missing-action">iam:GenerateServiceLastAccessedDetails</code>' in html
    assert 'aria-current="page">Access advisor</a>' in html
    assert ServiceLastAccessedJob.objects.count() == 0
