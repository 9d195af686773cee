"""Accounts, their root users, password policies, and the audit trail."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower

from accounts import audit_batch


class Account(models.Model):
    """An AWS-style account: a 12-digit id, an optional alias, and its root user's sign-in facts."""

    account_id = models.CharField(max_length=12, unique=True)
    alias = models.CharField(max_length=63, unique=True, null=True, blank=True)
    root_email = models.EmailField(max_length=254)
    #: A Django password hash (Argon2 by default); the password itself is never stored.
    root_password = models.CharField(max_length=256)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("root_email"), name="account_root_email_unique"),
            models.CheckConstraint(
                condition=models.Q(account_id__regex=r"^[1-9][0-9]{11}$"), name="account_id_twelve_digits"
            ),
        ]

    def __str__(self) -> str:
        return self.alias or self.account_id


class PasswordPolicy(models.Model):
    """The account password policy IAM users' passwords must satisfy (UpdateAccountPasswordPolicy)."""

    account = models.OneToOneField(Account, on_delete=models.CASCADE, related_name="password_policy")
    minimum_password_length = models.PositiveSmallIntegerField(default=6)
    require_symbols = models.BooleanField(default=False)
    require_numbers = models.BooleanField(default=False)
    require_uppercase_characters = models.BooleanField(default=False)
    require_lowercase_characters = models.BooleanField(default=False)
    allow_users_to_change_password = models.BooleanField(default=False)
    #: Days before a password expires; None means passwords never expire.
    max_password_age = models.PositiveSmallIntegerField(null=True, blank=True)
    #: How many previous passwords may not be reused; None means reuse is allowed.
    password_reuse_prevention = models.PositiveSmallIntegerField(null=True, blank=True)
    hard_expiry = models.BooleanField(default=False)

    class Meta:
        verbose_name_plural = "password policies"

    def __str__(self) -> str:
        return f"password policy of {self.account}"


class AuditEventManager(models.Manager["AuditEvent"]):
    """Every read of the audit trail through ``AuditEvent.objects`` first writes the records of reads this process
    still queues (``accounts.audit_batch``), so that it sees every call this process made before it."""

    def get_queryset(self) -> models.QuerySet[AuditEvent]:
        audit_batch.flush()
        return super().get_queryset()


class AuditEvent(models.Model):
    """One call of an operation, from any face, as CloudTrail would record it; denied and failed calls too."""

    class Outcome(models.TextChoices):
        SUCCESS = "success"
        DENIED = "denied"
        FAILED = "failed"

    account = models.ForeignKey(Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    #: The account id as it was, kept when the account row is gone.
    account_id_value = models.CharField(max_length=12, blank=True, db_index=True)
    actor_arn = models.CharField(max_length=2048)
    event_name = models.CharField(max_length=128)
    event_source = models.CharField(max_length=32, default="iam.amazonaws.com")
    source = models.CharField(max_length=16)
    request_id = models.CharField(max_length=64, db_index=True)
    source_ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=1024, blank=True)
    resource_arn = models.CharField(max_length=2048, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    error_code = models.CharField(max_length=128, blank=True)
    error_message = models.TextField(blank=True)
    read_only = models.BooleanField(default=False)
    #: What the operation reports about its effect (e.g. how many expired sessions a sweep deleted).
    details = models.JSONField(default=dict, blank=True)
    #: The call's parameters, secrets redacted and long texts cut (``iamconsole.operations.redacted_parameters``).
    parameters = models.JSONField(default=dict, blank=True)
    time = models.DateTimeField(db_index=True)

    objects = AuditEventManager()

    class Meta:
        # The event history reads an account's trail newest first, filtered by one of these columns, a page at a time
        # (keyset on time and id): each index answers one filter with an index scan that stops after the page.
        indexes = [
            models.Index(fields=["account_id_value", "-time", "-id"], name="audit_account_time"),
            models.Index(fields=["account_id_value", "actor_arn", "-time", "-id"], name="audit_account_actor"),
            models.Index(fields=["account_id_value", "event_name", "-time", "-id"], name="audit_account_event"),
            models.Index(fields=["account_id_value", "resource_arn", "-time", "-id"], name="audit_account_resource"),
            models.Index(fields=["account_id_value", "outcome", "-time", "-id"], name="audit_account_outcome"),
            models.Index(fields=["account_id_value", "read_only", "-time", "-id"], name="audit_account_read_only"),
        ]

    def __str__(self) -> str:
        return f"{self.event_name} by {self.actor_arn}: {self.outcome}"


class OutboxTask(models.Model):
    """A Celery task that could not be handed to the broker yet (``iamconsole.outbox``).

    Written in the transaction that needs the task, deleted once the broker has taken it; beat sends what is left, so
    work asked for while the broker is down is not lost.
    """

    task_name = models.CharField(max_length=255)
    args = models.JSONField(default=list)
    countdown = models.FloatField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.task_name}{tuple(self.args)}"


class FailedAttempt(models.Model):
    """One failed sign-in or MFA code, counted against ``subject`` (who or what was tried) for attempt limits.

    Stored through the ``attempts`` database connection (``accounts.routers``), which commits each write at once: a
    failure still counts when the request that made it rolls back, and every web process sees the same count.
    """

    subject = models.CharField(max_length=512)
    time = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["subject", "time"], name="failed_attempt_subject_time")]

    def __str__(self) -> str:
        return f"{self.subject} at {self.time:%Y-%m-%dT%H:%M:%S}"


class UsedCode(models.Model):
    """A one-time code (an MFA device's TOTP step, a SAML assertion's id) accepted once and never accepted again.

    Written through the ``attempts`` connection like :class:`FailedAttempt`, so a code stays used even when the
    request that used it was then denied and rolled back. ``forget_after`` is when the code could no longer be
    accepted anyway (its window or its assertion expired): the sweep deletes the record then.
    """

    subject = models.CharField(max_length=512)
    step = models.BigIntegerField()
    forget_after = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["subject", "step"], name="used_code_once")]

    def __str__(self) -> str:
        return f"{self.subject} step {self.step}"
