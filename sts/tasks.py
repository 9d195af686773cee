"""Background work of the sts app: the periodic sweep of expired temporary credentials.

A face like the others: it calls ``operations.run`` as the system actor (audited with source ``task``) and holds no
rule. The sweep is idempotent (it deletes only rows already expired), so beat firing twice or a retry after a crash
deletes nothing more. Authentication never waits for it: expired credentials are refused at the request.
"""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from iamconsole.actors import Actor, RequestContext, Source

#: Errors worth another try: the database restarting, a connection dropped, SQLite's "database is locked".
TRANSIENT = (OperationalError, InterfaceError)


@shared_task(
    name="sts.tasks.purge_expired_sessions_task",
    acks_late=True,
    ignore_result=True,
    autoretry_for=TRANSIENT,
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=5,
)
def purge_expired_sessions_task() -> int:
    """Delete every expired session (PurgeExpiredSessions) and return how many went."""
    from iamconsole import operations

    deleted: int = operations.run(
        Actor.system(), "PurgeExpiredSessions", {}, request=RequestContext(source=Source.TASK)
    )
    return deleted
