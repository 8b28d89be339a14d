"""Exports for notebooks and spreadsheets: every record the viewer may read under a filter,
streamed from a database cursor a batch at a time, so memory stays flat whatever the size.

Each function checks access and builds the query before it returns its stream: a refused
export fails before the first byte is sent.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from beanie import PydanticObjectId

from models import Agreement, Evaluation, OrgUnit, Partner
from models.chronology import ChronologyEvent
from resolvers.access import agreement_scope, shown
from resolvers.agreements import AgreementFilter, agreement_query
from resolvers.context import Context
from resolvers.pagination import combine
from resolvers.stats import EvaluationFilter, evaluation_match


@dataclass
class AgreementRecord:
    agreement: Agreement
    partners: list[Partner]
    org_units: list[OrgUnit]


@dataclass
class EvaluationRecord:
    evaluation: Evaluation
    agreement_number: str
    agreement_title: str


@dataclass
class EventRecord:
    agreement_id: PydanticObjectId
    agreement_number: str
    event: ChronologyEvent


def export_query(ctx: Context, flt: AgreementFilter | None) -> dict[str, Any]:
    """The same rules and filter as the `agreements` query."""
    return combine(agreement_scope(ctx.viewer), agreement_query(flt, ctx.today()))


async def batches(
    query: dict[str, Any],
    projection: dict[str, Any] | None,
    size: int,
    model: type[Agreement | Evaluation] = Agreement,
) -> AsyncIterator[list[dict[str, Any]]]:
    """Raw records in id order, `size` at a time (one round trip each)."""
    cursor = model.get_pymongo_collection().find(query, projection).sort("_id", 1).batch_size(size)
    batch: list[dict[str, Any]] = []
    async for raw in cursor:
        batch.append(raw)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


async def _by_id[R: Partner | OrgUnit](model: type[R], ids: set[Any]) -> dict[Any, R]:
    rows = await model.get_pymongo_collection().find({"_id": {"$in": list(ids)}}).to_list()
    return {row["_id"]: model.model_validate(row) for row in rows}


async def agreements(ctx: Context, flt: AgreementFilter | None) -> AsyncIterator[AgreementRecord]:
    query = export_query(ctx, flt)
    size = ctx.settings.export_batch_size

    async def records() -> AsyncIterator[AgreementRecord]:
        # The history has its own export; the rest of an agreement is small.
        async for batch in batches(query, {"chronology": 0}, size):
            partners = await _by_id(Partner, {i for raw in batch for i in raw["partner_ids"]})
            units = await _by_id(OrgUnit, {i for raw in batch for i in raw["lead_org_unit_ids"]})
            for raw in batch:
                agreement = Agreement.model_validate(raw)
                yield AgreementRecord(
                    agreement,
                    [partners[i] for i in agreement.partner_ids if i in partners],
                    [units[i] for i in agreement.lead_org_unit_ids if i in units],
                )

    return records()


async def chronology(ctx: Context, flt: AgreementFilter | None) -> AsyncIterator[EventRecord]:
    """Every event of every matching agreement, each agreement's in the order they happened."""
    query = export_query(ctx, flt)
    # Histories can be long: fewer agreements per round trip.
    size = max(1, ctx.settings.export_batch_size // 10)

    async def records() -> AsyncIterator[EventRecord]:
        projection = {"number": 1, "chronology": 1}
        async for batch in batches(query, projection, size):
            for raw in batch:
                events = [
                    shown(ctx.viewer, ChronologyEvent.model_validate(e))
                    for e in raw.get("chronology", [])
                ]
                events.sort(key=lambda e: (e.occurred_at, e.recorded_at))
                for event in events:
                    yield EventRecord(raw["_id"], raw["number"], event)

    return records()


async def evaluations(ctx: Context, flt: EvaluationFilter) -> AsyncIterator[EvaluationRecord]:
    """Evaluations the viewer may read (monitoring readers), with their agreement's number."""
    query = await evaluation_match(ctx, flt)
    size = ctx.settings.export_batch_size

    async def records() -> AsyncIterator[EvaluationRecord]:
        async for batch in batches(query, None, size, Evaluation):
            ids = list({raw["agreement_id"] for raw in batch})
            rows = (
                await Agreement.get_pymongo_collection()
                .find({"_id": {"$in": ids}}, {"number": 1, "title": 1})
                .to_list()
            )
            agreements = {row["_id"]: row for row in rows}
            for raw in batch:
                evaluation = Evaluation.model_validate(raw)
                agreement = agreements.get(evaluation.agreement_id, {})
                yield EvaluationRecord(
                    evaluation, agreement.get("number", ""), agreement.get("title", "")
                )

    return records()
