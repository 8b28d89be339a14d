"""ChronologyEvent: one step in the history of an agreement. Append-only.

Each event carries a hash over its own content and the previous event's hash, so an event
edited or removed behind the API's back breaks the chain where it happened.
"""

import hashlib
import json
from datetime import UTC, date, datetime
from typing import Annotated

from beanie import PydanticObjectId
from pydantic import BaseModel, Field, StringConstraints

from models.actor import ActorRef
from models.clock import utcnow
from models.enums import ChronologyKind
from models.org_unit import Text

GENESIS_HASH = "0" * 64
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20_000)]


def to_millis(moment: datetime) -> datetime:
    """BSON stores milliseconds; hash exactly what is stored."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=moment.microsecond // 1000 * 1000)


def start_of_day(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


class ChronologyEvent(BaseModel):
    id: PydanticObjectId = Field(default_factory=PydanticObjectId)
    occurred_at: datetime
    recorded_at: datetime = Field(default_factory=utcnow)
    recorded_by: ActorRef
    kind: ChronologyKind
    title: Text
    description: LongText = ""
    document_ids: list[PydanticObjectId] = []
    corrects: PydanticObjectId | None = None
    prev_hash: str = GENESIS_HASH
    hash: str = ""

    def content_hash(self) -> str:
        content = {
            "id": str(self.id),
            "occurred_at": to_millis(self.occurred_at).isoformat(),
            "recorded_at": to_millis(self.recorded_at).isoformat(),
            "recorded_by": self.recorded_by.model_dump(),
            "kind": self.kind.value,
            "title": self.title,
            "description": self.description,
            "document_ids": [str(i) for i in self.document_ids],
            "corrects": str(self.corrects) if self.corrects else None,
            "prev_hash": self.prev_hash,
        }
        canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    def sealed(self, prev_hash: str) -> "ChronologyEvent":
        event = self.model_copy(
            update={
                "prev_hash": prev_hash,
                "occurred_at": to_millis(self.occurred_at),
                "recorded_at": to_millis(self.recorded_at),
            }
        )
        event.hash = event.content_hash()
        return event


def event(
    kind: ChronologyKind,
    title: str,
    actor: ActorRef,
    *,
    description: str = "",
    occurred_at: datetime | None = None,
    document_ids: list[PydanticObjectId] | None = None,
) -> ChronologyEvent:
    now = utcnow()
    return ChronologyEvent(
        kind=kind,
        title=title,
        description=description,
        recorded_by=actor,
        recorded_at=now,
        occurred_at=occurred_at or now,
        document_ids=document_ids or [],
    )
