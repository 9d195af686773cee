"""GetCredentialReport: the account's last credential report, while it is fresh."""

from __future__ import annotations

from django.utils import timezone

from accounts.models import Account
from iamconsole.errors import ReportExpired, ReportInProgress, ReportNotPresent
from identities.models import CredentialReport
from identities.services.credential_report import REPORT_LIFETIME

__all__ = ["get_credential_report"]


def get_credential_report(*, account: Account) -> CredentialReport:
    """The completed report (CSV in ``content``, ``generated_at``), as GetCredentialReport returns it.

    ``ReportNotPresent`` before any GenerateCredentialReport, ``ReportInProgress`` while one is being made,
    ``ReportExpired`` once the report is more than four hours old.
    """
    report = CredentialReport.objects.filter(account=account).first()
    if report is None:
        raise ReportNotPresent(
            "The request was rejected because the credential report does not exist. "
            "To generate a credential report, use GenerateCredentialReport."
        )
    if report.state != CredentialReport.State.COMPLETE or report.generated_at is None:
        raise ReportInProgress("The request was rejected because the credential report is still being generated.")
    if timezone.now() - report.generated_at >= REPORT_LIFETIME:
        raise ReportExpired(
            "The request was rejected because the most recent credential report has expired. "
            "To generate a new credential report, use GenerateCredentialReport."
        )
    return report
