"""ChronologyEvent: one step in the history of an agreement. Append-only.

Each event carries a hash over its own content and the previous event's hash, so an event
edited or removed behind the API's back breaks the chain where it happened. A mistake is
fixed by a CORRECTION event that points at the event and carries the corrected values; the
corrected view (`EventView`) is computed, both events stay.
"""

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Annotated, Any

from beanie import PydanticObjectId
from pydantic import BaseModel, Field, StringConstraints

from models.actor import ActorRef
from models.clock import utcnow
from models.enums import ChronologyKind
from models.org_unit import Text
from models.redaction import Audience, Sensitive

GENESIS_HASH = "0" * 64
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20_000)]

# What people record by hand. The other kinds are written by the acts they describe (signing,
# amending, submitting an evaluation…), so that a SIGNED or EVALUATED event always has the
# record behind it.
MANUAL_KINDS = frozenset(
    {
        ChronologyKind.MEETING,
        ChronologyKind.CORRESPONDENCE,
        ChronologyKind.HANDOVER,
        ChronologyKind.NOTE,
    }
)
# History is entered back to the city's oldest files, never ahead of today.
EARLIEST_EVENT = datetime(1900, 1, 1, tzinfo=UTC)
MAX_EVENT_DOCUMENTS = 20


def to_millis(moment: datetime) -> datetime:
    """BSON stores milliseconds; hash exactly what is stored."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=moment.microsecond // 1000 * 1000)


def start_of_day(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


class Correction(BaseModel):
    """The corrected values a CORRECTION event carries; None leaves a value as it was."""

    title: Text | None = None
    description: LongText | None = None
    occurred_at: datetime | None = None
    document_ids: list[PydanticObjectId] | None = None


class ChronologyEvent(BaseModel):
    id: PydanticObjectId = Field(default_factory=PydanticObjectId)
    occurred_at: datetime
    recorded_at: datetime = Field(default_factory=utcnow)
    recorded_by: ActorRef
    kind: ChronologyKind
    title: Text
    description: LongText = ""
    # What only the city reads (the TKKSD's recommendation and notes on a review).
    internal_note: Annotated[LongText, Sensitive(Audience.CITY)] = ""
    document_ids: list[PydanticObjectId] = []
    corrects: PydanticObjectId | None = None
    correction: Correction | None = None
    prev_hash: str = GENESIS_HASH
    hash: str = ""

    def content_hash(self) -> str:
        return stored_hash(self.model_dump())

    def sealed(self, prev_hash: str) -> "ChronologyEvent":
        correction = self.correction
        if correction is not None and correction.occurred_at is not None:
            correction = correction.model_copy(
                update={"occurred_at": to_millis(correction.occurred_at)}
            )
        event = self.model_copy(
            update={
                "prev_hash": prev_hash,
                "occurred_at": to_millis(self.occurred_at),
                "recorded_at": to_millis(self.recorded_at),
                "correction": correction,
            }
        )
        event.hash = event.content_hash()
        return event


def stored_hash(item: Mapping[str, Any]) -> str:
    """The hash of an event given as stored (or as its model dump): one definition for
    sealing and for checking what the database holds, whatever a tamperer put there."""
    content: dict[str, Any] = {
        "id": str(item["id"]),
        "occurred_at": to_millis(item["occurred_at"]).isoformat(),
        "recorded_at": to_millis(item["recorded_at"]).isoformat(),
        "recorded_by": item["recorded_by"],
        "kind": str(item["kind"]),
        "title": item["title"],
        "description": item["description"],
        "document_ids": [str(i) for i in item["document_ids"]],
        "corrects": str(item["corrects"]) if item.get("corrects") else None,
        "prev_hash": item["prev_hash"],
    }
    # Only present when given, so the hashes of events sealed before it existed stay valid.
    if item.get("internal_note"):
        content["internal_note"] = item["internal_note"]
    # Only present on corrections, so the hashes of events sealed before corrections existed
    # stay valid.
    correction = item.get("correction")
    if correction is not None:
        moved = correction.get("occurred_at")
        documents = correction.get("document_ids")
        content["correction"] = {
            "title": correction.get("title"),
            "description": correction.get("description"),
            "occurred_at": to_millis(moved).isoformat() if moved is not None else None,
            "document_ids": [str(i) for i in documents] if documents is not None else None,
        }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class ChainCheck:
    intact: bool
    checked: int
    first_broken_id: str | None = None
    problem: str | None = None


def verify_chain(stored: Sequence[Mapping[str, Any]]) -> ChainCheck:
    """Recompute the chain over the events exactly as stored; report the first broken link."""
    if not stored:
        return ChainCheck(False, 0, None, "the history is empty: it always starts with CREATED")
    previous = GENESIS_HASH
    for number, item in enumerate(stored, start=1):
        broken = str(item.get("id")) if isinstance(item, Mapping) else None
        try:
            if item["prev_hash"] != previous:
                return ChainCheck(
                    False,
                    number,
                    broken,
                    "the link to the previous event is broken: an event before it was "
                    "removed, inserted or changed",
                )
            if stored_hash(item) != item["hash"]:
                return ChainCheck(
                    False, number, broken, "the event was changed after it was recorded"
                )
        except (KeyError, TypeError, AttributeError, ValueError):
            return ChainCheck(False, number, broken, "the event is damaged or incomplete")
        previous = item["hash"]
    return ChainCheck(True, len(stored))


@dataclass(frozen=True)
class EventView:
    """An event as it reads after its corrections (the latest correction of a value wins)."""

    event: ChronologyEvent
    title: str
    description: str
    occurred_at: datetime
    document_ids: list[PydanticObjectId]
    corrections: list[ChronologyEvent] = field(default_factory=list)


def corrected_views(events: Sequence[ChronologyEvent]) -> dict[PydanticObjectId, EventView]:
    """Every event of a chronology in its corrected view, by id."""
    corrections: dict[PydanticObjectId, list[ChronologyEvent]] = {}
    for item in events:
        if item.corrects is not None and item.correction is not None:
            corrections.setdefault(item.corrects, []).append(item)
    views = {}
    for item in events:
        title, description = item.title, item.description
        occurred_at, document_ids = item.occurred_at, item.document_ids
        for fix in corrections.get(item.id, []):
            assert fix.correction is not None
            title = fix.correction.title if fix.correction.title is not None else title
            if fix.correction.description is not None:
                description = fix.correction.description
            occurred_at = fix.correction.occurred_at or occurred_at
            if fix.correction.document_ids is not None:
                document_ids = fix.correction.document_ids
        views[item.id] = EventView(
            item, title, description, occurred_at, document_ids, corrections.get(item.id, [])
        )
    return views


def event(
    kind: ChronologyKind,
    title: str,
    actor: ActorRef,
    *,
    description: str = "",
    internal_note: str = "",
    occurred_at: datetime | None = None,
    document_ids: list[PydanticObjectId] | None = None,
    corrects: PydanticObjectId | None = None,
    correction: Correction | None = None,
) -> ChronologyEvent:
    now = utcnow()
    return ChronologyEvent(
        kind=kind,
        title=title,
        description=description,
        internal_note=internal_note,
        recorded_by=actor,
        recorded_at=now,
        occurred_at=occurred_at or now,
        document_ids=document_ids or [],
        corrects=corrects,
        correction=correction,
    )
