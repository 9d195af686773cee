"""``/api/v1/account/``: the caller's account, its alias, password policy and summary (GetAccountSummary is the
identities app's operation, served here because it describes the account)."""

from __future__ import annotations

from iamconsole.restapi.endpoints import OperationViewSet, endpoint, route


class AccountViewSet(OperationViewSet):
    """The caller's account: its alias, password policy and summary."""

    alias = route(
        "alias",
        "alias",
        detail=False,
        get=endpoint("ListAccountAliases", rows="AccountAliases"),
        put=endpoint("CreateAccountAlias", status=204, method="put"),
        delete=endpoint("DeleteAccountAlias", status=204, method="delete"),
    )
    password_policy = route(
        "password_policy",
        "password-policy",
        detail=False,
        get=endpoint("GetAccountPasswordPolicy", member="PasswordPolicy"),
        put=endpoint("UpdateAccountPasswordPolicy", status=204, method="put"),
        delete=endpoint("DeleteAccountPasswordPolicy", status=204, method="delete"),
    )
    summary = route("summary", "summary", detail=False, get=endpoint("GetAccountSummary", member="SummaryMap"))
    sessions = route("sessions", "sessions", detail=False, get=endpoint("ListAccountSessions", rows="Sessions"))
    authorization_details = route(
        "authorization_details",
        "authorization-details",
        detail=False,
        get=endpoint("GetAccountAuthorizationDetails"),
    )
    # ChangePassword is the identities app's; it changes the caller's own password, an account-wide setting's use.
    password = route("password", "password", detail=False, post=endpoint("ChangePassword", status=204, method="post"))
