"""Background work of the sts app: the periodic sweep of expired temporary credentials.

A face like the others: it calls ``operations.run`` as the system actor (audited with source ``task``) and holds no
rule. The sweep is idempotent (it deletes only rows already expired), so beat firing twice or a retry after a crash
deletes nothing more. Authentication never waits for it: expired credentials are refused at the request.
"""

from __future__ import annotations

from iamconsole.background import retried_task, run_as_system


@retried_task("sts.tasks.purge_expired_sessions_task", retry_backoff_max=60, max_retries=5)
def purge_expired_sessions_task() -> int:
    """Delete every expired session (PurgeExpiredSessions) and return how many went."""
    deleted: int = run_as_system("PurgeExpiredSessions", {})
    return deleted
