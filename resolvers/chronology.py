"""Use cases of the chronology (menu 3): history entered by hand, corrections, the chain
check, and the timeline across agreements."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any, BinaryIO

from beanie import PydanticObjectId
from pymongo.asynchronous.client_session import AsyncClientSession

from models import Agreement, IdempotencyKey
from models.base import checked, stale
from models.chronology import (
    MANUAL_KINDS,
    ChainCheck,
    ChronologyEvent,
    Correction,
    start_of_day,
    verify_chain,
)
from models.clock import utcnow
from models.document_text import DocumentText
from models.documents import DocumentRef, StoredFile
from models.enums import ChronologyKind, DocumentType
from models.errors import DomainError, ErrorCode
from models.file_owners import FileHolder
from resolvers.access import (
    agreement_scope,
    can_read_agreement,
    require_agreement_contributor,
    require_chronology_corrector,
)
from resolvers.context import CITY_TIMEZONE, Context
from resolvers.idempotency import Once
from resolvers.pagination import Page, PageRequest, combine, decode_cursor, encode_cursor

# A concurrent change of the agreement (another event, an upload) should not fail this one.
ATTEMPTS = 3
MAX_NEW_DOCUMENTS = 10
# What a file uploaded with an event is, unless the client says.
DOCUMENT_TYPE_OF = {
    ChronologyKind.MEETING: DocumentType.MINUTES,
    ChronologyKind.CORRESPONDENCE: DocumentType.CORRESPONDENCE,
    ChronologyKind.HANDOVER: DocumentType.MINUTES,
    ChronologyKind.NOTE: DocumentType.OTHER,
}


@dataclass(frozen=True)
class NewFile:
    file: BinaryIO
    filename: str


def city_time(moment: datetime) -> datetime:
    """A time given without an offset is Bogor's wall-clock time."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=CITY_TIMEZONE)


async def _readable(ctx: Context, agreement_id: PydanticObjectId) -> Agreement:
    agreement_scope(ctx.viewer)  # anonymous: UNAUTHENTICATED, not "not found"
    agreement = await Agreement.get(agreement_id)
    if agreement is None or not can_read_agreement(ctx.viewer, agreement):
        raise DomainError(ErrorCode.NOT_FOUND, "no such agreement", "agreementId")
    return agreement


async def _contributable(ctx: Context, agreement_id: PydanticObjectId) -> Agreement:
    agreement = await _readable(ctx, agreement_id)
    require_agreement_contributor(ctx.viewer, agreement)
    return agreement


def _is_conflict(error: DomainError) -> bool:
    return error.code == ErrorCode.CONFLICT and error.field == "revision"


# --- adding history ---------------------------------------------------------------------------


async def add_event(
    ctx: Context,
    agreement_id: PydanticObjectId,
    fields: dict[str, Any],
    new_files: list[NewFile],
    document_type: DocumentType | None,
    idempotency_key: str | None,
) -> tuple[ChronologyEvent, Agreement]:
    """Record something that happened (possibly decades ago), with its documents: those on
    file and new uploads. All or nothing: if anything fails, no file stays behind."""
    agreement = await _contributable(ctx, agreement_id)
    actor = ctx.viewer.actor
    item = checked(
        ChronologyEvent,
        {**fields, "occurred_at": city_time(fields["occurred_at"]), "recorded_by": actor},
    )
    now = utcnow()
    agreement.check_manual_event(item, now)
    if len(new_files) > MAX_NEW_DOCUMENTS:
        raise DomainError(
            ErrorCode.INVALID,
            "upload at most %(count)s files with one event",
            "newDocuments",
            count=MAX_NEW_DOCUMENTS,
        )
    doc_type = document_type or DOCUMENT_TYPE_OF[item.kind]
    once = Once(
        ctx,
        "addChronologyEvent",
        idempotency_key,
        {
            "agreement": agreement_id,
            **item.model_dump(include={"kind", "occurred_at", "title", "description"}),
            "document_ids": item.document_ids,
            "document_type": doc_type,
            "files": [(f.filename, _size(f.file)) for f in new_files],
        },
    )
    first = await once.previous()
    if first is not None:
        return await _replay_event(ctx, first)

    stored: list[StoredFile] = []
    try:
        for number, new in enumerate(new_files):
            stored.append(
                await ctx.database.files.store(
                    new.file,
                    new.filename,
                    holder=FileHolder.AGREEMENT,
                    max_bytes=ctx.settings.max_upload_bytes,
                    field=f"newDocuments.{number}",
                    owner=ctx.viewer.id,
                    daily_quota=ctx.settings.upload_quota_bytes,
                )
            )
        documents = [
            DocumentRef(
                **s.model_dump(),
                type=doc_type,
                title=(item.title if len(stored) == 1 else f"{item.title} ({n})")[:300],
                uploaded_by=actor,
            )
            for n, s in enumerate(stored, start=1)
        ]
        final = item.model_copy(
            update={"document_ids": [*item.document_ids, *(d.id for d in documents)]}
        )
        for _ in range(ATTEMPTS):
            try:
                (recorded, updated), fresh = await once.run(
                    partial(_recorded, agreement, final, documents, now),
                    _event_ids,
                    partial(_replay_event, ctx),
                )
                break
            except DomainError as error:
                if not _is_conflict(error):
                    raise
                agreement = await _contributable(ctx, agreement_id)
        else:
            raise stale("Agreement")
    except BaseException:
        for s in stored:
            await ctx.database.files.delete(s.file_id)
        raise
    for s in stored:
        if fresh:
            await ctx.database.files.mark_attached(s.file_id)
            await DocumentText.enqueue(s)
        else:  # a retry: the first request's files are the ones on record
            await ctx.database.files.delete(s.file_id)
    return recorded, updated


async def _recorded(
    agreement: Agreement,
    item: ChronologyEvent,
    documents: list[DocumentRef],
    now: datetime,
    session: AsyncClientSession | None,
) -> tuple[ChronologyEvent, Agreement]:
    updated = await agreement.record_event(item, documents, now, session=session)
    return updated.find_event(item.id), updated


def _event_ids(
    result: tuple[ChronologyEvent, Agreement],
) -> tuple[PydanticObjectId, PydanticObjectId]:
    item, agreement = result
    assert agreement.id is not None
    return agreement.id, item.id


async def _replay_event(ctx: Context, first: IdempotencyKey) -> tuple[ChronologyEvent, Agreement]:
    agreement = await _readable(ctx, first.record_id)
    assert first.item_id is not None
    return agreement.find_event(first.item_id), agreement


def _size(file: BinaryIO) -> int:
    file.seek(0, 2)
    size = file.tell()
    file.seek(0)
    return size


# --- correcting history -------------------------------------------------------------------------


async def correct_event(
    ctx: Context,
    agreement_id: PydanticObjectId,
    event_id: PydanticObjectId,
    fields: dict[str, Any],
    reason: str,
    revision: int | None,
) -> tuple[ChronologyEvent, Agreement]:
    """Append a CORRECTION of an event; returns the corrected event and the agreement."""
    agreement = await _contributable(ctx, agreement_id)
    if fields.get("occurred_at") is not None:
        fields = {**fields, "occurred_at": city_time(fields["occurred_at"])}
    correction = checked(Correction, fields)
    for _ in range(ATTEMPTS):
        target = agreement.find_event(event_id)
        require_chronology_corrector(ctx.viewer, agreement, target.kind in MANUAL_KINDS)
        try:
            updated = await agreement.correct_event(
                event_id, correction, reason, ctx.viewer.actor, utcnow(), revision
            )
            return updated.find_event(event_id), updated
        except DomainError as error:
            # Without a revision from the client, an unrelated concurrent change is retried.
            if revision is not None or not _is_conflict(error):
                raise
            agreement = await _contributable(ctx, agreement_id)
    raise stale("Agreement")


# --- checking history ---------------------------------------------------------------------------


async def verify(ctx: Context, agreement_id: PydanticObjectId) -> ChainCheck:
    """Recompute the hash chain over the events exactly as the database holds them."""
    agreement_scope(ctx.viewer)
    raw = await Agreement.get_pymongo_collection().find_one(
        {"_id": agreement_id}, {"chronology": 1, "lead_org_unit_ids": 1, "partner_ids": 1}
    )
    # Read raw, not through the model: a tampered event must be reported, not fail to load.
    owner = (
        Agreement.model_construct(
            lead_org_unit_ids=raw.get("lead_org_unit_ids") or [],
            partner_ids=raw.get("partner_ids") or [],
        )
        if raw is not None
        else None
    )
    if owner is None or not can_read_agreement(ctx.viewer, owner):
        raise DomainError(ErrorCode.NOT_FOUND, "no such agreement", "agreementId")
    chronology = raw.get("chronology") if raw is not None else None
    return verify_chain(chronology if isinstance(chronology, list) else [])


# --- the timeline across agreements -------------------------------------------------------------


@dataclass
class TimelineFilter:
    from_day: date | None = None
    to_day: date | None = None
    kinds: list[ChronologyKind] | None = None
    org_unit_id: PydanticObjectId | None = None
    partner_id: PydanticObjectId | None = None
    agreement_id: PydanticObjectId | None = None


# When an event happened after its corrections: the latest correction of the date wins.
EFFECTIVE_AT = {
    "$reduce": {
        "input": "$fixes",
        "initialValue": "$chronology.occurred_at",
        "in": {
            "$cond": [
                {
                    "$and": [
                        {"$eq": ["$$this.corrects", "$chronology.id"]},
                        {"$ne": [{"$ifNull": ["$$this.correction.occurred_at", None]}, None]},
                    ]
                },
                "$$this.correction.occurred_at",
                "$$value",
            ]
        },
    }
}


def _timeline_stages(ctx: Context, flt: TimelineFilter) -> list[dict[str, Any]]:
    """The viewer's agreements, one row per event: its id, kind and corrected date."""
    agreements: dict[str, Any] = {}
    if flt.org_unit_id is not None:
        agreements["lead_org_unit_ids"] = flt.org_unit_id
    if flt.partner_id is not None:
        agreements["partner_ids"] = flt.partner_id
    if flt.agreement_id is not None:
        agreements["_id"] = flt.agreement_id
    events: dict[str, Any] = {}
    if flt.kinds:
        events["kind"] = {"$in": [k.value for k in flt.kinds]}
    window: dict[str, Any] = {}
    if flt.from_day is not None:
        window["$gte"] = start_of_day(flt.from_day)
    if flt.to_day is not None:
        window["$lt"] = start_of_day(flt.to_day + timedelta(days=1))
    if flt.from_day and flt.to_day and flt.to_day < flt.from_day:
        raise DomainError(ErrorCode.INVALID, "`to` is before `from`", "to")
    if window:
        events["at"] = window
    stages: list[dict[str, Any]] = [
        {"$match": combine(agreement_scope(ctx.viewer), agreements)},
        {
            "$project": {
                "chronology.id": 1,
                "chronology.kind": 1,
                "chronology.occurred_at": 1,
                "chronology.corrects": 1,
                "chronology.correction.occurred_at": 1,
            }
        },
        {
            "$addFields": {
                "fixes": {
                    "$filter": {
                        "input": "$chronology",
                        "cond": {"$eq": ["$$this.kind", ChronologyKind.CORRECTION.value]},
                    }
                }
            }
        },
        {"$unwind": "$chronology"},
        {
            "$project": {
                "event_id": "$chronology.id",
                "kind": "$chronology.kind",
                "at": EFFECTIVE_AT,
            }
        },
    ]
    if events:
        stages.append({"$match": events})
    return stages


async def timeline(
    ctx: Context, flt: TimelineFilter | None, request: PageRequest, newest_first: bool = False
) -> Page[tuple[ChronologyEvent, Agreement]]:
    """Events across the viewer's agreements in the order they happened; keyset cursors on
    (date, event id)."""
    size, backwards = request.size(ctx.settings.default_page_size, ctx.settings.max_page_size)
    if backwards:
        raise DomainError(ErrorCode.INVALID, "the timeline pages forwards only", "last")
    stages = _timeline_stages(ctx, flt or TimelineFilter())
    page_stages = list(stages)
    compare = "$lt" if newest_first else "$gt"
    if request.after is not None:
        at, event_id = decode_cursor(request.after, "after")
        page_stages.append(
            {
                "$match": {
                    "$or": [{"at": {compare: at}}, {"at": at, "event_id": {compare: event_id}}]
                }
            }
        )
    direction = -1 if newest_first else 1
    page_stages += [{"$sort": {"at": direction, "event_id": direction}}, {"$limit": size + 1}]
    collection = Agreement.get_pymongo_collection()
    rows = await (await collection.aggregate(page_stages)).to_list()
    more = len(rows) > size
    rows = rows[:size]
    owners = await ctx.loaders.agreement.load_many(list({r["_id"] for r in rows}))
    by_id = {a.id: a for a in owners if a is not None}
    items = [(by_id[r["_id"]].find_event(r["event_id"]), by_id[r["_id"]]) for r in rows]

    async def count() -> int:
        found = await (await collection.aggregate([*stages, {"$count": "n"}])).to_list()
        return int(found[0]["n"]) if found else 0

    return Page(
        items=items,
        cursors=[encode_cursor(r["at"], r["event_id"]) for r in rows],
        has_next_page=more,
        has_previous_page=request.after is not None,
        count=count,
    )
