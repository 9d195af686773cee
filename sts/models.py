"""Temporary credentials issued by STS (AssumeRole, GetSessionToken and GetFederationToken).

One row per session: the ``ASIA…`` key id, the secret encrypted at rest, and only a keyed digest of the session token
(the token itself is never stored). Rows outlive their expiry until the sweep deletes them; authentication refuses
them from the first second after ``expires_at`` whatever the sweep has done.
"""

from __future__ import annotations

from django.db import models

from accounts.models import Account
from identities.models import Role, User


class StsSession(models.Model):
    """A set of temporary credentials: a role session (``role`` set), a GetSessionToken session, or a federated user
    session (``federated``; ``session_name`` is the federated user's name).

    A GetSessionToken or federated user session belongs to ``user``, or to the root user when both ``role`` and
    ``user`` are empty.
    Deleting the role or user deletes its sessions, so a recreated role of the same name never inherits them.
    """

    access_key_id = models.CharField(max_length=32, unique=True)
    #: The secret access key, Fernet-encrypted with IAM_ENCRYPTION_KEY (see iamconsole.crypto).
    secret_encrypted = models.TextField()
    #: ``iamconsole.crypto.token_digest`` of the session token.
    session_token_digest = models.CharField(max_length=64)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    role = models.ForeignKey(Role, null=True, blank=True, on_delete=models.CASCADE, related_name="sessions")
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="sessions")
    session_name = models.CharField(max_length=64, blank=True)
    #: The ARN of the principal that asked for the credentials (who), kept as text: it may live in another account.
    issued_to_arn = models.CharField(max_length=2048)
    #: For a session issued to an identity provider's user (AssumeRoleWithWebIdentity or AssumeRoleWithSAML), the
    #: user as the provider named it (the token's ``sub``, the assertion's ``NameID``); ``issued_to_arn`` is then the
    #: provider's ARN.
    federated_subject = models.CharField(max_length=2048, blank=True)
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    #: When the caller authenticated with MFA (its MFA facts carry over into the session), or None.
    mfa_authenticated_at = models.DateTimeField(null=True, blank=True)
    source_identity = models.CharField(max_length=64, blank=True)
    session_policy_document = models.TextField(blank=True)
    session_policy_arns = models.JSONField(default=list, blank=True)
    session_tags = models.JSONField(default=dict, blank=True)
    transitive_tag_keys = models.JSONField(default=list, blank=True)
    packed_policy_size = models.PositiveSmallIntegerField(default=0)
    #: Obtained with role session credentials (role chaining): at most one hour.
    chained = models.BooleanField(default=False)
    #: Issued by GetFederationToken: the credentials act as ``federated-user/<session_name>``.
    federated = models.BooleanField(default=False)
    revoked_at = models.DateTimeField(null=True, blank=True)
    #: GetScopedCredentials: the scope-down policies of each call, oldest first; every one must allow a request too.
    scope_policy_documents = models.JSONField(default=list, blank=True)
    #: GetScopedCredentials: the session the credentials were scoped down from, first of the chain; revoking or
    #: deleting it ends them too.
    scoped_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="scoped_sessions"
    )

    class Meta:
        indexes = [
            models.Index(fields=["expires_at"], name="sts_session_expires"),
            models.Index(fields=["account", "expires_at"], name="sts_session_account_expires"),
            models.Index(fields=["role", "expires_at"], name="sts_session_role_expires"),
        ]

    def __str__(self) -> str:
        return self.access_key_id

    @property
    def is_role_session(self) -> bool:
        return self.role_id is not None


class SwitchRoleHistory(models.Model):
    """A role an IAM user switched to in the console, for the identity menu's recent roles (the last five).

    Kept on the server per user, so the list follows the user from one browser to the next. ``account`` and
    ``role_name`` are what the user typed (an alias stays an alias, a path stays in the name): switching again from
    the menu repeats the same request, authorized anew.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    account = models.CharField(max_length=64)
    role_name = models.CharField(max_length=64)
    display_name = models.CharField(max_length=64)
    #: Six hex digits from the console's palette, or empty for no colour.
    color = models.CharField(max_length=6, blank=True)
    used_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "account", "role_name"], name="sts_switch_role_history_unique"),
        ]
        indexes = [models.Index(fields=["user", "-used_at"], name="sts_switch_role_history_recent")]

    def __str__(self) -> str:
        return f"{self.role_name} @ {self.account}"


class OutboundSigningKey(models.Model):
    """A key an account signs GetWebIdentityToken's JWTs with, one per algorithm, made on first use.

    The private key is PEM, Fernet-encrypted with IAM_ENCRYPTION_KEY; the public half is published in the issuer's
    JWKS under ``kid``.
    """

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    #: ``RS256`` or ``ES384``.
    algorithm = models.CharField(max_length=5)
    kid = models.CharField(max_length=64, unique=True)
    private_key_encrypted = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "algorithm"], name="sts_outbound_key_one_per_algorithm"),
        ]

    def __str__(self) -> str:
        return self.kid
