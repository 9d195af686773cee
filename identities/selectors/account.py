"""Account-wide reads: GetAccountSummary and GetAccountAuthorizationDetails.

Mirrors the IAM API Reference: the summary holds what AWS's ``SummaryMap`` reports (entity counts and quotas);
the authorization details are the account's users, groups, roles and managed policies with everything attached to
them, filtered by entity type and paginated with one marker across the four lists, in a constant number of queries
per page whatever the number of entities (each list is one query plus its prefetches).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from accounts.models import Account
from iamconsole import quotas
from iamconsole.errors import ValidationError, constraint_error
from iamconsole.pagination import check_max_items, decode_marker, encode_marker
from identities.models import (
    AccessKey,
    AccountIamSettings,
    Group,
    InlinePolicy,
    InstanceProfile,
    MFADevice,
    OpenIDConnectProvider,
    PolicyAttachment,
    Role,
    SAMLProvider,
    ServerCertificate,
    SigningCertificate,
    User,
)
from identities.selectors.policy_usage import with_usage_counts
from policies.models import ManagedPolicy, PolicyVersion

__all__ = [
    "AccountSummary",
    "AuthorizationDetails",
    "EntityFilter",
    "get_account_authorization_details",
    "get_account_summary",
]


# Fixed quotas AWS reports in the summary and does not let an account raise ("IAM and AWS STS quotas").
USER_POLICY_SIZE = 2048
GROUP_POLICY_SIZE = 5120
ROLE_POLICY_SIZE = 10240
POLICY_SIZE = 6144
GROUPS_PER_USER = 10
ACCESS_KEYS_PER_USER = 2
SIGNING_CERTIFICATES_PER_USER = 2
SERVER_CERTIFICATES = 20
ATTACHED_POLICIES_PER_GROUP = 10
VERSIONS_PER_POLICY = 5
POLICY_VERSIONS_IN_USE = 10000


def _count(queryset: QuerySet[Any]) -> Subquery:
    """A scalar subquery counting ``queryset`` (so the whole summary is one query)."""
    return Subquery(
        queryset.order_by().annotate(one=Value(1)).values("one").annotate(n=Count("pk")).values("n")[:1],
        output_field=IntegerField(),
    )


_SUMMARY_COUNTS = (
    "users",
    "groups",
    "roles",
    "policies",
    "instance_profiles",
    "saml",
    "oidc",
    "mfa_devices",
    "mfa_in_use",
    "root_mfa",
    "root_keys",
    "attachments",
    "server_certificates",
    "root_signing_certificates",
    "token_version",
)


@dataclass(frozen=True, slots=True)
class AccountSummary:
    """What GetAccountSummary reports: the account's entity counts, whether the root user has MFA, access keys and a
    password, and the quotas in force (the installation's own, or AWS's fixed ones). ``awsapi`` shapes it as AWS's
    ``SummaryMap``."""

    users: int
    users_quota: int
    groups: int
    groups_quota: int
    server_certificates: int
    server_certificates_quota: int
    user_policy_size_quota: int
    group_policy_size_quota: int
    groups_per_user_quota: int
    signing_certificates_per_user_quota: int
    access_keys_per_user_quota: int
    mfa_devices: int
    mfa_devices_in_use: int
    account_mfa_enabled: bool
    account_access_keys_present: bool
    account_password_present: bool
    account_signing_certificates_present: bool
    attached_policies_per_group_quota: int
    attached_policies_per_role_quota: int
    attached_policies_per_user_quota: int
    policies: int
    policies_quota: int
    policy_size_quota: int
    policy_versions_in_use: int
    policy_versions_in_use_quota: int
    versions_per_policy_quota: int
    global_endpoint_token_version: int
    assume_role_policy_size_quota: int
    instance_profiles: int
    instance_profiles_quota: int
    providers: int
    role_policy_size_quota: int
    roles: int
    roles_quota: int


def get_account_summary(*, account: Account) -> AccountSummary:
    """GetAccountSummary: the account's entity counts and the installation's quotas, in one query."""
    counts = (
        Account.objects.filter(pk=account.pk)
        .annotate(
            n_users=Coalesce(_count(User.objects.filter(account=account)), 0),
            n_groups=Coalesce(_count(Group.objects.filter(account=account)), 0),
            n_roles=Coalesce(_count(Role.objects.filter(account=account)), 0),
            n_policies=Coalesce(_count(ManagedPolicy.objects.filter(account=account)), 0),
            n_instance_profiles=Coalesce(_count(InstanceProfile.objects.filter(account=account)), 0),
            n_saml=Coalesce(_count(SAMLProvider.objects.filter(account=account)), 0),
            n_oidc=Coalesce(_count(OpenIDConnectProvider.objects.filter(account=account)), 0),
            n_mfa_devices=Coalesce(_count(MFADevice.objects.filter(account=account)), 0),
            n_mfa_in_use=Coalesce(
                _count(
                    MFADevice.objects.filter(account=account, enabled_at__isnull=False).filter(
                        Q(user__isnull=False) | Q(assigned_to_root=True)
                    )
                ),
                0,
            ),
            n_root_mfa=Exists(
                MFADevice.objects.filter(account=account, assigned_to_root=True, enabled_at__isnull=False)
            ),
            n_root_keys=Exists(AccessKey.objects.filter(account=account, user__isnull=True)),
            n_attachments=Coalesce(_count(PolicyAttachment.objects.filter(account=account)), 0),
            n_server_certificates=Coalesce(_count(ServerCertificate.objects.filter(account=account)), 0),
            n_root_signing_certificates=Exists(SigningCertificate.objects.filter(account=account, user__isnull=True)),
            n_token_version=Coalesce(
                Subquery(
                    AccountIamSettings.objects.filter(account=account).values("global_endpoint_token_version")[:1]
                ),
                1,
            ),
        )
        .values(*(f"n_{name}" for name in _SUMMARY_COUNTS))
        .get()
    )
    return AccountSummary(
        users=counts["n_users"],
        users_quota=quotas.limit("users"),
        groups=counts["n_groups"],
        groups_quota=quotas.limit("groups"),
        server_certificates=counts["n_server_certificates"],
        server_certificates_quota=SERVER_CERTIFICATES,
        user_policy_size_quota=USER_POLICY_SIZE,
        group_policy_size_quota=GROUP_POLICY_SIZE,
        groups_per_user_quota=GROUPS_PER_USER,
        signing_certificates_per_user_quota=SIGNING_CERTIFICATES_PER_USER,
        access_keys_per_user_quota=ACCESS_KEYS_PER_USER,
        mfa_devices=counts["n_mfa_devices"],
        mfa_devices_in_use=counts["n_mfa_in_use"],
        account_mfa_enabled=bool(counts["n_root_mfa"]),
        account_access_keys_present=bool(counts["n_root_keys"]),
        account_password_present=True,
        account_signing_certificates_present=bool(counts["n_root_signing_certificates"]),
        attached_policies_per_group_quota=ATTACHED_POLICIES_PER_GROUP,
        attached_policies_per_role_quota=quotas.limit("managed_policies_per_role"),
        attached_policies_per_user_quota=quotas.limit("managed_policies_per_user"),
        policies=counts["n_policies"],
        policies_quota=quotas.limit("policies"),
        policy_size_quota=POLICY_SIZE,
        policy_versions_in_use=counts["n_attachments"],
        policy_versions_in_use_quota=POLICY_VERSIONS_IN_USE,
        versions_per_policy_quota=VERSIONS_PER_POLICY,
        global_endpoint_token_version=counts["n_token_version"],
        assume_role_policy_size_quota=quotas.limit("role_trust_policy_size"),
        instance_profiles=counts["n_instance_profiles"],
        instance_profiles_quota=quotas.limit("instance_profiles"),
        providers=counts["n_saml"] + counts["n_oidc"],
        role_policy_size_quota=ROLE_POLICY_SIZE,
        roles=counts["n_roles"],
        roles_quota=quotas.limit("roles"),
    )


class EntityFilter(StrEnum):
    """GetAccountAuthorizationDetails' ``Filter`` values, in the order the lists are returned."""

    USER = "User"
    GROUP = "Group"
    ROLE = "Role"
    LOCAL_MANAGED_POLICY = "LocalManagedPolicy"
    AWS_MANAGED_POLICY = "AWSManagedPolicy"


_ORDER = list(EntityFilter)


@dataclass(frozen=True, slots=True)
class AuthorizationDetails:
    """One page of GetAccountAuthorizationDetails: the four lists, ``IsTruncated`` and ``Marker``."""

    users: Sequence[User] = field(default_factory=list)
    groups: Sequence[Group] = field(default_factory=list)
    roles: Sequence[Role] = field(default_factory=list)
    policies: Sequence[ManagedPolicy] = field(default_factory=list)
    is_truncated: bool = False
    marker: str | None = None


def _inline() -> Prefetch[Any]:
    return Prefetch("inline_policies", queryset=InlinePolicy.objects.order_by("pk"))


def _attached() -> Prefetch[Any]:
    return Prefetch("attachments", queryset=PolicyAttachment.objects.select_related("policy").order_by("pk"))


def _querysets(account: Account) -> dict[EntityFilter, QuerySet[Any]]:
    boundary_users = User.objects.filter(account=account, permissions_boundary=OuterRef("pk"))
    boundary_roles = Role.objects.filter(account=account, permissions_boundary=OuterRef("pk"))
    policies = with_usage_counts(ManagedPolicy.objects.all(), account=account).prefetch_related(
        Prefetch("versions", queryset=PolicyVersion.objects.order_by("pk"))
    )
    in_use = Exists(PolicyAttachment.objects.filter(account=account, policy=OuterRef("pk")))
    return {
        EntityFilter.USER: User.objects.filter(account=account)
        .select_related("account", "permissions_boundary")
        .prefetch_related(_inline(), _attached(), Prefetch("groups", queryset=Group.objects.order_by("pk"))),
        EntityFilter.GROUP: Group.objects.filter(account=account)
        .select_related("account")
        .prefetch_related(_inline(), _attached()),
        EntityFilter.ROLE: Role.objects.filter(account=account)
        .select_related("account", "permissions_boundary")
        .prefetch_related(
            _inline(),
            _attached(),
            Prefetch(
                "instance_profiles", queryset=InstanceProfile.objects.select_related("account", "role").order_by("pk")
            ),
        ),
        EntityFilter.LOCAL_MANAGED_POLICY: policies.filter(account=account),
        # AWS lists only the AWS managed policies the account uses (attached or as a boundary).
        EntityFilter.AWS_MANAGED_POLICY: policies.filter(account__isnull=True).filter(
            in_use | Exists(boundary_users) | Exists(boundary_roles)
        ),
    }


def _parse_filter(values: Sequence[str] | None) -> list[EntityFilter]:
    if not values:
        return list(_ORDER)
    wanted: set[EntityFilter] = set()
    for value in values:
        try:
            wanted.add(EntityFilter(value))
        except ValueError:
            raise constraint_error(
                "Filter",
                list(values),
                "Member must satisfy constraint: [Member must satisfy enum value set: "
                "[User, Role, LocalManagedPolicy, Group, AWSManagedPolicy]]",
                field="filter",
            ) from None
    return [kind for kind in _ORDER if kind in wanted]


def _parse_marker(marker: str | None) -> tuple[int, int]:
    if not marker:
        return (0, 0)
    value = decode_marker(marker)
    try:
        kind, pk = str(value).split(":")
        return (int(kind), int(pk))
    except ValueError:
        raise ValidationError("Invalid Marker.", field="marker") from None


def get_account_authorization_details(
    *,
    account: Account,
    filter: Sequence[str] | None = None,
    marker: str | None = None,
    max_items: int | None = None,
) -> AuthorizationDetails:
    """GetAccountAuthorizationDetails: users, groups, roles and policies (with all versions) of the account.

    ``max_items`` counts entities across the four lists; the marker records the list and the last entity returned,
    so the next page starts right after it.
    """
    kinds = _parse_filter(filter)
    limit = check_max_items(max_items)
    after_kind, after_pk = _parse_marker(marker)
    querysets = _querysets(account)
    found: dict[EntityFilter, list[Any]] = {kind: [] for kind in _ORDER}
    remaining = limit
    for kind in kinds:
        index = _ORDER.index(kind)
        if index < after_kind:
            continue
        queryset = querysets[kind].order_by("pk")
        if index == after_kind and after_pk:
            queryset = queryset.filter(pk__gt=after_pk)
        rows = list(queryset[: remaining + 1])
        if len(rows) > remaining:
            found[kind] = rows[:remaining]
            # remaining is 0 only after an earlier list filled the page: this list then starts the next one.
            next_marker = encode_marker(f"{index}:{found[kind][-1].pk}" if found[kind] else f"{index}:0")
            return _details(found, is_truncated=True, marker=next_marker)
        found[kind] = rows
        remaining -= len(rows)
    return _details(found)


def _details(
    found: dict[EntityFilter, list[Any]], *, is_truncated: bool = False, marker: str | None = None
) -> AuthorizationDetails:
    return AuthorizationDetails(
        users=found[EntityFilter.USER],
        groups=found[EntityFilter.GROUP],
        roles=found[EntityFilter.ROLE],
        policies=[*found[EntityFilter.LOCAL_MANAGED_POLICY], *found[EntityFilter.AWS_MANAGED_POLICY]],
        is_truncated=is_truncated,
        marker=marker,
    )
