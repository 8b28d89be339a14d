"""The one way to read the records a viewer may or may not see (NetBox's `restrict`).

Each readable model has one rule per use: a function of the viewer giving the filter its reads
are combined with (`NOTHING` when the viewer reads none; an error when it must sign in first).
Lists, `node(id:)`, nested fields (through the loaders), exports and downloads read through
`find`, `get`, `one` and `readable` here. A model or a use without a rule reads nothing, so a
new field or use case is closed until a rule here opens it; tests/test_scoped_reads.py fails
when a resolver reads a scoped model directly. Which fields of a readable record the viewer
sees is declared on the models (models/redaction.py).
"""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from enum import StrEnum
from typing import Any

import bson
from beanie import PydanticObjectId
from beanie.odm.queries.find import FindMany
from bson.raw_bson import RawBSONDocument
from pymongo.asynchronous.cursor import AsyncCursor

from models import (
    Agreement,
    AgreementListing,
    Evaluation,
    FaqEntry,
    OrgUnit,
    Partner,
    Procedure,
    Proposal,
    Template,
    User,
)
from models.base import Record
from models.enums import Role
from resolvers.access import (
    ARCHIVE_READERS,
    EVER_SUBMITTED,
    MONITORING_READERS,
    NOTHING,
    PROPOSAL_QUEUE_ROLES,
    own_proposal_scope,
    require_monitoring_reader,
    require_signed_in,
)
from resolvers.pagination import combine
from resolvers.viewer import Viewer

type Filter = dict[str, Any]
type Rule = Callable[[Viewer], Awaitable[Filter]]


class Use(StrEnum):
    # The record itself: lists, node(id:), exports, downloads, the records a use case changes.
    READ = "READ"
    # A record named inside another one the viewer reads (an agreement's partners and
    # departments): its name is no secret, its sensitive fields are redacted as declared.
    NAMED = "NAMED"
    # The public face of a record, for anyone signed in or not (the public catalogue).
    PUBLIC = "PUBLIC"


# --- the rules -------------------------------------------------------------------------------


async def _agreements(viewer: Viewer) -> Filter:
    role = require_signed_in(viewer)  # anonymous: UNAUTHENTICATED, not "not found"
    if role in ARCHIVE_READERS:
        return {}
    if role == Role.OFFICER:
        return {"lead_org_unit_ids": viewer.org_unit_id}
    if role == Role.PARTNER:
        return {"partner_ids": viewer.partner_id}
    return NOTHING


async def _public_agreements(viewer: Viewer) -> Filter:
    """Agreements marked PUBLIC that were signed (a DRAFT is still being negotiated)."""
    return {"visibility": "PUBLIC", "status": {"$ne": "DRAFT"}}


async def _partners(viewer: Viewer) -> Filter:
    """A partner's users read their own organisation; the city reads every partner."""
    if require_signed_in(viewer) == Role.PARTNER:
        return {"_id": viewer.partner_id}
    return {}


async def _everyone(viewer: Viewer) -> Filter:
    return {}


async def _signed_in(viewer: Viewer) -> Filter:
    require_signed_in(viewer)
    return {}


async def _proposals(viewer: Viewer) -> Filter:
    """A proposal is its proposer's (a department, or a partner); once submitted, the queue's
    (the cooperation unit and the TKKSD)."""
    if require_signed_in(viewer) in PROPOSAL_QUEUE_ROLES:
        return EVER_SUBMITTED
    return own_proposal_scope(viewer)


async def _tracked_proposals(viewer: Viewer) -> Filter:
    """Anyone holding a tracking code learns where a submitted proposal stands."""
    return {"tracking_code": {"$ne": None}, **EVER_SUBMITTED}


async def _evaluations(viewer: Viewer) -> Filter:
    """Evaluations are internal: the monitoring readers, for the agreements they read."""
    if require_signed_in(viewer) not in MONITORING_READERS:
        return NOTHING
    agreements = await ids(viewer, Agreement)
    return {} if agreements is None else {"agreement_id": {"$in": agreements}}


async def _accounts(viewer: Viewer) -> Filter:
    """The cooperation unit reads every account; anyone else only their own."""
    if viewer.id is None:
        return NOTHING
    return {} if viewer.role == Role.ADMIN else {"_id": viewer.user_id}


async def _published(viewer: Viewer) -> Filter:
    """FAQ entries and templates: the public reads what is published; the cooperation unit
    also what it withdrew or has not released yet."""
    return {} if viewer.role == Role.ADMIN else {"published": True}


RULES: dict[tuple[type[Record], Use], Rule] = {
    (Agreement, Use.READ): _agreements,
    (Agreement, Use.PUBLIC): _public_agreements,
    # A listing row has its agreement's id and fields: whoever reads one reads the other.
    (AgreementListing, Use.READ): _agreements,
    (AgreementListing, Use.PUBLIC): _public_agreements,
    (Partner, Use.READ): _partners,
    (Partner, Use.NAMED): _everyone,
    # The city's departments are no secret to anyone signed in, nor named on a public record.
    (OrgUnit, Use.READ): _signed_in,
    (OrgUnit, Use.NAMED): _everyone,
    (Proposal, Use.READ): _proposals,
    (Proposal, Use.PUBLIC): _tracked_proposals,
    (Evaluation, Use.READ): _evaluations,
    # Procedures have no draft state: each one is public from its first edit.
    (Procedure, Use.READ): _everyone,
    (FaqEntry, Use.READ): _published,
    (Template, Use.READ): _published,
    (User, Use.READ): _accounts,
}

SCOPED_MODELS = frozenset(model for model, _ in RULES)


async def readable(viewer: Viewer, model: type[Record], use: Use = Use.READ) -> Filter:
    """The filter every `use` read of `model` by this viewer is combined with."""
    rule = RULES.get((model, use))
    return NOTHING if rule is None else await rule(viewer)


async def find[R: Record](
    viewer: Viewer, model: type[R], query: Filter | None = None, use: Use = Use.READ
) -> FindMany[R]:
    return model.find(combine(await readable(viewer, model, use), query or {}))


async def one[R: Record](
    viewer: Viewer, model: type[R], query: Filter, use: Use = Use.READ
) -> R | None:
    """The first readable record matching `query`."""
    return await model.find_one(combine(await readable(viewer, model, use), query))


async def get[R: Record](
    viewer: Viewer, model: type[R], record_id: PydanticObjectId, use: Use = Use.READ
) -> R | None:
    return await one(viewer, model, {"_id": record_id}, use)


async def by_ids[R: Record](
    viewer: Viewer, model: type[R], ids: Sequence[PydanticObjectId], use: Use = Use.READ
) -> list[R | None]:
    """The records in the order of `ids` (None where missing or not readable): one query."""
    # The ids first: SecantusDB takes its candidates from the first field an index serves, and
    # a page of ids is fewer records than, say, a department's agreements.
    query = combine({"_id": {"$in": list(ids)}}, await readable(viewer, model, use))
    found = {record.id: record for record in await _validated(model, query)}
    return [found.get(i) for i in ids]


async def read_all[R: Record](
    viewer: Viewer,
    model: type[R],
    query: Filter,
    sort: list[tuple[str, int]] | None = None,
    use: Use = Use.READ,
) -> list[R]:
    """The readable records matching `query`, in `sort` order: one query."""
    return await _validated(model, combine(await readable(viewer, model, use), query), sort)


async def _validated[R: Record](
    model: type[R], condition: Filter, sort: list[tuple[str, int]] | None = None
) -> list[R]:
    """The records matching `condition`, decoded and validated in a worker thread. A page's
    agreements are tens of ms of Python: on the event loop they would hold up every other
    request of the process, while a thread hands the interpreter back every few ms."""
    collection = model.get_pymongo_collection()
    options = collection.codec_options
    raw = collection.with_options(
        codec_options=options.with_options(document_class=RawBSONDocument)
    )
    cursor = raw.find(condition)
    if sort:
        cursor = cursor.sort(sort)
    rows = await cursor.to_list()
    return await asyncio.to_thread(
        lambda: [model.model_validate(bson.decode(row.raw, options)) for row in rows]
    )


async def embedded_by_id[R: Record](
    viewer: Viewer, model: type[R], field: str, item_ids: Sequence[PydanticObjectId]
) -> list[tuple[Any, R] | None]:
    """Items embedded in readable records (an agreement's documents, a proposal's
    attachments) with their record, in the order of `item_ids`: one query."""
    owners = await find(viewer, model, {f"{field}.id": {"$in": list(item_ids)}})
    found = {
        item.id: (item, owner) for owner in await owners.to_list() for item in getattr(owner, field)
    }
    return [found.get(i) for i in item_ids]


async def ids(
    viewer: Viewer, model: type[Record], query: Filter | None = None, use: Use = Use.READ
) -> list[PydanticObjectId] | None:
    """The ids of the readable records matching `query`; None when that is every record (no
    list to send back to the database)."""
    condition = combine(await readable(viewer, model, use), query or {})
    if not condition:
        return None
    found = await model.get_pymongo_collection().find(condition, {"_id": 1}).to_list()
    return [PydanticObjectId(row["_id"]) for row in found]


async def monitored(viewer: Viewer, model: type[Record] = Agreement) -> Filter:
    """The agreements (or their listing rows) whose alerts, evaluations and figures the
    viewer sees: monitoring is internal (FORBIDDEN to partners), then the agreements it
    reads."""
    require_monitoring_reader(viewer)
    return await readable(viewer, model)


async def rows(
    viewer: Viewer,
    model: type[Record],
    query: Filter,
    projection: dict[str, Any] | None,
    use: Use = Use.READ,
) -> AsyncCursor[dict[str, Any]]:
    """The readable records as the database holds them (projections, records that may not
    validate)."""
    condition = combine(await readable(viewer, model, use), query)
    return model.get_pymongo_collection().find(condition, projection)


async def aggregate(
    viewer: Viewer, model: type[Record], stages: list[dict[str, Any]], use: Use = Use.READ
) -> list[dict[str, Any]]:
    """An aggregation over the readable records only: the rule is its first `$match`."""
    pipeline = [{"$match": await readable(viewer, model, use)}, *stages]
    return await (await model.get_pymongo_collection().aggregate(pipeline)).to_list()


async def batches(
    viewer: Viewer,
    model: type[Record],
    query: Filter,
    projection: dict[str, Any] | None,
    size: int,
    use: Use = Use.READ,
) -> AsyncIterator[list[dict[str, Any]]]:
    """Raw readable records in id order, `size` at a time (one round trip each), for exports.
    The rule is applied before the stream is returned: a refused export fails before its
    first byte."""
    cursor = await rows(viewer, model, query, projection, use)
    return _in_batches(cursor.sort("_id", 1).batch_size(size), size)


async def _in_batches(
    cursor: AsyncCursor[dict[str, Any]], size: int
) -> AsyncIterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    async for raw in cursor:
        batch.append(raw)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
