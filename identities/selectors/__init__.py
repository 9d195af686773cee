"""Reads on IAM identities, each scoped to one account (``NoSuchEntity`` outside it).

A package split by entity; callers import this package (``from identities import selectors``).
"""

from identities.selectors.absent_features import *  # noqa: F403 (the names of its __all__)
from identities.selectors.access_keys import (
    access_key_owner_path,
    get_access_key_last_used,
    list_access_keys,
)
from identities.selectors.account import *  # noqa: F403 (the names of its __all__)
from identities.selectors.account_settings import *  # noqa: F403 (the names of its __all__)
from identities.selectors.compiled_policies import *  # noqa: F403 (the names of its __all__)
from identities.selectors.credential_report import *  # noqa: F403 (the names of its __all__)
from identities.selectors.credentials import LongTermKey, find_long_term_key
from identities.selectors.groups import *  # noqa: F403 (the names of its __all__)
from identities.selectors.identity_providers import *  # noqa: F403 (the names of its __all__)
from identities.selectors.instance_profiles import *  # noqa: F403 (the names of its __all__)
from identities.selectors.last_accessed import *  # noqa: F403 (the names of its __all__)
from identities.selectors.login_profiles import *  # noqa: F403 (the names of its __all__)
from identities.selectors.mfa import *  # noqa: F403 (the names of its __all__)
from identities.selectors.policy_usage import *  # noqa: F403 (the names of its __all__)
from identities.selectors.principal_policies import *  # noqa: F403 (the names of its __all__)
from identities.selectors.role_policies import *  # noqa: F403 (the names of its __all__)
from identities.selectors.roles import *  # noqa: F403 (the names of its __all__)
from identities.selectors.server_certificates import *  # noqa: F403 (the names of its __all__)
from identities.selectors.service_linked_roles import *  # noqa: F403 (the names of its __all__)
from identities.selectors.service_specific_credentials import *  # noqa: F403 (the names of its __all__)
from identities.selectors.simulation import *  # noqa: F403 (the names of its __all__)
from identities.selectors.targets import *  # noqa: F403 (the names of its __all__)
from identities.selectors.user_credentials import *  # noqa: F403 (the names of its __all__)
from identities.selectors.users import *  # noqa: F403 (the names of its __all__)
from identities.selectors.users import find_user_by_unique_id, get_user_by_name
from identities.selectors.who_can import *  # noqa: F403 (the names of its __all__)

__all__ = [
    "LongTermKey",
    "access_key_owner_path",
    "find_long_term_key",
    "find_user_by_unique_id",
    "get_access_key_last_used",
    "get_user_by_name",
    "list_access_keys",
]
