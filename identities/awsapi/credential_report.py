"""Credential report results shaped as botocore's IAM output shapes.

``Content`` is the CSV as bytes (botocore's ``ReportContentType`` is a blob): the Query face writes it in base64, as
AWS does, and boto3 hands it back decoded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from identities.models import CredentialReport
from identities.services.credential_report import ReportGeneration


def generation_shape(generation: ReportGeneration) -> dict[str, Any]:
    """GenerateCredentialReport's ``State`` and ``Description``."""
    return {"State": generation.state, "Description": generation.description}


def report_shape(report: CredentialReport) -> dict[str, Any]:
    """GetCredentialReport's ``Content`` (CSV bytes), ``ReportFormat`` and ``GeneratedTime``."""
    return {"Content": report.content.encode(), "ReportFormat": "text/csv", "GeneratedTime": report.generated_at}


OUTPUTS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "GenerateCredentialReport": generation_shape,
    "GetCredentialReport": report_shape,
}
