"""operations.run: authorize, call, and audit — successes in the transaction, failures after the rollback."""

from __future__ import annotations

import pytest
from django.db import transaction

from accounts.models import AuditEvent
from iamconsole import operations
from iamconsole.actors import Actor, ActorKind, RequestContext, Source
from iamconsole.errors import AccessDenied, InvalidAction, InvalidInput, ValidationError
from tests import factories
from tests.factories import allow, document


def events(account, **filters):
    return AuditEvent.objects.filter(account_id_value=account.account_id, **filters)


def test_success_is_recorded_with_the_request_facts(account):
    request = RequestContext(source=Source.QUERY, source_ip="203.0.113.9", user_agent="aws-cli/1")
    operations.run(account.root, "CreateAccountAlias", {"account_alias": "audited"}, request=request)
    event = events(account, event_name="CreateAccountAlias").get()
    assert event.outcome == "success"
    assert event.actor_arn == f"arn:aws:iam::{account.account_id}:root"
    assert (event.source, event.source_ip, event.user_agent) == ("query", "203.0.113.9", "aws-cli/1")
    assert event.request_id == request.request_id
    assert event.event_source == "iam.amazonaws.com"
    assert not event.read_only


def test_reads_are_recorded_as_read_only_unless_turned_off(account, settings):
    operations.run(account.root, "ListAccountAliases")
    assert events(account, event_name="ListAccountAliases").get().read_only
    settings.IAM_AUDIT_READS = False
    operations.run(account.root, "ListAccountAliases")
    assert events(account, event_name="ListAccountAliases").count() == 1


def test_failed_call_is_recorded_and_its_record_survives_the_rollback(account):
    with pytest.raises(ValidationError):
        operations.run(account.root, "CreateAccountAlias", {"account_alias": "-bad-"})
    event = events(account, event_name="CreateAccountAlias").get()
    assert event.outcome == "failed"
    assert event.error_code == "ValidationError"


def test_failure_inside_a_callers_transaction_keeps_its_record(account):
    """The failed operation rolls back only its own work; the record of the failure stays."""
    with transaction.atomic():
        operations.run(account.root, "CreateAccountAlias", {"account_alias": "kept-alias"})
        with pytest.raises(ValidationError):
            operations.run(account.root, "UpdateAccountPasswordPolicy", {"minimum_password_length": 2})
    assert operations.run(account.root, "ListAccountAliases") == ["kept-alias"]
    assert events(account, event_name="UpdateAccountPasswordPolicy", outcome="failed").count() == 1


def test_denied_call_is_recorded_with_access_denied(account, other_account):
    intruder = Actor.root(other_account.account_id)
    with pytest.raises(AccessDenied):
        operations.run(intruder, "CreateAccount", {})
    event = AuditEvent.objects.get(event_name="CreateAccount", outcome="denied")
    assert (event.outcome, event.error_code) == ("denied", "AccessDenied")


def test_unknown_operation_is_invalid_action(account):
    with pytest.raises(InvalidAction):
        operations.run(account.root, "LaunchRocket", {})


def test_every_operation_is_declared_once_with_a_callable_handler():
    table = operations.operations()
    assert "CreateAccountAlias" in table and "CreateAccessKey" in table
    for name, operation in table.items():
        assert operation.name == name
        assert callable(operation.handler)
        assert operation.service in {"iam", "sts", "access-analyzer", "cloudtrail"}


def test_a_parameter_the_handler_does_not_take_is_refused_clearly(account):
    with pytest.raises(InvalidInput, match="does not support the parameter") as excinfo:
        operations.run(account.root, "ListAccountAliases", {"color": "blue"})
    assert excinfo.value.field == "color"


def test_a_handler_forwarding_kwargs_must_declare_its_parameters():
    def adapter(*, account, **params):
        return params

    with pytest.raises(RuntimeError, match="declare the operation's parameters"):
        operations.accepted_parameters(operations.Operation("Forwarding", adapter))
    declared = operations.Operation("Forwarding", adapter, parameters=frozenset({"role_name"}))
    assert operations.accepted_parameters(declared) == {"role_name"}


def test_every_model_member_iamconsole_does_not_implement_is_refused_by_name(account):
    """Whatever botocore is installed: a member its model defines that an operation does not implement is
    InvalidInput naming it (never a TypeError deep in a service), for every operation and every such member."""
    from botocore import xform_name

    from iamconsole.awsquery import params as query_params

    refused = 0
    for name, operation in operations.operations().items():
        if operation.service not in query_params.API_VERSIONS:
            continue
        model = query_params.service_model(operation.service)
        shape = model.operation_model(name).input_shape if name in model.operation_names else None
        if shape is None:
            continue
        members = {xform_name(member) for member in shape.members}
        for member in sorted(members - operations.accepted_parameters(operation)):
            with pytest.raises(InvalidInput) as excinfo:
                operations._refuse_unsupported(operation, {member: "x"})
            assert excinfo.value.field == member
            assert member in excinfo.value.message
            refused += 1
    # Not vacuous: today's models define members iamconsole leaves out (CreateLoginProfile's session duration).
    assert refused > 0


def test_an_implicit_user_is_the_calling_user_and_other_sessions_must_name_one(account):
    factories.user(account, "caller")
    factories.put_user_policy(account, "caller", document(allow("iam:*")), policy_name="keys")
    caller = factories.actor_for(account, "caller")
    assert operations.run(caller, "GetUser", {}).name == "caller"
    created = operations.run(caller, "CreateAccessKey", {})
    assert created.access_key.user.name == "caller"
    assert operations.run(account.root, "GetUser", {}).arn == f"arn:aws:iam::{account.account_id}:root"
    session = Actor(
        kind=ActorKind.ROLE_SESSION,
        account_id=account.account_id,
        arn=f"arn:aws:sts::{account.account_id}:assumed-role/R/s",
        principal_id="AROAEXAMPLE:s",
    )
    with pytest.raises(ValidationError, match="Must specify userName when calling with non-User credentials"):
        operations.implicit_user_name(session, None)


def test_writes_to_an_aws_managed_policy_are_denied_before_the_service(account):
    arn = "arn:aws:iam::aws:policy/AdministratorAccess"
    with pytest.raises(AccessDenied) as excinfo:
        operations.run(account.root, "TagPolicy", {"policy_arn": arn, "tags": [{"key": "k", "value": "v"}]})
    assert excinfo.value.message == (
        f"User: arn:aws:iam::{account.account_id}:root is not authorized to perform: iam:TagPolicy on resource: "
        f"{arn} because no resource-based policy allows the iam:TagPolicy action"
    )


TRUST_ANYONE = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, '
    '"Action": "sts:AssumeRole"}]}'
)


@pytest.mark.parametrize(
    ("operation", "params", "table"),
    [
        ("UntagUser", {"user_name": "target", "tag_keys": ["team"]}, "identities_user"),
        ("DeleteUserPermissionsBoundary", {"user_name": "target"}, "identities_user"),
        ("UntagRole", {"role_name": "target", "tag_keys": ["team"]}, "identities_role"),
        ("DeleteRolePermissionsBoundary", {"role_name": "target"}, "identities_role"),
    ],
)
def test_the_target_is_read_once_for_its_arn_tags_and_boundary(account, operation, params, table):
    """The resource ARN (path), ``aws:ResourceTag/*`` and ``iam:PermissionsBoundary`` come from one read of the
    user or role; the only other read of it is the service's own, which locks the row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    factories.user(account, "target", path="/staff/", tags={"team": "blue"})
    factories.role(account, "target", TRUST_ANYONE, path="/app/", tags={"team": "blue"})
    with CaptureQueriesContext(connection) as queries:
        operations.run(account.root, operation, params)
    reads = [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT") and f'FROM "{table}"' in q["sql"]
    ]
    assert len(reads) == 2, reads
    event = AuditEvent.objects.filter(event_name=operation).get()
    kind = "user" if table == "identities_user" else "role"
    path = "/staff/" if kind == "user" else "/app/"
    assert event.resource_arn == f"arn:aws:iam::{account.account_id}:{kind}{path}target"


def test_if_match_is_a_parameter_of_the_rest_face_alone():
    """The writes that honour the REST API's If-Match take ``if_match``; no botocore member is named so, and the
    Query API decodes an ``IfMatch`` field to nothing, so ``/aws`` can neither send it nor be refused for it."""
    from botocore import xform_name

    from iamconsole.awsquery import params as query_params

    taking = {name for name, op in operations.operations().items() if "if_match" in operations.accepted_parameters(op)}
    assert taking == {
        "UpdateAssumeRolePolicy",
        "PutUserPolicy",
        "DeleteUserPolicy",
        "PutGroupPolicy",
        "DeleteGroupPolicy",
        "PutRolePolicy",
        "DeleteRolePolicy",
        "CreatePolicyVersion",
        "SetDefaultPolicyVersion",
    }
    model = query_params.service_model("iam")
    for name in taking:
        shape = model.operation_model(name).input_shape
        assert shape is not None
        assert "if_match" not in {xform_name(member) for member in shape.members}
    form = {"RoleName": "web", "PolicyDocument": "{}", "IfMatch": '"stale"'}
    assert query_params.decode(model.operation_model("UpdateAssumeRolePolicy"), form) == {
        "role_name": "web",
        "policy_document": "{}",
    }
