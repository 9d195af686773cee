"""Account-wide reads: GetAccountSummary and GetAccountAuthorizationDetails, authorized against ``*`` as AWS
documents no resource type for them."""

from __future__ import annotations

from iamconsole.operations import Operation
from identities import selectors

OPERATIONS = (
    Operation("GetAccountSummary", selectors.get_account_summary, read_only=True),
    Operation("GetAccountAuthorizationDetails", selectors.get_account_authorization_details, read_only=True),
)
