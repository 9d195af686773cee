"""The accounts app's operations: account aliases, the password policy, account creation, and the audit trail."""

from __future__ import annotations

from accounts import selectors, services
from iamconsole.operations import Operation

OPERATIONS = (
    Operation("CreateAccount", services.create_account, account_scoped=False, action=None, system_only=True),
    Operation("CreateAccountAlias", services.create_account_alias),
    Operation("DeleteAccountAlias", services.delete_account_alias),
    Operation("ListAccountAliases", selectors.list_account_aliases, read_only=True),
    Operation("UpdateAccountPasswordPolicy", services.update_account_password_policy),
    Operation("GetAccountPasswordPolicy", selectors.get_account_password_policy, read_only=True),
    Operation("DeleteAccountPasswordPolicy", services.delete_account_password_policy),
    # iamconsole's own read of the audit trail, authorized as CloudTrail names its own (ReadOnlyAccess grants it).
    Operation("LookupEvents", selectors.lookup_events, service="cloudtrail", read_only=True),
)
