"""Writes on IAM identities: one function per AWS action, each in one transaction, raising ``IamError``.

A package split by entity; callers import this package (``from identities import services``).
"""

from identities.services.absent_features import *  # noqa: F403 (the names of its __all__)
from identities.services.access_keys import (
    NewAccessKey,
    create_access_key,
    delete_access_key,
    record_access_key_use,
    update_access_key,
)
from identities.services.account_settings import *  # noqa: F403 (the names of its __all__)
from identities.services.credential_report import *  # noqa: F403 (the names of its __all__)
from identities.services.groups import *  # noqa: F403 (the names of its __all__)
from identities.services.identity_providers import *  # noqa: F403 (the names of its __all__)
from identities.services.instance_profiles import *  # noqa: F403 (the names of its __all__)
from identities.services.last_accessed import *  # noqa: F403 (the names of its __all__)
from identities.services.login_profiles import *  # noqa: F403 (the names of its __all__)
from identities.services.mfa import *  # noqa: F403 (the names of its __all__)
from identities.services.organizations import *  # noqa: F403 (the names of its __all__)
from identities.services.policy_usage import *  # noqa: F403 (the names of its __all__)
from identities.services.principal_policies import *  # noqa: F403 (the names of its __all__)
from identities.services.role_policies import *  # noqa: F403 (the names of its __all__)
from identities.services.roles import *  # noqa: F403 (the names of its __all__)
from identities.services.server_certificates import *  # noqa: F403 (the names of its __all__)
from identities.services.service_linked_roles import *  # noqa: F403 (the names of its __all__)
from identities.services.service_specific_credentials import *  # noqa: F403 (the names of its __all__)
from identities.services.user_credentials import *  # noqa: F403 (the names of its __all__)
from identities.services.users import *  # noqa: F403 (the names of its __all__)

__all__ = [
    "NewAccessKey",
    "create_access_key",
    "delete_access_key",
    "record_access_key_use",
    "update_access_key",
]
