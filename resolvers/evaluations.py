"""Use cases of monitoring and evaluation (menu 4): evaluations, their follow-up actions and
the evidence from the field."""

import asyncio
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from typing import Any, BinaryIO

from beanie import PydanticObjectId
from pymongo.asynchronous.client_session import AsyncClientSession

from models import Agreement, Evaluation, IdempotencyKey
from models.agreement_counters import ALL, counter_id
from models.base import checked, stale
from models.chronology import event, start_of_day
from models.documents import StoredFile
from models.enums import (
    ChronologyKind,
    EvaluationStatus,
    PeriodLength,
    Recommendation,
)
from models.errors import DomainError, ErrorCode
from models.evaluation import Evidence
from models.file_owners import FileHolder
from models.periods import Period
from models.photo_metadata import PhotoMetadata, read_photo_metadata
from models.transactions import in_transaction
from resolvers import counted, scoped
from resolvers.access import (
    require_evaluation_reviewer,
    require_evaluator,
    require_monitoring_reader,
)
from resolvers.chronology import city_time
from resolvers.conflicts import on_fresh_copy
from resolvers.context import Context
from resolvers.idempotency import Once, store_once
from resolvers.pagination import Page, PageRequest, SortKey, combine, paginate

# Parallel uploads from one phone change the same evaluation: retry a lost race this often.
ATTEMPTS = 5
PHOTO_TYPES = frozenset({"image/jpeg", "image/tiff", "image/png"})


def period_length(ctx: Context) -> PeriodLength:
    return PeriodLength(ctx.settings.evaluation_period)


def current_period(ctx: Context) -> Period:
    return Period.containing(ctx.today(), period_length(ctx))


def _is_conflict(error: DomainError) -> bool:
    return error.code == ErrorCode.CONFLICT and error.field == "revision"


# --- loading under the access rules ------------------------------------------------------------


async def _agreement(ctx: Context, agreement_id: PydanticObjectId) -> Agreement:
    require_monitoring_reader(ctx.viewer)
    agreement = await scoped.get(ctx.viewer, Agreement, agreement_id)
    if agreement is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no such agreement", "agreementId")
    return agreement


async def _evaluation(
    ctx: Context, evaluation_id: PydanticObjectId
) -> tuple[Evaluation, Agreement]:
    require_monitoring_reader(ctx.viewer)
    evaluation = await scoped.get(ctx.viewer, Evaluation, evaluation_id)
    agreement = (
        await scoped.get(ctx.viewer, Agreement, evaluation.agreement_id) if evaluation else None
    )
    if evaluation is None or agreement is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no such evaluation", "evaluationId")
    return evaluation, agreement


async def evaluations_of(ctx: Context, agreement_id: PydanticObjectId) -> list[Evaluation]:
    """An agreement's evaluations, newest period first; none for partners."""
    return await ctx.loaders.evaluations.load(agreement_id)


@dataclass
class EvaluationFilter:
    agreement_id: PydanticObjectId | None = None
    org_unit_id: PydanticObjectId | None = None
    period: str | None = None
    status: list[EvaluationStatus] | None = None
    recommendation: list[Recommendation] | None = None


async def list_evaluations(
    ctx: Context, flt: EvaluationFilter | None, request: PageRequest
) -> Page[Evaluation]:
    flt = flt or EvaluationFilter()
    require_monitoring_reader(ctx.viewer)  # partners: FORBIDDEN, not an empty list
    query: dict[str, Any] = {}
    if flt.org_unit_id is not None:
        led = await scoped.ids(ctx.viewer, Agreement, {"lead_org_unit_ids": flt.org_unit_id})
        query["agreement_id"] = {"$in": led}
    if flt.agreement_id is not None:
        query = combine(query, {"agreement_id": flt.agreement_id})
    if flt.period:
        query["period"] = Period.parse(flt.period, period_length(ctx)).code
    if flt.status:
        query["status"] = {"$in": [s.value for s in flt.status]}
    if flt.recommendation:
        query["recommendation"] = {"$in": [r.value for r in flt.recommendation]}
    page = await paginate(
        Evaluation,
        combine(await scoped.readable(ctx.viewer, Evaluation), query),
        SortKey("updated_at", descending=True),
        request,
        default_size=ctx.settings.default_page_size,
        max_size=ctx.settings.max_page_size,
    )
    # Every evaluation: counted by the agreements' counters, not by reading them all.
    if not combine(await scoped.readable(ctx.viewer, Evaluation), query):
        evaluations = {"_id": counter_id((ALL, "evaluations", ""))}
        page = replace(page, count=partial(counted.count_of, evaluations))
    return page


# --- the evaluation's life cycle ---------------------------------------------------------------


async def create_evaluation(
    ctx: Context,
    agreement_id: PydanticObjectId,
    fields: dict[str, Any],
    idempotency_key: str | None,
) -> Evaluation:
    agreement = await _agreement(ctx, agreement_id)
    require_evaluator(ctx.viewer, agreement)
    period = Period.parse(str(fields.get("period", "")), period_length(ctx))
    evaluation = Evaluation.build(
        **{
            **fields,
            "period": period.code,
            "agreement_id": agreement_id,
            "evaluator": ctx.viewer.actor,
        }
    )
    Evaluation.check_agreement(agreement, period)
    evaluation.check_calendar(period, ctx.today())
    once = Once(ctx, "createEvaluation", idempotency_key, {"agreement": agreement_id, **fields})

    async def create(session: AsyncClientSession | None) -> Evaluation:
        # The unique index is the guarantee; this only gives the common case a clear message.
        if await Evaluation.find_one(
            {"agreement_id": agreement_id, "period": period.code}, session=session
        ):
            raise DomainError(
                ErrorCode.DUPLICATE,
                "this agreement already has an evaluation for %(period)s",
                "period",
                period=str(period),
            )
        return await evaluation.create_checked(session=session)

    async def replay(first: IdempotencyKey) -> Evaluation:
        return (await _evaluation(ctx, first.record_id))[0]

    created, _ = await once.run(create, _evaluation_ids, replay)
    return created


def _evaluation_ids(evaluation: Evaluation) -> tuple[PydanticObjectId, None]:
    assert evaluation.id is not None
    return evaluation.id, None


async def update_evaluation(
    ctx: Context, evaluation_id: PydanticObjectId, changes: dict[str, Any], revision: int | None
) -> Evaluation:
    evaluation, agreement = await _evaluation(ctx, evaluation_id)
    require_evaluator(ctx.viewer, agreement)
    period = Period.of_stored(evaluation.period)
    return await evaluation.edit(changes, period, ctx.today(), revision)


class _AgreementMoved(Exception):
    """The agreement changed while its EVALUATED event was being appended."""


async def submit_evaluation(
    ctx: Context, evaluation_id: PydanticObjectId, revision: int | None
) -> Evaluation:
    """DRAFT → SUBMITTED, and the agreement's chronology records it, in one transaction."""
    evaluation, agreement = await _evaluation(ctx, evaluation_id)
    require_evaluator(ctx.viewer, agreement)
    actor = ctx.viewer.actor

    async def submit(session: AsyncClientSession) -> Evaluation:
        submitted = await evaluation.submit(actor, revision, session)
        assert submitted.visit_date is not None
        evaluated = event(
            ChronologyKind.EVALUATED,
            f"Monitoring dan evaluasi periode {submitted.period}",
            actor,
            # Partners read the chronology of their agreements; the findings are
            # internal, so the event only says that the evaluation was made.
            description="Hasil monev diajukan untuk ditinjau Bagian Kerja Sama.",
            occurred_at=start_of_day(submitted.visit_date),
        )
        try:
            await agreement.commit({}, [evaluated], session=session)
        except DomainError as error:
            if _is_conflict(error):
                raise _AgreementMoved from error
            raise
        return submitted

    for _ in range(ATTEMPTS):
        try:
            return await in_transaction(ctx.database.client, submit)
        except _AgreementMoved:
            reloaded = await scoped.get(ctx.viewer, Agreement, evaluation.agreement_id)
            if reloaded is None:
                raise DomainError(ErrorCode.NOT_FOUND, "no such agreement", "agreementId") from None
            agreement = reloaded
    raise stale("Agreement")


async def review_evaluation(
    ctx: Context, evaluation_id: PydanticObjectId, note: str, revision: int | None
) -> Evaluation:
    require_evaluation_reviewer(ctx.viewer)
    evaluation, _ = await _evaluation(ctx, evaluation_id)
    return await evaluation.review(ctx.viewer.actor, note, revision)


async def complete_follow_up(
    ctx: Context,
    evaluation_id: PydanticObjectId,
    action_id: PydanticObjectId,
    note: str,
    revision: int | None,
) -> Evaluation:
    evaluation, agreement = await _evaluation(ctx, evaluation_id)
    require_evaluator(ctx.viewer, agreement)
    return await evaluation.complete_action(action_id, ctx.viewer.actor, note, revision)


# --- evidence from the field ---------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceUpload:
    file: BinaryIO
    filename: str
    caption: str = ""
    taken_at: datetime | None = None
    latitude: float | None = None
    longitude: float | None = None


async def upload_evidence(
    ctx: Context,
    evaluation_id: PydanticObjectId,
    upload: EvidenceUpload,
    idempotency_key: str | None,
) -> tuple[Evidence, Evaluation]:
    """Store a file from the visit. A retry with the same key stores nothing new; a refused
    or failed upload leaves no file."""
    evaluation, agreement = await _evaluation(ctx, evaluation_id)
    require_evaluator(ctx.viewer, agreement)
    evaluation.check_can_add_evidence()
    if (upload.latitude is None) != (upload.longitude is None):
        raise DomainError(ErrorCode.INVALID, "give latitude and longitude together", "latitude")
    described = {
        "caption": upload.caption,
        "taken_at": city_time(upload.taken_at) if upload.taken_at else None,
        "latitude": upload.latitude,
        "longitude": upload.longitude,
    }
    checked(  # caption, coordinates and filename rules, before any byte is stored
        Evidence,
        {
            **described,
            "file_id": PydanticObjectId(),
            "filename": upload.filename,
            "content_type": "",
            "size": 0,
            "sha256": "",
            "uploaded_by": ctx.viewer.actor,
        },
    )
    upload.file.seek(0, 2)
    once = Once(
        ctx,
        "uploadEvaluationEvidence",
        idempotency_key,
        {
            "evaluation": evaluation_id,
            **described,
            "filename": upload.filename,
            "size": upload.file.tell(),
        },
    )
    first = await once.previous()
    if first is not None:
        return await _replay_evidence(ctx, first)

    async def attach(stored: StoredFile) -> tuple[tuple[Evidence, Evaluation], bool]:
        found = PhotoMetadata()
        if stored.content_type in PHOTO_TYPES:
            found = await asyncio.to_thread(read_photo_metadata, upload.file)
        has_place = found.latitude is not None
        item = Evidence(
            **stored.model_dump(),
            caption=upload.caption,
            taken_at=found.taken_at or described["taken_at"],
            latitude=found.latitude if has_place else upload.latitude,
            longitude=found.longitude if has_place else upload.longitude,
            from_exif=found.found,
            uploaded_by=ctx.viewer.actor,
        )

        async def add(current: Evaluation) -> tuple[tuple[Evidence, Evaluation], bool]:
            return await once.run(
                partial(_attached, current, item), _evidence_ids, partial(_replay_evidence, ctx)
            )

        async def reload() -> Evaluation:
            current, _ = await _evaluation(ctx, evaluation_id)
            return current

        return await on_fresh_copy(evaluation, add, reload, ATTEMPTS)

    result, _ = await store_once(ctx, FileHolder.EVALUATION, upload.file, upload.filename, attach)
    return result


async def _attached(
    evaluation: Evaluation, item: Evidence, session: AsyncClientSession | None
) -> tuple[Evidence, Evaluation]:
    updated = await evaluation.add_evidence(item, session)
    return updated.evidence_item(item.id), updated


def _evidence_ids(result: tuple[Evidence, Evaluation]) -> tuple[PydanticObjectId, PydanticObjectId]:
    item, evaluation = result
    assert evaluation.id is not None
    return evaluation.id, item.id


async def _replay_evidence(ctx: Context, first: IdempotencyKey) -> tuple[Evidence, Evaluation]:
    evaluation, _ = await _evaluation(ctx, first.record_id)
    assert first.item_id is not None
    return evaluation.evidence_item(first.item_id), evaluation


async def find_evidence(
    ctx: Context, file_id: PydanticObjectId
) -> tuple[Evaluation, Evidence] | None:
    """The readable evaluation evidence stored as this file, if any (never for partners or
    the public: they are refused before any lookup)."""
    evaluation = await scoped.one(ctx.viewer, Evaluation, {"evidence.file_id": file_id})
    if evaluation is None:
        return None
    for item in evaluation.evidence:
        if item.file_id == file_id:
            return evaluation, item
    return None


async def is_file_referenced(file_id: PydanticObjectId) -> bool:
    return await Evaluation.find({"evidence.file_id": file_id}).count() > 0
