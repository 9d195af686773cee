"""Service last accessed data, from the audit trail: what the report jobs compute and what the Get operations read.

A report is about a user, a role, a group or a managed policy. It lists every service the entity's policies allow
(an ``Allow`` statement's actions expanded with the action catalogue) and, for each, when the entity (a group's
members; for a policy, every user, role and group it is attached to) last sent a request to it, as recorded in the
audit trail within the tracking period. Action-level reports add, for the services the audit trail records (IAM
and STS), each allowed action's last use. ``ListPoliciesGrantingServiceAccess`` answers at once which of the entity's
policies allow each service.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.db.models import Max, Q
from django.utils import timezone

from accounts.models import Account, AuditEvent
from iamconsole.arn import iam_arn, parse_arn
from iamconsole.errors import InvalidInput, NoSuchEntity, constraint_error
from iamconsole.pagination import check_max_items, decode_marker, encode_marker
from identities.models import Group, PolicyAttachment, Role, ServiceLastAccessedJob, User
from identities.selectors.principal_policies import PolicyText, gather_principal_policies
from identities.statements import as_list, statements_of
from policies import selectors as policy_selectors
from policies.engine.catalog import get_catalog
from policies.engine.document import parse_policy
from policies.engine.errors import PolicyError
from policies.engine.validation import validate_policy

#: "IAM reports activity for the last 400 days" (IAM User Guide, "Refining permissions using last accessed data").
TRACKING_PERIOD = timedelta(days=400)
#: Services whose actions the audit trail records one by one: the ones iamconsole serves.
ACTION_TRACKED_SERVICES = ("iam", "sts")
#: IAM and STS are global; AWS reports their region as us-east-1.
GLOBAL_REGION = "us-east-1"
JOB_ID_LENGTH = 36
GRANULARITIES = ("SERVICE_LEVEL", "ACTION_LEVEL")

P = TypeVar("P", User, Role, Group)


def _invalid_arn(arn: str) -> InvalidInput:
    return InvalidInput(f"Invalid ARN {arn}: a user, group, role or managed policy is required.", field="arn")


@dataclass(frozen=True, slots=True)
class Tracked:
    """An entity whose requests count: a user (exact ARN), a role (its sessions' ARN prefix) or a group (members)."""

    arn: str
    name: str
    type: str  # USER, ROLE or GROUP
    id: str
    path: str
    actor_arns: frozenset[str] = frozenset()
    session_prefix: str = ""

    def matches(self, actor_arn: str) -> bool:
        return actor_arn in self.actor_arns or bool(self.session_prefix and actor_arn.startswith(self.session_prefix))

    def info(self) -> dict[str, str]:
        return {"Arn": self.arn, "Name": self.name, "Type": self.type, "Id": self.id, "Path": self.path}


def _user_tracked(account_id: str, user: User) -> Tracked:
    arn = iam_arn(account_id, "user", user.name, user.path)
    return Tracked(arn, user.name, "USER", user.user_id, user.path, actor_arns=frozenset({arn}))


def _role_tracked(account_id: str, role: Role) -> Tracked:
    arn = iam_arn(account_id, "role", role.name, role.path)
    prefix = f"arn:aws:sts::{account_id}:assumed-role/{role.name}/"
    return Tracked(arn, role.name, "ROLE", role.role_id, role.path, actor_arns=frozenset({arn}), session_prefix=prefix)


def _group_tracked(account_id: str, group: Group) -> Tracked:
    members = User.objects.filter(memberships__group=group).values_list("name", "path")
    arns = frozenset(iam_arn(account_id, "user", name, path) for name, path in members)
    arn = iam_arn(account_id, "group", group.name, group.path)
    return Tracked(arn, group.name, "GROUP", group.group_id, group.path, actor_arns=arns)


@dataclass(frozen=True, slots=True)
class Subject:
    """What a report or ListPoliciesGrantingServiceAccess is about: its policies and the entities that count."""

    kind: str  # user, role, group or policy
    policies: tuple[PolicyText, ...]
    tracked: tuple[Tracked, ...]
    #: For inline policies: the type and name of the entity each belongs to, by its label.
    owners: dict[str, tuple[str, str]]


def resolve_subject(*, account: Account, arn: str) -> Subject:
    """The user, role, group or managed policy ``arn`` names, with its policies (``NoSuchEntity`` when it does not
    exist, ``InvalidInput`` for any other ARN)."""
    parsed = parse_arn(arn)
    if parsed is None or parsed.service != "iam":
        raise _invalid_arn(arn)
    kind, _, rest = parsed.resource.partition("/")
    name = rest.rsplit("/", 1)[-1]
    account_id = account.account_id
    if kind == "policy" and parsed.account in ("aws", account_id):
        policy = policy_selectors.get_policy_by_arn(account=account, policy_arn=arn)
        document = policy_selectors.default_documents([policy.pk])[policy.pk]
        return Subject("policy", (PolicyText(arn, "managed", document),), _policy_entities(account, policy.pk), {})
    if parsed.account != account_id or not name:
        raise _invalid_arn(arn)
    if kind == "user":
        user = _principal_named(User, "user", account, name)
        gathered = gather_principal_policies(account_id=account_id, user_pk=user.pk)
        return Subject("user", gathered.identity, (_user_tracked(account_id, user),), _owners("USER", user.name))
    if kind == "role":
        role = _principal_named(Role, "role", account, name)
        gathered = gather_principal_policies(account_id=account_id, role_pk=role.pk)
        return Subject("role", gathered.identity, (_role_tracked(account_id, role),), _owners("ROLE", role.name))
    if kind == "group":
        group = _principal_named(Group, "group", account, name)
        gathered = gather_principal_policies(account_id=account_id, group_pk=group.pk)
        members = User.objects.filter(memberships__group=group).order_by("name")
        return Subject(
            "group",
            gathered.identity,
            tuple(_user_tracked(account_id, user) for user in members),
            _owners("GROUP", group.name),
        )
    raise _invalid_arn(arn)


def _principal_named(model: type[P], kind: str, account: Account, name: str) -> P:
    """The account's user, role or group of that name (ignoring case); ``NoSuchEntity`` on ``arn`` otherwise."""
    found = model._default_manager.filter(account=account, name__iexact=name).first()
    if found is None:
        raise NoSuchEntity(f"The {kind} with name {name} cannot be found.", field="arn")
    return found


def _owners(entity_type: str, name: str) -> dict[str, tuple[str, str]]:
    # Inline policies are labelled "NAME" (the entity's own) or "GROUP/NAME" (a group's); see gather_principal_policies.
    return {"": (entity_type, name)}


def _owner_of(subject: Subject, policy: PolicyText) -> tuple[str, str] | None:
    if policy.source_type == "group":
        return ("GROUP", policy.source_id.split("/", 1)[0])
    if policy.source_type in ("user", "role"):
        return subject.owners.get("")
    return None


def _policy_entities(account: Account, policy_pk: int) -> tuple[Tracked, ...]:
    attachments = PolicyAttachment.objects.filter(account=account, policy_id=policy_pk).select_related(
        "user", "role", "group"
    )
    tracked = []
    for attachment in attachments.order_by("pk"):
        if attachment.user is not None:
            tracked.append(_user_tracked(account.account_id, attachment.user))
        elif attachment.role is not None:
            tracked.append(_role_tracked(account.account_id, attachment.role))
        elif attachment.group is not None:
            tracked.append(_group_tracked(account.account_id, attachment.group))
    return tuple(tracked)


@dataclass(frozen=True, slots=True)
class Grants:
    """What a set of policies allows: service namespaces, and lower-cased ``service:action`` names."""

    services: frozenset[str]
    actions: frozenset[str]


def _statement_grants(statement: Any) -> tuple[set[str], set[str]]:
    catalog = get_catalog()
    services: set[str] = set()
    actions: set[str] = set()
    if statement.action is not None:
        for pattern in statement.action:
            for info in catalog.expand_action(pattern):
                services.add(info.service)
                actions.add(info.full_name.lower())
    elif statement.not_action is not None:
        excluded = set().union(*(catalog.expand_action_names(pattern) for pattern in statement.not_action))
        for info in catalog.expand_action("*"):
            if info.full_name.lower() not in excluded:
                services.add(info.service)
                actions.add(info.full_name.lower())
    return services, actions


def policy_grants(texts: Iterable[PolicyText]) -> dict[str, Grants]:
    """Each policy's grants, by its label (a policy that does not parse grants nothing)."""
    grants: dict[str, Grants] = {}
    for text in texts:
        services: set[str] = set()
        actions: set[str] = set()
        try:
            policy = parse_policy(text.document)
        except PolicyError:
            policy = None
        for statement in policy.statements if policy is not None else ():
            if statement.effect == "Allow":
                found_services, found_actions = _statement_grants(statement)
                services |= found_services
                actions |= found_actions
        grants[f"{text.source_type}:{text.source_id}"] = Grants(frozenset(services), frozenset(actions))
    return grants


def _service_name(namespace: str) -> str:
    service = get_catalog().service(namespace)
    return service.name if service is not None else namespace


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def compute_report(*, account: Account, arn: str, granularity: str, now: datetime) -> list[dict[str, Any]]:
    """The report of a job: one entry per allowed service, sorted by namespace (stored as the job's result)."""
    subject = resolve_subject(account=account, arn=arn)
    all_grants = policy_grants(subject.policies).values()
    services = frozenset().union(*(grant.services for grant in all_grants))
    actions = frozenset().union(*(grant.actions for grant in all_grants))
    exact = set().union(*(tracked.actor_arns for tracked in subject.tracked))
    prefixes = [tracked.session_prefix for tracked in subject.tracked if tracked.session_prefix]
    who = Q(actor_arn__in=exact)
    for prefix in prefixes:
        who |= Q(actor_arn__startswith=prefix)
    rows = (
        AuditEvent.objects.filter(account_id_value=account.account_id, time__gte=now - TRACKING_PERIOD, time__lte=now)
        .filter(who)
        .values("actor_arn", "event_source", "event_name")
        .annotate(last=Max("time"))
    )
    # (namespace) -> tracked arn -> last time; (namespace, action) -> (last time, actor)
    by_service: dict[str, dict[str, datetime]] = {}
    by_action: dict[str, tuple[datetime, str]] = {}
    for row in rows if subject.tracked else ():
        namespace = str(row["event_source"]).split(".", 1)[0]
        action = f"{namespace}:{row['event_name']}".lower()
        if namespace not in services or (namespace in ACTION_TRACKED_SERVICES and action not in actions):
            continue
        last: datetime = row["last"]
        # AWS names the user or role (never a role's session) as the entity that accessed the service.
        for tracked in subject.tracked:
            if not tracked.matches(row["actor_arn"]):
                continue
            entities = by_service.setdefault(namespace, {})
            if tracked.arn not in entities or entities[tracked.arn] < last:
                entities[tracked.arn] = last
            entity = row["actor_arn"] if tracked.type == "GROUP" else tracked.arn
            if granularity == "ACTION_LEVEL" and (action not in by_action or by_action[action][0] < last):
                by_action[action] = (last, entity)
    report = []
    for namespace in sorted(services):
        accessed = by_service.get(namespace, {})
        latest = max(accessed.items(), key=lambda item: item[1]) if accessed else None
        entry: dict[str, Any] = {
            "namespace": namespace,
            "name": _service_name(namespace),
            "last": _iso(latest[1]) if latest else None,
            "entity": latest[0] if latest else None,
            "total": len(accessed),
            "entities": [
                {"info": tracked.info(), "last": _iso(accessed.get(tracked.arn))} for tracked in subject.tracked
            ],
        }
        if granularity == "ACTION_LEVEL" and namespace in ACTION_TRACKED_SERVICES:
            service = get_catalog().service(namespace)
            names = sorted(
                info.name for info in (service.actions.values() if service else ()) if info.full_name.lower() in actions
            )
            entry["actions"] = []
            for name in names:
                used = by_action.get(f"{namespace}:{name}".lower())
                entry["actions"].append(
                    {"action": name, "last": _iso(used[0]) if used else None, "entity": used[1] if used else None}
                )
        report.append(entry)
    return report


# --- the Get operations ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LastAccessedPage:
    """One page of a job's report (services, or one service's entities) with the job's status."""

    job: ServiceLastAccessedJob
    items: Sequence[dict[str, Any]]
    is_truncated: bool = False
    marker: str | None = None


def _job(account: Account, job_id: str) -> ServiceLastAccessedJob:
    # JobId is 36 characters (jobIDType); checked before the query, which could not even carry a NUL character.
    if len(job_id) != JOB_ID_LENGTH:
        bound = "greater" if len(job_id) < JOB_ID_LENGTH else "less"
        constraint = f"Member must have length {bound} than or equal to {JOB_ID_LENGTH}"
        raise constraint_error("JobId", job_id, constraint, field="job_id")
    job = ServiceLastAccessedJob.objects.filter(account=account, job_id=job_id).first()
    if job is None:
        raise NoSuchEntity(f"The job with id {job_id} cannot be found.", field="job_id")
    return job


def _page(
    job: ServiceLastAccessedJob, items: Sequence[dict[str, Any]], marker: str | None, max_items: int | None
) -> LastAccessedPage:
    limit = check_max_items(max_items)
    start = int(decode_marker(marker)) if marker else 0
    if start < 0:
        raise InvalidInput("Invalid Marker.", field="marker")
    chunk = items[start : start + limit]
    if start + limit < len(items):
        return LastAccessedPage(job, chunk, is_truncated=True, marker=encode_marker(start + limit))
    return LastAccessedPage(job, chunk)


def get_service_last_accessed_details(
    *, account: Account, job_id: str, marker: str | None = None, max_items: int | None = None
) -> LastAccessedPage:
    """GetServiceLastAccessedDetails: the job's status and, once completed, its services."""
    job = _job(account, job_id)
    items = list(job.result) if job.status == ServiceLastAccessedJob.Status.COMPLETED else []
    return _page(job, items, marker, max_items)


def get_service_last_accessed_details_with_entities(
    *, account: Account, job_id: str, service_namespace: str, marker: str | None = None, max_items: int | None = None
) -> LastAccessedPage:
    """GetServiceLastAccessedDetailsWithEntities: for one service, each entity that counts and its last access."""
    job = _job(account, job_id)
    items: list[dict[str, Any]] = []
    if job.status == ServiceLastAccessedJob.Status.COMPLETED:
        for entry in job.result:
            if entry["namespace"] == service_namespace:
                items = list(entry["entities"])
    return _page(job, items, marker, max_items)


@dataclass(frozen=True, slots=True)
class GrantingPolicies:
    """ListPoliciesGrantingServiceAccess's answer: per namespace asked for, the policies that allow it."""

    services: Sequence[dict[str, Any]]


def list_policies_granting_service_access(
    *, account: Account, arn: str, service_namespaces: Sequence[str], marker: str | None = None
) -> GrantingPolicies:
    """ListPoliciesGrantingServiceAccess: which of the entity's policies allow each of 1–200 service namespaces."""
    if not service_namespaces or len(service_namespaces) > 200:
        raise constraint_error(
            "ServiceNamespaces",
            list(service_namespaces),
            "Member must have length between 1 and 200",
            field="service_namespaces",
        )
    if marker:
        raise InvalidInput("Invalid Marker.", field="marker")  # every answer fits in one page: no marker is issued
    subject = resolve_subject(account=account, arn=arn)
    grants = policy_grants(subject.policies)
    answer = []
    for namespace in service_namespaces:
        policies = []
        for text in subject.policies:
            if namespace.lower() not in grants[f"{text.source_type}:{text.source_id}"].services:
                continue
            if text.source_type in ("aws-managed", "user-managed", "managed"):
                item: dict[str, Any] = {
                    "PolicyName": text.source_id.rsplit("/", 1)[-1],
                    "PolicyType": "MANAGED",
                    "PolicyArn": text.source_id,
                }
            else:
                item = {"PolicyName": text.source_id.split("/", 1)[-1], "PolicyType": "INLINE"}
                owner = _owner_of(subject, text)
                if owner is not None:
                    item["EntityType"], item["EntityName"] = owner
            policies.append(item)
        answer.append({"ServiceNamespace": namespace, "Policies": policies})
    return GrantingPolicies(answer)


def check_granularity(granularity: str) -> str:
    if granularity not in GRANULARITIES:
        raise constraint_error(
            "Granularity",
            granularity,
            "Member must satisfy enum value set: [SERVICE_LEVEL, ACTION_LEVEL]",
            field="granularity",
        )
    return granularity


__all__ = [
    "GrantingPolicies",
    "LastAccessedPage",
    "UnusedPermissions",
    "check_granularity",
    "compute_report",
    "get_service_last_accessed_details",
    "get_service_last_accessed_details_with_entities",
    "get_unused_permissions",
    "list_policies_granting_service_access",
    "resolve_subject",
]


# --- beyond AWS: unused permissions ------------------------------------------------------------------------------

UNUSED_DAYS_DEFAULT = 90


@dataclass(frozen=True, slots=True)
class UnusedPermissions:
    """GetUnusedPermissions' answer for a user or role.

    ``unused_services``: granted service namespaces without any request in the period; ``unused_actions`` and
    ``used_actions``: granted actions (``service:Action``) of the services that were used, by whether they were;
    ``suggested_policy``: the principal's Allow statements narrowed to the used actions (resources and conditions
    kept, Deny statements kept), or None when nothing was used; ``findings``: its validation findings.
    """

    arn: str
    days: int
    unused_services: Sequence[str]
    unused_actions: Sequence[str]
    used_actions: Sequence[str]
    suggested_policy: str | None
    findings: Sequence[dict[str, str]]


def _narrowed(statement: dict[str, Any], used: frozenset[str]) -> dict[str, Any] | None:
    """An Allow statement keeping only its used actions (None when it grants none of them); Deny kept as written."""
    narrowed = {key: value for key, value in statement.items() if key != "Sid"}
    if statement.get("Effect") != "Allow":
        return narrowed
    catalog = get_catalog()
    if "NotAction" in statement:
        excluded = set().union(*(catalog.expand_action_names(str(p)) for p in as_list(statement["NotAction"])))
        granted = [info for info in catalog.expand_action("*") if info.full_name.lower() not in excluded]
        del narrowed["NotAction"]
    else:
        granted = [info for pattern in as_list(statement.get("Action")) for info in catalog.expand_action(str(pattern))]
    kept = sorted({info.full_name for info in granted if info.full_name.lower() in used})
    if not kept:
        return None
    narrowed["Action"] = kept if len(kept) > 1 else kept[0]
    return narrowed


def get_unused_permissions(*, account: Account, arn: str, days: int = UNUSED_DAYS_DEFAULT) -> UnusedPermissions:
    """What a user or role is granted and has not used in ``days`` days (1–400), from the audit trail, with a
    least-privilege version of its policies."""
    if not 1 <= days <= TRACKING_PERIOD.days:
        raise constraint_error(
            "Days", days, f"Member must have value between 1 and {TRACKING_PERIOD.days}", field="days"
        )
    subject = resolve_subject(account=account, arn=arn)
    if subject.kind not in ("user", "role"):
        raise InvalidInput(f"Invalid ARN {arn}: a user or role is required.", field="arn")
    moment = timezone.now()
    all_grants = policy_grants(subject.policies).values()
    services = frozenset().union(*(grant.services for grant in all_grants))
    granted = frozenset().union(*(grant.actions for grant in all_grants))
    (tracked,) = subject.tracked
    who = Q(actor_arn__in=tracked.actor_arns)
    if tracked.session_prefix:
        who |= Q(actor_arn__startswith=tracked.session_prefix)
    events = (
        AuditEvent.objects.filter(account_id_value=account.account_id, time__gte=moment - timedelta(days=days))
        .filter(who)
        .values_list("event_source", "event_name")
        .distinct()
    )
    used = frozenset(f"{source.split('.', 1)[0]}:{name}".lower() for source, name in events) & granted
    used_services = {action.split(":", 1)[0] for action in used}
    names = {info.full_name.lower(): info.full_name for info in get_catalog().expand_action("*")}
    statements = [
        narrowed
        for text in subject.policies
        for statement in statements_of(text.document)
        if (narrowed := _narrowed(statement, used)) is not None
    ]
    suggested = None
    findings: list[dict[str, str]] = []
    if any(statement.get("Effect") == "Allow" for statement in statements):
        suggested = json.dumps({"Version": "2012-10-17", "Statement": statements}, indent=2)
        findings = [
            {"type": str(finding.type), "code": finding.code, "message": finding.message}
            for finding in validate_policy(suggested, "identity")
        ]
    return UnusedPermissions(
        arn=arn,
        days=days,
        unused_services=sorted(services - used_services),
        unused_actions=sorted(
            names.get(action, action) for action in granted - used if action.split(":", 1)[0] in used_services
        ),
        used_actions=sorted(names.get(action, action) for action in used),
        suggested_policy=suggested,
        findings=findings,
    )
