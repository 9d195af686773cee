"""Managed policies (customer managed and the AWS managed catalogue) and their versions."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower

from accounts.models import Account


class ManagedPolicy(models.Model):
    """A managed policy: customer managed (in an account) or AWS managed (no account, ARN account ``aws``)."""

    account = models.ForeignKey(Account, null=True, blank=True, on_delete=models.CASCADE, related_name="policies")
    policy_id = models.CharField(max_length=128, unique=True)
    name = models.CharField(max_length=128)
    path = models.CharField(max_length=512, default="/")
    arn = models.CharField(max_length=2048, unique=True)
    description = models.CharField(max_length=1000, blank=True)
    default_version_id = models.CharField(max_length=16, default="v1")
    #: Versions are numbered v1, v2…; a number is never given twice, even after its version was deleted.
    next_version_number = models.PositiveIntegerField(default=2)
    is_attachable = models.BooleanField(default=True)
    tags = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("name"), "account", name="policy_name_unique_in_account"),
        ]
        indexes = [models.Index(fields=["account", "path"], name="policy_account_path")]

    def __str__(self) -> str:
        return self.arn

    @property
    def is_aws_managed(self) -> bool:
        return self.account_id is None


class PolicyVersion(models.Model):
    """One version of a managed policy's document; exactly one version of a policy is its default."""

    policy = models.ForeignKey(ManagedPolicy, on_delete=models.CASCADE, related_name="versions")
    version_id = models.CharField(max_length=16)
    document = models.TextField()
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["policy", "version_id"], name="policy_version_unique"),
            models.UniqueConstraint(
                fields=["policy"], condition=models.Q(is_default=True), name="policy_one_default_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy.arn} {self.version_id}"
