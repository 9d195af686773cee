"""Operations on the account's credential report; ``CompleteCredentialReport`` is the generation task's step."""

from __future__ import annotations

from iamconsole.operations import Operation
from identities import selectors, services

OPERATIONS = (
    Operation("GenerateCredentialReport", services.generate_credential_report),
    Operation("GetCredentialReport", selectors.get_credential_report, read_only=True),
    Operation("CompleteCredentialReport", services.complete_credential_report, action=None, system_only=True),
)
