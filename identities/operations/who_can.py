"""Who can (beyond AWS): ``ListAllowedPrincipals``, authorized as ``iamconsole:ListAllowedPrincipals`` on ``*`` (it
reads every principal's permissions in the account), for the console and the REST API."""

from __future__ import annotations

from iamconsole.operations import Operation
from identities import selectors

OPERATIONS = (
    Operation(
        "ListAllowedPrincipals",
        selectors.list_allowed_principals,
        action="iamconsole:ListAllowedPrincipals",
        read_only=True,
    ),
)
