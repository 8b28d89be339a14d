"""Idempotency keys: a retried create or upload returns the first result, never a second one.

A client on a weak network sends a key it generated with the request and the same key with
every retry. The first request that gets through stores the key together with what it
created, in the same transaction as the record itself; a unique index makes a concurrent
twin fail there and roll back. Keys are per user and operation, and kept for KEEP_DAYS.
"""

import hashlib
import json
from datetime import datetime
from typing import Annotated, Any, ClassVar

import pymongo
from beanie import Document, PydanticObjectId
from pydantic import Field, StringConstraints
from pymongo import IndexModel

from models.clock import utcnow

KEEP_DAYS = 30
ClientKey = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=8, max_length=128, pattern=r"^[A-Za-z0-9._:-]+$"
    ),
]


class IdempotencyKey(Document):
    user_id: str
    operation: str
    key: ClientKey
    # What the request asked for: the same key with a different request is refused.
    fingerprint: str
    record_id: PydanticObjectId  # the record created or changed
    item_id: PydanticObjectId | None = None  # what was added inside it (an event, a file)
    created_at: datetime = Field(default_factory=utcnow)

    class Settings:
        name = "idempotency_keys"
        indexes: ClassVar = [
            IndexModel(
                [
                    ("user_id", pymongo.ASCENDING),
                    ("operation", pymongo.ASCENDING),
                    ("key", pymongo.ASCENDING),
                ],
                unique=True,
                name="user_operation_key",
            ),
            IndexModel(
                [("created_at", pymongo.ASCENDING)], expireAfterSeconds=KEEP_DAYS * 24 * 3600
            ),
        ]


def fingerprint(request: dict[str, Any]) -> str:
    canonical = json.dumps(request, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
