"""The reads and writes every request makes, written as precomposed SQL (issue 20): they must give exactly what the
ORM gave. The account lookup, the audit INSERT, and the policies the authorizer gathers for a principal."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import cast

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Account, AuditEvent
from accounts.selectors import find_account
from accounts.services import record_audit_event
from iamconsole import operations
from iamconsole.actors import RequestContext, Source
from iamconsole.errors import NoSuchEntity
from iamconsole.pagination import Page
from identities.models import Group, Role, User
from identities.selectors.principal_policies import PolicyText, gather_principal_policies
from tests import factories
from tests.factories import allow, deny, document, make_policy


def test_find_account_gives_the_orm_s_row(account):
    found = find_account(account.account_id)
    expected = Account.objects.get(account_id=account.account_id)
    assert isinstance(found, Account)
    assert found.pk == expected.pk
    assert (found.account_id, found.alias, found.root_email, found.root_password, found.created_at) == (
        expected.account_id,
        expected.alias,
        expected.root_email,
        expected.root_password,
        expected.created_at,
    )
    assert found.created_at.tzinfo is not None
    assert not found._state.adding
    assert find_account("999999999999") is None


def test_an_audit_record_is_one_insert_with_every_field(account):
    moment = datetime(2026, 12, 2, 7, 30, 15, 123456, tzinfo=UTC)
    request = RequestContext(
        source=Source.QUERY, request_id="req-1", source_ip="203.0.113.7", user_agent="ua " * 500, time=moment
    )
    with CaptureQueriesContext(connection) as queries:
        operations.run(account.root, "ListUsers", {}, request=request)
    # The account is read once, by run; the audit record reuses it.
    assert sum('FROM "accounts_account"' in q["sql"] for q in queries.captured_queries) == 1
    event = AuditEvent.objects.get(request_id="req-1")
    assert event.account_id == Account.objects.get(account_id=account.account_id).pk
    assert (event.account_id_value, event.actor_arn, event.event_name, event.event_source) == (
        account.account_id,
        f"arn:aws:iam::{account.account_id}:root",
        "ListUsers",
        "iam.amazonaws.com",
    )
    assert (event.source, event.outcome, event.read_only, event.time) == ("query", "success", True, moment)
    assert (event.source_ip, len(event.user_agent), event.details) == ("203.0.113.7", 1024, {})


def test_a_failed_call_is_audited_with_its_error_and_details_round_trip(account):
    with pytest.raises(NoSuchEntity):
        operations.run(account.root, "GetUser", {"user_name": "nobody"}, request=RequestContext(request_id="req-2"))
    event = AuditEvent.objects.get(request_id="req-2")
    assert (event.outcome, event.error_code, event.read_only) == ("failed", "NoSuchEntity", True)
    assert "nobody" in event.error_message
    # An event of no account (a system sweep) with details, written as the expiry sweep writes it.
    record_audit_event(
        account=None,
        account_id="",
        actor_arn="iamconsole:system",
        event_name="PurgeExpired",
        event_source="sts.amazonaws.com",
        source="task",
        request_id="req-3",
        time=datetime.now(UTC),
        outcome="success",
        details={"deleted": 3, "note": "ü"},
    )
    # Left out, the account is looked up by its id.
    record_audit_event(
        account_id=account.account_id,
        actor_arn="iamconsole:system",
        event_name="PurgeExpired",
        event_source="sts.amazonaws.com",
        source="task",
        request_id="req-4",
        time=datetime.now(UTC),
        outcome="success",
    )
    assert (
        AuditEvent.objects.get(request_id="req-4").account_id == Account.objects.get(account_id=account.account_id).pk
    )
    swept = AuditEvent.objects.get(request_id="req-3")
    assert (swept.account_id, swept.details, swept.source_ip, swept.user_agent) == (
        None,
        {"deleted": 3, "note": "ü"},
        None,
        "",
    )


def _texts(texts):
    return sorted((text.source_id, text.source_type) for text in texts)


def test_a_user_s_own_and_group_policies_boundary_and_session_policies(account, other_account):
    mine = make_policy(account, "Mine", document(allow("s3:*")))
    groups = make_policy(account, "Groups", document(allow("ec2:*")))
    aws = make_policy(None, "AwsRead", document(allow("iam:Get*")), aws_managed=True)
    fence = make_policy(account, "Fence", document(allow("*")))
    session_only = make_policy(account, "SessionOnly", document(allow("sqs:*")))
    theirs = make_policy(other_account, "Theirs", document(allow("*")))
    factories.user(account, "alice", allow("sns:*"), tags={"team": "blue"}, boundary=fence.arn)
    factories.attach(account, mine, user_name="alice")
    factories.group(account, "eng", members=("alice",))
    factories.group(account, "ops", members=("alice",))
    factories.group(account, "elsewhere")
    factories.attach(account, groups, group_name="eng")
    factories.attach(account, aws, group_name="ops")
    factories.attach(account, groups, group_name="ops")  # attached through two groups: gathered once
    factories.put_group_policy(account, "eng", document(deny("iam:Delete*")), policy_name="no-delete")
    factories.put_group_policy(account, "elsewhere", document(allow("*")), policy_name="not-hers")
    user = User.objects.get(name="alice")

    gathered = gather_principal_policies(
        account_id=account.account_id,
        user_pk=user.pk,
        session_policy_arns=(session_only.arn, theirs.arn, mine.arn, session_only.arn),
    )

    assert gathered.found
    assert gathered.tags == {"team": "blue"}
    assert _texts(gathered.identity) == sorted(
        [
            (aws.arn, "aws-managed"),
            (groups.arn, "user-managed"),
            (mine.arn, "user-managed"),
            ("eng/no-delete", "group"),
            ("inline", "user"),
        ]
    )
    assert gathered.boundary == PolicyText(fence.arn, "PermissionsBoundaryPolicy", document(allow("*")))
    # Another account's policy is never gathered, whatever a session names; a repeated ARN counts once.
    assert _texts(gathered.session) == sorted([(mine.arn, "session"), (session_only.arn, "session")])
    assert gather_principal_policies(account_id=other_account.account_id, user_pk=user.pk).found is False
    assert gather_principal_policies(account_id=account.account_id, user_pk=user.pk + 10_000).found is False


def test_a_role_and_a_group_principal(account):
    attached = make_policy(account, "Attached", document(allow("s3:*")))
    factories.role(account, "Builder", tags={"env": "ci"})
    factories.attach(account, attached, role_name="Builder")
    factories.put_role_policy(account, "Builder", "inline-one", document(deny("s3:Delete*")))
    factories.group(account, "eng")
    factories.put_group_policy(account, "eng", document(allow("ec2:*")), policy_name="own")
    role = Role.objects.get(name="Builder")

    gathered = gather_principal_policies(account_id=account.account_id, role_pk=role.pk)
    assert (gathered.found, gathered.tags, gathered.boundary, gathered.session) == (True, {"env": "ci"}, None, ())
    assert _texts(gathered.identity) == [(attached.arn, "user-managed"), ("inline-one", "role")]

    group = gather_principal_policies(account_id=account.account_id, group_pk=Group.objects.get(name="eng").pk)
    assert (group.found, group.tags, _texts(group.identity)) == (True, {}, [("eng/own", "group")])
    assert gather_principal_policies(account_id=account.account_id).found is False


def test_a_list_page_is_one_query_and_its_rows_carry_the_call_s_account(account, other_account):
    from identities.selectors.roles import list_roles

    for index in range(3):
        factories.role(account, f"listed-{index}")
    factories.role(other_account, "elsewhere")
    owner = find_account(account.account_id)
    assert owner is not None
    with CaptureQueriesContext(connection) as queries:
        page = cast(Page[Role], list_roles(account=owner, max_items=2))
        arns = [(role.name, role.account.account_id) for role in page.items]
    assert len(queries.captured_queries) == 1
    assert 'JOIN "accounts_account"' not in queries.captured_queries[0]["sql"]
    assert arns == [("listed-0", account.account_id), ("listed-1", account.account_id)]
    assert all(role.account is owner for role in page.items)
    assert page.is_truncated
    rest = list_roles(account=owner, marker=page.marker)
    assert [role.name for role in rest.items] == ["listed-2"]


def test_the_query_face_s_list_roles_reads_tuples_and_renders_the_same_bytes_as_the_model_rows(account):
    from iamconsole.awsquery import params, render
    from iamconsole.awsquery.views import _shape
    from identities.selectors.roles import ListedRole

    fence = make_policy(account, "fence", document(allow("s3:*")))
    trust_text = (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
        '"Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
    )
    factories.role(account, "plain")
    factories.role(account, "Svc", path="/svc/", description="Ünïcödé <b>&amp;</b> ¡ÿ\t\r\n \"q\" 'a'")
    factories.role(account, "bounded", path="/svc/inner/", boundary=fence.arn, tags={"team": "blue", "k": "v"})
    factories.role(account, "trusting", trust_text, path="/SVC/", max_session_duration=7200, description="x")
    used = factories.role(account, "used", path="/svc/")
    Role.objects.filter(pk=used.pk).update(last_used_at=datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC))
    Role.objects.filter(pk=used.pk).update(last_used_region="eu-west-1")
    model = params.operation_model("iam", "ListRoles", params.API_VERSIONS["iam"])

    def rendered(source: Source, call: dict[str, object]) -> tuple[bytes, object]:
        page = operations.run(account.root, "ListRoles", call, request=RequestContext(source=source))
        body = render.render_result(model, _shape("ListRoles", True, page), "req")
        return body, page

    for prefix in ("/", "/svc/", "/SVC/", "/svc/inner/", "/none/"):
        for max_items in (None, 1, 2, 1000):
            call: dict[str, object] = {"path_prefix": prefix, "max_items": max_items}
            while True:
                with CaptureQueriesContext(connection) as queries:
                    query_body, query_page = rendered(Source.QUERY, call)
                assert sum(1 for q in queries.captured_queries if "identities_role" in q["sql"]) == 1
                api_body, api_page = rendered(Source.API, call)
                assert query_body == api_body
                assert all(isinstance(row, ListedRole) for row in query_page.items)  # type: ignore[attr-defined]
                assert query_page.marker == api_page.marker  # type: ignore[attr-defined]
                if not query_page.is_truncated:  # type: ignore[attr-defined]
                    break
                call = {**call, "marker": query_page.marker}  # type: ignore[attr-defined]
