"""Entity tags of policy documents, and the ``If-Match`` precondition a write checks against the document it replaces.

The REST face sends an ``ETag`` with each policy document it answers, and passes a client's ``If-Match`` to the write
as ``if_match``. The write compares it with the current document after locking the row that holds it, in its own
transaction, so two automations holding the same ETag cannot both win: the second finds the document changed.
"""

from __future__ import annotations

import hashlib

from iamconsole.errors import PreconditionFailed


def etag_of(document: str) -> str:
    """The entity tag of a policy document's text (strong, quoted)."""
    return '"' + hashlib.sha256(document.encode()).hexdigest()[:32] + '"'


def check_if_match(if_match: str | None, current: str | None) -> None:
    """Refuse a write whose ``If-Match`` (one or more ETags, or ``*``) does not name ``current``, the document the
    write replaces (None when there is none: then no ETag matches, not even ``*``, as HTTP has it)."""
    if if_match is None:
        return
    if current is None:
        raise PreconditionFailed("If-Match was given, but there is no document to compare it with.")
    tags = {tag.strip() for tag in if_match.split(",")}
    if "*" not in tags and etag_of(current) not in tags:
        raise PreconditionFailed(
            f"The document has changed since you read it (its ETag is now {etag_of(current)}); read it again and retry."
        )
