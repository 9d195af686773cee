"""IAM identities and everything attached to them.

Names of users, groups, roles and instance profiles are unique per account ignoring case, as in IAM; the database
holds that invariant with functional unique constraints, so concurrent creates cannot both succeed. Tags are kept as
an ordered JSON object on each entity: they are read with the entity, never queried across entities.
"""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower, Upper

from accounts.models import Account
from policies.models import ManagedPolicy


def name_lookup_index(entity: str) -> models.Index:
    """The index the name lookups (``name__iexact``, ``UPPER(name) = UPPER(%s)`` on PostgreSQL) use: the unique
    constraint's ``LOWER(name)`` cannot serve them, and without it GetRole scans every role of the account (26 ms at
    100,000 roles, benchmarks/bench_scale.py)."""
    return models.Index(Upper("name"), "account", name=f"{entity}_name_lookup")


class User(models.Model):
    """An IAM user."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="users")
    user_id = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=64)
    path = models.CharField(max_length=512, default="/")
    permissions_boundary = models.ForeignKey(
        ManagedPolicy, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    tags = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()
    password_last_used = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(Lower("name"), "account", name="user_name_unique_in_account")]
        indexes = [models.Index(fields=["account", "path"], name="user_account_path"), name_lookup_index("user")]

    def __str__(self) -> str:
        return self.name


class Group(models.Model):
    """An IAM group: a set of users sharing the group's policies."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="groups")
    group_id = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=128)
    path = models.CharField(max_length=512, default="/")
    created_at = models.DateTimeField()
    members = models.ManyToManyField(User, through="GroupMembership", related_name="groups")

    class Meta:
        constraints = [models.UniqueConstraint(Lower("name"), "account", name="group_name_unique_in_account")]
        indexes = [name_lookup_index("group")]

    def __str__(self) -> str:
        return self.name


class GroupMembership(models.Model):
    """A user's membership of a group (at most 10 groups per user)."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="group_membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} in {self.group}"


class Role(models.Model):
    """An IAM role: a trust policy saying who may assume it, and permission policies saying what it may do."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="roles")
    role_id = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=64)
    path = models.CharField(max_length=512, default="/")
    assume_role_policy_document = models.TextField()
    description = models.CharField(max_length=1000, blank=True)
    max_session_duration = models.PositiveIntegerField(default=3600)
    permissions_boundary = models.ForeignKey(
        ManagedPolicy, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    tags = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_used_region = models.CharField(max_length=32, blank=True)
    #: The service principal of a service-linked role (``elasticbeanstalk.amazonaws.com``); blank for other roles.
    linked_service = models.CharField(max_length=128, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(Lower("name"), "account", name="role_name_unique_in_account")]
        indexes = [models.Index(fields=["account", "path"], name="role_account_path"), name_lookup_index("role")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_service_linked(self) -> bool:
        return bool(self.linked_service)


#: Attachments and inline policies belong to exactly one user, group or role.
EXACTLY_ONE_PRINCIPAL = (
    models.Q(user__isnull=False, group__isnull=True, role__isnull=True)
    | models.Q(user__isnull=True, group__isnull=False, role__isnull=True)
    | models.Q(user__isnull=True, group__isnull=True, role__isnull=False)
)


class PolicyAttachment(models.Model):
    """A managed policy attached to exactly one user, group or role."""

    policy = models.ForeignKey(ManagedPolicy, on_delete=models.PROTECT, related_name="attachments")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    group = models.ForeignKey(Group, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    role = models.ForeignKey(Role, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=EXACTLY_ONE_PRINCIPAL,
                name="attachment_has_one_principal",
            ),
            models.UniqueConstraint(fields=["policy", "user"], name="attachment_unique_user"),
            models.UniqueConstraint(fields=["policy", "group"], name="attachment_unique_group"),
            models.UniqueConstraint(fields=["policy", "role"], name="attachment_unique_role"),
        ]

    def __str__(self) -> str:
        return f"{self.policy} on {self.user or self.group or self.role}"


class InlinePolicy(models.Model):
    """A policy embedded in exactly one user, group or role."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="inline_policies")
    group = models.ForeignKey(Group, null=True, blank=True, on_delete=models.CASCADE, related_name="inline_policies")
    role = models.ForeignKey(Role, null=True, blank=True, on_delete=models.CASCADE, related_name="inline_policies")
    name = models.CharField(max_length=128)
    document = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=EXACTLY_ONE_PRINCIPAL,
                name="inline_policy_has_one_principal",
            ),
            models.UniqueConstraint(fields=["user", "name"], name="inline_policy_unique_user"),
            models.UniqueConstraint(fields=["group", "name"], name="inline_policy_unique_group"),
            models.UniqueConstraint(fields=["role", "name"], name="inline_policy_unique_role"),
        ]

    def __str__(self) -> str:
        return self.name


class AccessKey(models.Model):
    """A long-term access key of an IAM user, or of the root user when ``user`` is empty."""

    class Status(models.TextChoices):
        ACTIVE = "Active"
        INACTIVE = "Inactive"

    access_key_id = models.CharField(max_length=32, unique=True)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="access_keys")
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="access_keys")
    #: The secret access key, Fernet-encrypted with IAM_ENCRYPTION_KEY (see iamconsole.secrets).
    secret_encrypted = models.TextField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_used_service = models.CharField(max_length=64, blank=True)
    last_used_region = models.CharField(max_length=32, blank=True)

    def __str__(self) -> str:
        return self.access_key_id


class LoginProfile(models.Model):
    """An IAM user's console password (a Django password hash)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="login_profile")
    password = models.CharField(max_length=256)
    password_reset_required = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    password_changed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"login profile of {self.user}"


class PasswordHistory(models.Model):
    """Hashes of a user's previous passwords, for the password policy's reuse prevention."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=256)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "password histories"

    def __str__(self) -> str:
        return f"old password of {self.user}"


class MFADevice(models.Model):
    """A virtual MFA device (TOTP), assigned to an IAM user or to the root user once enabled."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="mfa_devices")
    serial_number = models.CharField(max_length=2048, unique=True)
    name = models.CharField(max_length=128)
    path = models.CharField(max_length=512, default="/")
    #: The base32 seed, Fernet-encrypted.
    seed_encrypted = models.TextField()
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="mfa_devices")
    assigned_to_root = models.BooleanField(default=False)
    enabled_at = models.DateTimeField(null=True, blank=True)
    #: The TOTP time step of the last accepted code: a code is never accepted twice.
    last_used_step = models.BigIntegerField(default=0)
    tags = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(Lower("name"), "account", name="mfa_name_unique_in_account")]

    def __str__(self) -> str:
        return self.serial_number


class InstanceProfile(models.Model):
    """An instance profile: a container for at most one role, passed to EC2 instances."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="instance_profiles")
    instance_profile_id = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=128)
    path = models.CharField(max_length=512, default="/")
    role = models.ForeignKey(Role, null=True, blank=True, on_delete=models.PROTECT, related_name="instance_profiles")
    tags = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("name"), "account", name="instance_profile_name_unique_in_account")
        ]
        indexes = [name_lookup_index("instance_profile")]

    def __str__(self) -> str:
        return self.name


class SAMLProvider(models.Model):
    """A SAML 2.0 identity provider that trust policies may name as a ``Federated`` principal."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="saml_providers")
    name = models.CharField(max_length=128)
    arn = models.CharField(max_length=2048, unique=True)
    metadata_document = models.TextField()
    valid_until = models.DateTimeField(null=True, blank=True)
    tags = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "name"], name="saml_provider_unique")]

    def __str__(self) -> str:
        return self.arn


class OpenIDConnectProvider(models.Model):
    """An OpenID Connect identity provider (its URL without ``https://`` is part of its ARN)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="oidc_providers")
    url = models.CharField(max_length=255)
    arn = models.CharField(max_length=2048, unique=True)
    client_ids = models.JSONField(default=list, blank=True)
    thumbprints = models.JSONField(default=list, blank=True)
    #: Keys uploaded for installations that cannot reach the issuer (iamconsole's own, a JWKS document); when set,
    #: tokens are verified against them and the issuer is never contacted.
    jwks = models.JSONField(null=True, blank=True)
    tags = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()
    #: The trusted identity propagation context provider (UpdateOpenIDConnectProvider), as AWS's ``ContextProvider``.
    context_provider = models.JSONField(null=True, blank=True)
    #: The IAM Identity Center instance associated with the provider (it needs a context provider).
    identity_center_instance_arn = models.CharField(max_length=1224, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "url"], name="oidc_provider_unique")]

    def __str__(self) -> str:
        return self.arn


class ServiceLinkedRoleDeletion(models.Model):
    """A DeleteServiceLinkedRole request and how far it went (GetServiceLinkedRoleDeletionStatus).

    The row outlives the role: its status stays readable after the role is gone.
    """

    class Status(models.TextChoices):
        NOT_STARTED = "NOT_STARTED"
        IN_PROGRESS = "IN_PROGRESS"
        SUCCEEDED = "SUCCEEDED"
        FAILED = "FAILED"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    #: ``task/aws-service-role/<service principal>/<role name>/<uuid>``, as AWS forms it.
    deletion_task_id = models.CharField(max_length=1000, unique=True)
    role = models.ForeignKey(Role, null=True, blank=True, on_delete=models.SET_NULL, related_name="deletions")
    role_name = models.CharField(max_length=64)
    service_principal = models.CharField(max_length=128)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NOT_STARTED)
    reason = models.TextField(blank=True)
    #: The resources that kept a FAILED deletion from happening: ``[{"region": ..., "resources": [...]}]``.
    role_usage = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            # At most one deletion under way per role: a second DeleteServiceLinkedRole gets the same task.
            models.UniqueConstraint(
                fields=["role"],
                condition=models.Q(status__in=["NOT_STARTED", "IN_PROGRESS"]),
                name="slr_one_pending_deletion_per_role",
            ),
        ]

    def __str__(self) -> str:
        return self.deletion_task_id


class ServiceLinkedRoleUsage(models.Model):
    """A resource of the installation that uses a service-linked role, so deleting the role must fail.

    AWS asks the linked service which of its resources still use the role; an installation has no such services, so
    operators (or the systems that stand in for them) register the resources here.
    """

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="usages")
    region = models.CharField(max_length=32)
    resource_arn = models.CharField(max_length=2048)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["role", "region", "resource_arn"], name="slr_usage_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.resource_arn} uses {self.role}"


class CredentialReport(models.Model):
    """The account's credential report (GenerateCredentialReport, GetCredentialReport): one per account.

    ``content`` holds the CSV of the last completed generation; ``state`` is ``STARTED`` while a new one is made.
    """

    class State(models.TextChoices):
        STARTED = "STARTED"
        COMPLETE = "COMPLETE"

    account = models.OneToOneField(Account, on_delete=models.CASCADE, related_name="credential_report")
    state = models.CharField(max_length=16, choices=State.choices, default=State.STARTED)
    requested_at = models.DateTimeField()
    generated_at = models.DateTimeField(null=True, blank=True)
    content = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"credential report of {self.account}"


class CredentialStatus(models.TextChoices):
    """The status of SSH public keys, signing certificates and service-specific credentials."""

    ACTIVE = "Active"
    INACTIVE = "Inactive"


class SSHPublicKey(models.Model):
    """An IAM user's SSH public key (for CodeCommit), kept in OpenSSH form; PEM is derived when asked for."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="ssh_public_keys")
    ssh_public_key_id = models.CharField(max_length=32, unique=True)
    #: MD5 of the key's OpenSSH wire form, as colon-separated hex (what ``ssh-keygen -E md5 -l`` prints).
    fingerprint = models.CharField(max_length=64)
    #: ``ssh-rsa AAAA…``, without a comment.
    body = models.TextField()
    status = models.CharField(max_length=8, choices=CredentialStatus.choices, default=CredentialStatus.ACTIVE)
    uploaded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "fingerprint"], name="ssh_public_key_unique_per_user"),
        ]

    def __str__(self) -> str:
        return self.ssh_public_key_id


class SigningCertificate(models.Model):
    """An X.509 signing certificate of an IAM user, or of the root user when ``user`` is empty."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="signing_certificates")
    certificate_id = models.CharField(max_length=128, unique=True)
    #: SHA-256 of the certificate's DER form: the same certificate may be uploaded once per account.
    fingerprint = models.CharField(max_length=64)
    body = models.TextField()
    status = models.CharField(max_length=8, choices=CredentialStatus.choices, default=CredentialStatus.ACTIVE)
    uploaded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "fingerprint"], name="signing_certificate_unique_in_account"),
        ]

    def __str__(self) -> str:
        return self.certificate_id


class ServerCertificate(models.Model):
    """A TLS server certificate with its chain and private key (Fernet-encrypted, never returned)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="server_certificates")
    server_certificate_id = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=128)
    path = models.CharField(max_length=512, default="/")
    body = models.TextField()
    chain = models.TextField(blank=True)
    private_key_encrypted = models.TextField()
    expiration = models.DateTimeField()
    tags = models.JSONField(default=dict, blank=True)
    uploaded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("name"), "account", name="server_certificate_name_unique_in_account")
        ]
        indexes = [name_lookup_index("server_certificate")]

    def __str__(self) -> str:
        return self.name


#: Services whose service-specific credentials are a generated user name and password.
PASSWORD_CREDENTIAL_SERVICES = ("codecommit.amazonaws.com", "cassandra.amazonaws.com")
#: Services whose service-specific credentials are long-term API keys (an alias and a secret, optionally expiring).
API_KEY_CREDENTIAL_SERVICES = ("bedrock.amazonaws.com", "logs.amazonaws.com")


class ServiceSpecificCredential(models.Model):
    """A user name and password (or alias and secret) for one AWS service; the secret is kept only as a digest."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="service_specific_credentials")
    service_specific_credential_id = models.CharField(max_length=32, unique=True)
    service_name = models.CharField(max_length=128)
    #: ``ServiceUserName`` (CodeCommit, Keyspaces) or ``ServiceCredentialAlias`` (Bedrock).
    service_user_name = models.CharField(max_length=200)
    #: A keyed digest of the generated password: enough to verify it, useless to a database reader.
    secret_digest = models.CharField(max_length=128)
    status = models.CharField(max_length=8, choices=CredentialStatus.choices, default=CredentialStatus.ACTIVE)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.service_specific_credential_id


class ServiceLastAccessedJob(models.Model):
    """A GenerateServiceLastAccessedDetails job: computed by a Celery task from the audit trail."""

    class Status(models.TextChoices):
        IN_PROGRESS = "IN_PROGRESS"
        COMPLETED = "COMPLETED"
        FAILED = "FAILED"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    job_id = models.CharField(max_length=36, unique=True)
    #: The user, group, role or policy the report is about.
    arn = models.CharField(max_length=2048)
    granularity = models.CharField(max_length=16, default="SERVICE_LEVEL")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.IN_PROGRESS)
    created_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    #: The report: one entry per service the entity is allowed, with its last access and, per entity, who accessed.
    result = models.JSONField(default=list, blank=True)
    error = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return self.job_id


class AccountIamSettings(models.Model):
    """Account-wide IAM settings that have no entity of their own: STS's global endpoint token version
    (SetSecurityTokenServicePreferences) and outbound web identity federation. One row, created on first change."""

    account = models.OneToOneField(Account, on_delete=models.CASCADE, related_name="iam_settings")
    #: 1 (tokens valid only in regions enabled by default) or 2 (valid in all regions).
    global_endpoint_token_version = models.PositiveSmallIntegerField(default=1)
    outbound_federation_enabled = models.BooleanField(default=False)
    #: The issuer URL of the account's outbound tokens; kept when the feature is disabled and enabled again.
    outbound_issuer = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name_plural = "account IAM settings"

    def __str__(self) -> str:
        return f"IAM settings of {self.account}"
