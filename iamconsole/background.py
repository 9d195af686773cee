"""What the apps' Celery tasks share: the retry policy on transient database errors, and running an operation as
the system actor (audited with source ``task``). Tasks are faces: ids in, ``operations.run``, no rules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError

from iamconsole.actors import Actor, RequestContext, Source

__all__ = ["TRANSIENT", "retried_task", "run_as_system"]

#: Errors worth another try: the database restarting, a connection dropped, SQLite's "database is locked".
TRANSIENT = (OperationalError, InterfaceError)

P = ParamSpec("P")
R = TypeVar("R")


def retried_task(name: str, *, retry_backoff_max: int, max_retries: int) -> Callable[[Callable[P, R]], Task[P, R]]:
    """A task acknowledged once done (a killed worker's task is delivered again), whose result is not kept, retried
    with exponential backoff from 2 seconds up to ``retry_backoff_max`` on ``TRANSIENT`` errors."""
    return shared_task(
        name=name,
        acks_late=True,
        ignore_result=True,
        autoretry_for=TRANSIENT,
        retry_backoff=2,
        retry_backoff_max=retry_backoff_max,
        max_retries=max_retries,
    )


def run_as_system(operation: str, params: dict[str, Any], *, account_id: str = "") -> Any:
    """``operations.run`` as the system actor of ``account_id`` (of none for a sweep over every account)."""
    from iamconsole import operations

    return operations.run(Actor.system(account_id), operation, params, request=RequestContext(source=Source.TASK))
