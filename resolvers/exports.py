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
from resolvers import scoped
from resolvers.access import shown
from resolvers.agreements import AgreementFilter, agreement_query
from resolvers.context import Context
from resolvers.scoped import Use
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


async def _named[R: Partner | OrgUnit](ctx: Context, model: type[R], ids: set[Any]) -> dict[Any, R]:
    """The partners or departments named on a batch of readable agreements."""
    found = await scoped.find(ctx.viewer, model, {"_id": {"$in": list(ids)}}, Use.NAMED)
    return {record.id: record for record in await found.to_list()}


async def agreements(ctx: Context, flt: AgreementFilter | None) -> AsyncIterator[AgreementRecord]:
    # The history has its own export; the rest of an agreement is small.
    found = await scoped.batches(
        ctx.viewer,
        Agreement,
        await agreement_query(flt, ctx.today()),
        {"chronology": 0},
        ctx.settings.export_batch_size,
    )

    async def records() -> AsyncIterator[AgreementRecord]:
        async for batch in found:
            partners = await _named(ctx, Partner, {i for raw in batch for i in raw["partner_ids"]})
            units = await _named(
                ctx, OrgUnit, {i for raw in batch for i in raw["lead_org_unit_ids"]}
            )
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
    found = await scoped.batches(
        ctx.viewer,
        Agreement,
        await agreement_query(flt, ctx.today()),
        {"number": 1, "chronology": 1},
        # Histories can be long: fewer agreements per round trip.
        max(1, ctx.settings.export_batch_size // 10),
    )

    async def records() -> AsyncIterator[EventRecord]:
        async for batch in found:
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
    size = ctx.settings.export_batch_size
    found = await scoped.batches(
        ctx.viewer, Evaluation, await evaluation_match(ctx, flt), None, size
    )

    async def records() -> AsyncIterator[EvaluationRecord]:
        async for batch in found:
            ids = {"_id": {"$in": list({raw["agreement_id"] for raw in batch})}}
            titles = await scoped.batches(
                ctx.viewer, Agreement, ids, {"number": 1, "title": 1}, size
            )
            agreements = {row["_id"]: row async for rows in titles for row in rows}
            for raw in batch:
                evaluation = Evaluation.model_validate(raw)
                agreement = agreements.get(evaluation.agreement_id, {})
                yield EvaluationRecord(
                    evaluation, agreement.get("number", ""), agreement.get("title", "")
                )

    return records()
