"""IAM operations that act on an AWS Organizations organization.

An iamconsole account is never in an organization (there is no Organizations service), so each answers what AWS
answers a standalone account, after the caller's permission is checked: the centralized root access operations
``OrganizationNotFoundException`` (botocore's model names it), the Organizations access report
``AWSOrganizationsNotInUseException`` for a new report and ``NoSuchEntity`` for a job that cannot exist.
"""

from __future__ import annotations

from typing import NoReturn

from accounts.models import Account
from iamconsole.errors import AWSOrganizationsNotInUseException, NoSuchEntity, OrganizationNotFoundException

NO_ORGANIZATION = "The request was rejected because no organization is associated with your account."
NOT_A_MEMBER = "Your account is not a member of an organization."


def _no_organization() -> NoReturn:
    raise OrganizationNotFoundException(NO_ORGANIZATION)


def list_organizations_features(*, account: Account) -> NoReturn:
    """ListOrganizationsFeatures."""
    _no_organization()


def enable_organizations_root_credentials_management(*, account: Account) -> NoReturn:
    """EnableOrganizationsRootCredentialsManagement."""
    _no_organization()


def disable_organizations_root_credentials_management(*, account: Account) -> NoReturn:
    """DisableOrganizationsRootCredentialsManagement."""
    _no_organization()


def enable_organizations_root_sessions(*, account: Account) -> NoReturn:
    """EnableOrganizationsRootSessions."""
    _no_organization()


def disable_organizations_root_sessions(*, account: Account) -> NoReturn:
    """DisableOrganizationsRootSessions."""
    _no_organization()


def generate_organizations_access_report(
    *, account: Account, entity_path: str, organizations_policy_id: str | None = None
) -> NoReturn:
    """GenerateOrganizationsAccessReport: only an organization's management account may ask for one."""
    raise AWSOrganizationsNotInUseException(NOT_A_MEMBER)


def get_organizations_access_report(
    *,
    account: Account,
    job_id: str,
    max_items: int | None = None,
    marker: str | None = None,
    sort_key: str | None = None,
) -> NoReturn:
    """GetOrganizationsAccessReport: no report job can exist outside an organization."""
    raise NoSuchEntity(f"The report with job id {job_id} cannot be found.", field="job_id")


__all__ = [
    "disable_organizations_root_credentials_management",
    "disable_organizations_root_sessions",
    "enable_organizations_root_credentials_management",
    "enable_organizations_root_sessions",
    "generate_organizations_access_report",
    "get_organizations_access_report",
    "list_organizations_features",
]
