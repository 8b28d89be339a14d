"""Listing rows: one small row per agreement with what lists, alerts and the dashboard read.

An agreement carries its files and its whole history (about 9 KB with 20 events), and the
embedded engine decodes every document a query considers, whatever the projection or the
page size; so lists, counts and monitoring read these rows (a few hundred bytes each) instead,
and load whole agreements only for the page they show. A row has the agreement's `_id`, so
the viewer's rule for agreements applies to rows unchanged. A row also marks each evaluation
of its agreement (period, status, overall score), which the monitoring figures count.

The rows are derived data: every write of an `Agreement` stores its row, and every write of an
`Evaluation` its agreement's row's marks, in the same transaction (`Record.store_derived` in
models/base.py); each such write moves the counters
(models/agreement_counters.py) by the difference between the old and the new row, in the
same transaction.
`rebuild_listings` writes the rows and the counters all again from the agreements and
evaluations (`cli.py rebuild-listings`, after a restore, and at start-up when the counts
differ), and a backup leaves both out.
"""

from typing import TYPE_CHECKING, Any, ClassVar

import pymongo
from beanie import PydanticObjectId
from beanie.odm.utils.encoder import Encoder
from pydantic import BaseModel
from pymongo import IndexModel, ReplaceOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import BulkWriteError

from models.agreement_counters import (
    ALL,
    AgreementCounter,
    counter_id,
    rebuild_counters,
    write_counters,
)
from models.base import Record
from models.enums import (
    AgreementForm,
    AgreementStatus,
    CooperationType,
    EvaluationStatus,
    Visibility,
)
from models.values import CalendarDate, Money

if TYPE_CHECKING:
    from models.agreement import Agreement

REBUILD_BATCH = 200
DUPLICATE_KEY = 11000


class OpenFollowUp(BaseModel):
    """A follow-up action of the evaluation that is not done yet."""

    id: PydanticObjectId
    what: str
    due_on: CalendarDate


class EvaluationMark(BaseModel):
    """One evaluation of the row's agreement, as far as the monitoring figures count it and
    the alerts need it."""

    evaluation_id: PydanticObjectId
    period: str
    status: EvaluationStatus
    overall_score: float | None = None
    open_follow_ups: list[OpenFollowUp] = []


class AgreementListing(Record):
    """The fields of an agreement that lists filter and sort on and that alerts, evaluations
    due and the dashboard compute with; `revision` and `updated_at` are the agreement's."""

    number: str
    title: str
    title_key: str
    status: AgreementStatus
    form: AgreementForm
    cooperation_type: CooperationType
    field: str
    visibility: Visibility
    partner_ids: list[PydanticObjectId]
    lead_org_unit_ids: list[PydanticObjectId]
    parent_id: PydanticObjectId | None = None
    signed_on: CalendarDate | None = None
    starts_on: CalendarDate | None = None
    ends_on: CalendarDate | None = None
    value: Money | None = None
    # Not copied from the agreement: written from its evaluations, in period order.
    evaluations: list[EvaluationMark] = []

    # The agreement fields a row copies: every field above and the record's own.
    copied: ClassVar[tuple[str, ...]] = (
        "number",
        "title",
        "title_key",
        "status",
        "form",
        "cooperation_type",
        "field",
        "visibility",
        "partner_ids",
        "lead_org_unit_ids",
        "parent_id",
        "signed_on",
        "starts_on",
        "ends_on",
        "value",
        "created_at",
        "updated_at",
        "revision",
    )

    class Settings:
        name = "agreement_listings"
        # The agreement lists' sort orders and filters (the lists page over the rows, the
        # public catalogue too).
        indexes: ClassVar = [
            IndexModel([("number", pymongo.ASCENDING)]),
            IndexModel([("title_key", pymongo.ASCENDING), ("_id", pymongo.ASCENDING)]),
            IndexModel([("signed_on", pymongo.ASCENDING), ("_id", pymongo.ASCENDING)]),
            IndexModel([("ends_on", pymongo.ASCENDING), ("_id", pymongo.ASCENDING)]),
            IndexModel([("updated_at", pymongo.ASCENDING), ("_id", pymongo.ASCENDING)]),
            IndexModel([("status", pymongo.ASCENDING), ("ends_on", pymongo.ASCENDING)]),
            IndexModel([("status", pymongo.ASCENDING), ("cooperation_type", pymongo.ASCENDING)]),
            IndexModel([("cooperation_type", pymongo.ASCENDING)]),
            IndexModel([("form", pymongo.ASCENDING)]),
            IndexModel([("field", pymongo.ASCENDING)]),
            IndexModel([("partner_ids", pymongo.ASCENDING)]),
            IndexModel([("lead_org_unit_ids", pymongo.ASCENDING)]),
            IndexModel([("parent_id", pymongo.ASCENDING)]),
            # The public catalogue (newest signed first) reads the PUBLIC rows only.
            IndexModel(
                [
                    ("visibility", pymongo.ASCENDING),
                    ("signed_on", pymongo.ASCENDING),
                    ("_id", pymongo.ASCENDING),
                ]
            ),
        ]


def listing_row(agreement: "Agreement") -> dict[str, Any]:
    """The row of a stored agreement, as stored."""
    row: dict[str, Any] = Encoder().encode(
        {name: getattr(agreement, name) for name in AgreementListing.copied}
    )
    return {"_id": agreement.id, **row}


async def write_listing(agreement: "Agreement", session: AsyncClientSession) -> None:
    """Store the row of an agreement just written, and move the counters, in that write's
    transaction. The row keeps its evaluation marks (a new row has none yet)."""
    row = listing_row(agreement)
    # A read and an update, not one findAndModify, which SecantusDB 0.7 runs as a scan
    # (models/base.py `compare_and_set`); the transaction keeps them together.
    rows = AgreementListing.get_pymongo_collection()
    old = await rows.find_one({"_id": agreement.id}, session=session)
    await rows.update_one(
        {"_id": agreement.id},
        {"$set": {k: v for k, v in row.items() if k != "_id"}, "$setOnInsert": {"evaluations": []}},
        upsert=True,
        session=session,
    )
    new = {"evaluations": [], **(old or {}), **row}
    await write_counters(old, new, session)


async def write_evaluation_marks(
    agreement_id: PydanticObjectId, session: AsyncClientSession
) -> None:
    """Mark an agreement's evaluations on its row again, and move the counters, in the
    transaction of a write of one of them."""
    marks = await _marks({"agreement_id": agreement_id}, session)
    rows = AgreementListing.get_pymongo_collection()
    marked = marks.get(agreement_id, [])
    old = await rows.find_one({"_id": agreement_id}, session=session)
    await rows.update_one({"_id": agreement_id}, {"$set": {"evaluations": marked}}, session=session)
    # No row: an agreement not listed yet, which the next rebuild lists with its marks.
    if old is not None:
        await write_counters(old, {**old, "evaluations": marked}, session)


async def _marks(
    query: dict[str, Any], session: AsyncClientSession | None = None
) -> dict[Any, list[dict[str, Any]]]:
    """The evaluation marks of the evaluations matching `query`, by agreement, in period
    order."""
    from models.evaluation import Evaluation

    marks: dict[Any, list[dict[str, Any]]] = {}
    found = Evaluation.get_pymongo_collection().find(
        query,
        {"agreement_id": 1, "period": 1, "status": 1, "overall_score": 1, "follow_up_actions": 1},
        session=session,
    )
    async for raw in found.sort("period", 1):
        mark = {
            "evaluation_id": raw["_id"],
            "period": raw["period"],
            "status": raw["status"],
            "overall_score": raw.get("overall_score"),
            "open_follow_ups": [
                {"id": action["id"], "what": action["what"], "due_on": action["due_on"]}
                for action in raw.get("follow_up_actions", [])
                if action.get("done_at") is None
            ],
        }
        marks.setdefault(raw["agreement_id"], []).append(mark)
    return marks


async def rebuild_listings() -> int:
    """Write every agreement's row again from the agreement and its evaluations; remove rows
    of no agreement; count the counters again from the rows. Returns the number of agreements
    listed.

    A row is only replaced by one of the same or a newer revision, so a row written by an
    agreement's own write meanwhile is never set back. The counters are counted from the rows
    as read: run it while the server does not write (start-up, restore, `cli.py`)."""
    from models.agreement import Agreement

    listings = AgreementListing.get_pymongo_collection()
    marks = await _marks({})
    seen: list[PydanticObjectId] = []
    batch: list[ReplaceOne[dict[str, Any]]] = []
    async for raw in Agreement.get_pymongo_collection().find({}).sort("_id", 1):
        row = listing_row(Agreement.model_validate(raw))
        row["evaluations"] = marks.get(row["_id"], [])
        seen.append(row["_id"])
        batch.append(
            ReplaceOne({"_id": row["_id"], "revision": {"$lte": row["revision"]}}, row, upsert=True)
        )
        if len(batch) == REBUILD_BATCH:
            await _replace(listings, batch)
            batch = []
    if batch:
        await _replace(listings, batch)
    await listings.delete_many({"_id": {"$nin": seen}} if seen else {})
    await rebuild_counters(await listings.find({}).to_list())
    return len(seen)


async def _replace(listings: Any, batch: list[ReplaceOne[dict[str, Any]]]) -> None:
    try:
        await listings.bulk_write(batch, ordered=False)
    except BulkWriteError as error:
        # A row already at a newer revision does not match its filter, and its upsert then
        # collides with that row's `_id`: the newer row stays, the rest of the batch is
        # written. Any other failure stands.
        if any(e["code"] != DUPLICATE_KEY for e in error.details["writeErrors"]):
            raise


async def list_unlisted() -> int:
    """At start-up: rebuild the rows and counters if some rows are missing or left over, the
    counters do not count them all (a database from before the rows or the counters,
    agreements inserted past the API), or a row marks its evaluations as rows did before the
    marks named them and their open follow-up actions; returns how many agreements were
    listed, 0 when nothing was missing. A row or counter that disagrees with its agreement
    cannot happen (they are written in one transaction), so cheap counts decide, and one
    query for an old mark, not a comparison of every row: start-up stays quick."""
    from models.agreement import Agreement

    agreements = await Agreement.get_pymongo_collection().estimated_document_count()
    rows = await AgreementListing.get_pymongo_collection().estimated_document_count()
    total = await AgreementCounter.get_pymongo_collection().find_one(
        {"_id": counter_id((ALL, "total", ""))}
    )
    counted = int(total["n"]) if total else 0
    if agreements == rows == counted and not await _old_marks():
        return 0
    return await rebuild_listings()


async def _old_marks() -> bool:
    old = {"evaluations": {"$elemMatch": {"evaluation_id": {"$exists": False}}}}
    return await AgreementListing.get_pymongo_collection().find_one(old, {"_id": 1}) is not None
