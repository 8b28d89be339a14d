"""Notification: a message to one user, shown in the app and, when mail is set up, emailed.

The collection is also the mail outbox: a notification to be emailed waits as PENDING until
a sender (any API process) claims it, so nothing is lost when a process stops.
"""

from datetime import datetime
from enum import StrEnum
from typing import ClassVar

import pymongo
from beanie import Document, PydanticObjectId
from pydantic import Field
from pymongo import IndexModel

from models.clock import utcnow


class EmailStatus(StrEnum):
    NONE = "NONE"  # not to be emailed
    PENDING = "PENDING"
    SENT = "SENT"
    FAILED = "FAILED"  # gave up after the retries


class Notification(Document):
    user_id: PydanticObjectId
    kind: str  # what it is about, e.g. PROPOSAL_STATUS_CHANGED, AGREEMENT_EXPIRING
    title: str
    body: str = ""
    subject_id: str | None = None  # the global id of what it is about
    created_at: datetime = Field(default_factory=utcnow)
    read_at: datetime | None = None
    # Set when the same notification must never be made twice (e.g. one per alert).
    dedupe_key: str | None = None
    email_status: EmailStatus = EmailStatus.NONE
    email_attempts: int = 0
    email_next_attempt_at: datetime | None = None
    email_error: str = ""

    class Settings:
        name = "notifications"
        indexes: ClassVar = [
            IndexModel(
                [("user_id", pymongo.ASCENDING), ("created_at", pymongo.DESCENDING)],
            ),
            IndexModel(
                [("dedupe_key", pymongo.ASCENDING)],
                unique=True,
                partialFilterExpression={"dedupe_key": {"$type": "string"}},
                name="dedupe_key",
            ),
            IndexModel([("email_status", pymongo.ASCENDING), ("email_next_attempt_at", 1)]),
        ]
