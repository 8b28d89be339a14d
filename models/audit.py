"""The audit trail: one append-only entry per mutation, successful or refused.

While a mutation runs, every record write reports what it changed to the collector of the
current task (a context variable), so the entry lists the real before/after values however
the use case reached the database.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

import pymongo
from beanie import Document
from pydantic import BaseModel, Field
from pymongo import IndexModel

from models.clock import utcnow

REDACTED = "[redacted]"


class AuditOutcome(StrEnum):
    SUCCESS = "SUCCESS"
    REFUSED = "REFUSED"  # a business rule said no (payload errors)
    FORBIDDEN = "FORBIDDEN"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    ERROR = "ERROR"  # an unexpected fault


class AuditChange(BaseModel):
    target: str
    field: str
    before: Any = None
    after: Any = None


class AuditEntry(Document):
    at: datetime = Field(default_factory=utcnow)
    actor_kind: str  # "user", "api_token" or "anonymous"
    actor_id: str | None = None
    actor_name: str = ""
    api_token_id: str | None = None
    operation: str
    target_ids: list[str] = []
    changes: list[AuditChange] = []
    outcome: AuditOutcome
    error_codes: list[str] = []
    request_id: str
    client_address: str | None = None

    class Settings:
        name = "audit_log"
        indexes: ClassVar = [
            IndexModel([("at", pymongo.DESCENDING), ("_id", pymongo.DESCENDING)]),
            IndexModel([("actor_id", pymongo.ASCENDING), ("at", pymongo.DESCENDING)]),
            IndexModel([("target_ids", pymongo.ASCENDING), ("at", pymongo.DESCENDING)]),
            IndexModel([("operation", pymongo.ASCENDING), ("at", pymongo.DESCENDING)]),
        ]


_changes: ContextVar[list[AuditChange] | None] = ContextVar("audit_changes", default=None)


@contextmanager
def collecting_changes() -> Iterator[list[AuditChange]]:
    found: list[AuditChange] = []
    token = _changes.set(found)
    try:
        yield found
    finally:
        _changes.reset(token)


def note_changes(
    target: str,
    before: dict[str, Any],
    after: dict[str, Any],
    secret: frozenset[str] = frozenset(),
) -> None:
    """Report a write of `target`'s fields (no-op outside a mutation)."""
    found = _changes.get()
    if found is None:
        return
    for name in sorted(set(before) | set(after)):
        hidden = name in secret
        found.append(
            AuditChange(
                target=target,
                field=name,
                before=REDACTED if hidden and before.get(name) is not None else before.get(name),
                after=REDACTED if hidden and after.get(name) is not None else after.get(name),
            )
        )
