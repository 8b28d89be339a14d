"""Monitoring and evaluation (menu 4): evaluations, follow-up actions, evidence, what is due."""

from datetime import date, datetime
from typing import cast

import strawberry
from beanie import PydanticObjectId
from starlette.datastructures import UploadFile
from strawberry import relay
from strawberry.file_uploads import Upload

from models import Evaluation
from models.base import parse_object_id
from models.enums import EvaluationStatus, Indicator, Recommendation
from models.evaluation import Evidence, FollowUpAction, IndicatorScore
from models.periods import Period
from resolvers import evaluations, monitoring
from resolvers.pagination import Page, PageRequest
from schema.actor import Actor
from schema.agreements import AgreementType
from schema.audit import audited_mutation
from schema.context import Info
from schema.errors import UserError, query
from schema.fixity import FileIntegrityState, integrity_of
from schema.inputs import IDEMPOTENCY_HELP, provided
from schema.relay import Connection, RecordNode, decode_id, optional_id, page_request
from schema.stored_files import DOWNLOAD_PATH, safe_filename

EvaluationStatusEnum = strawberry.enum(EvaluationStatus, name="EvaluationStatus")
RecommendationEnum = strawberry.enum(Recommendation, name="Recommendation")
IndicatorEnum = strawberry.enum(
    Indicator, name="Indicator", description="The eight things an evaluation scores 1-5."
)
REVISION_HELP = "The revision you read; if the evaluation changed since, you get CONFLICT."


@strawberry.type(name="IndicatorScore")
class IndicatorScoreType:
    indicator: IndicatorEnum  # type: ignore[valid-type]
    score: int = strawberry.field(description="1 (poor) to 5 (very good).")
    note: str

    @classmethod
    def from_model(cls, item: IndicatorScore) -> "IndicatorScoreType":
        return cls(indicator=item.indicator, score=item.score, note=item.note)


@strawberry.type(name="FollowUpAction", description="Something the evaluation asks to be done.")
class FollowUpActionType:
    id: strawberry.ID
    what: str
    owner: str = strawberry.field(description="Who is to do it.")
    due_on: date
    done: bool
    done_at: datetime | None
    done_by: Actor | None
    done_note: str

    @strawberry.field(description="Not done and past its due date.")
    def is_overdue(self, info: Info) -> bool:
        return not self.done and self.due_on < info.context.today()

    @classmethod
    def from_model(cls, item: FollowUpAction) -> "FollowUpActionType":
        return cls(
            id=strawberry.ID(str(item.id)),
            what=item.what,
            owner=item.owner,
            due_on=item.due_on,
            done=item.done_at is not None,
            done_at=item.done_at,
            done_by=Actor.from_model(item.done_by) if item.done_by else None,
            done_note=item.done_note,
        )


@strawberry.type(name="Evidence", description="A file from the visit, usually a photo.")
class EvidenceType:
    id: strawberry.ID
    filename: str
    content_type: str
    size: int
    sha256: str
    caption: str
    taken_at: datetime | None = strawberry.field(description="When the photo was taken.")
    latitude: float | None
    longitude: float | None
    from_exif: bool = strawberry.field(
        description="Time and place were read from the photo's EXIF data, not told by the client."
    )
    uploaded_at: datetime
    uploaded_by: Actor
    download_url: str
    file_id: strawberry.Private[PydanticObjectId]

    @strawberry.field(description="Whether the stored bytes still match `sha256`.")
    async def integrity(self, info: Info) -> FileIntegrityState:
        return await integrity_of(info, self.file_id)

    @classmethod
    def from_model(cls, item: Evidence) -> "EvidenceType":
        return cls(
            id=strawberry.ID(str(item.id)),
            filename=item.filename,
            content_type=item.content_type,
            size=item.size,
            sha256=item.sha256,
            caption=item.caption,
            taken_at=item.taken_at,
            latitude=item.latitude,
            longitude=item.longitude,
            from_exif=item.from_exif,
            uploaded_at=item.uploaded_at,
            uploaded_by=Actor.from_model(item.uploaded_by),
            download_url=DOWNLOAD_PATH.format(file_id=item.file_id),
            file_id=item.file_id,
        )


@strawberry.type(name="Evaluation", description="Monitoring and evaluation (monev) of one period.")
class EvaluationType(RecordNode):
    id: relay.NodeID[str]
    period: str = strawberry.field(description="e.g. 2026-S1 (semester) or 2026-Q1 (quarter).")
    period_start: date
    period_end: date
    evaluator: Actor
    visit_date: date | None
    scores: list[IndicatorScoreType]
    overall_score: float | None = strawberry.field(
        description="The mean of the indicator scores, computed by the server."
    )
    findings: str
    obstacles: str
    recommendation: RecommendationEnum | None  # type: ignore[valid-type]
    follow_up_actions: list[FollowUpActionType]
    evidence: list[EvidenceType]
    status: EvaluationStatusEnum  # type: ignore[valid-type]
    submitted_at: datetime | None
    submitted_by: Actor | None
    reviewed_at: datetime | None
    reviewed_by: Actor | None
    review_note: str
    revision: int
    created_at: datetime
    updated_at: datetime
    model: strawberry.Private[Evaluation]

    @strawberry.field
    async def agreement(self, info: Info) -> AgreementType | None:
        found = await info.context.loaders.agreement.load(self.model.agreement_id)
        return AgreementType.from_model(found) if found else None

    record_type = Evaluation

    @classmethod
    def from_model(cls, e: Evaluation) -> "EvaluationType":
        period = Period.of_stored(e.period)
        return cls(
            id=str(e.id),
            period=e.period,
            period_start=period.start,
            period_end=period.end,
            evaluator=Actor.from_model(e.evaluator),
            visit_date=e.visit_date,
            scores=[IndicatorScoreType.from_model(s) for s in e.scores],
            overall_score=e.overall_score,
            findings=e.findings,
            obstacles=e.obstacles,
            recommendation=e.recommendation,
            follow_up_actions=[FollowUpActionType.from_model(a) for a in e.follow_up_actions],
            evidence=[EvidenceType.from_model(i) for i in e.evidence],
            status=e.status,
            submitted_at=e.submitted_at,
            submitted_by=Actor.from_model(e.submitted_by) if e.submitted_by else None,
            reviewed_at=e.reviewed_at,
            reviewed_by=Actor.from_model(e.reviewed_by) if e.reviewed_by else None,
            review_note=e.review_note,
            revision=e.revision,
            created_at=e.created_at,
            updated_at=e.updated_at,
            model=e,
        )


@strawberry.type(description="An agreement that needs an evaluation for a period.")
class EvaluationDue:
    period: str
    due_on: date = strawberry.field(description="The period's last day.")
    overdue: bool = strawberry.field(description="The period is over without an evaluation.")
    item: strawberry.Private[monitoring.DueEvaluation]

    @strawberry.field
    def agreement(self) -> AgreementType | None:
        return AgreementType.from_row(self.item.row)

    @strawberry.field(description="A DRAFT evaluation already started for the period.")
    async def draft(self, info: Info) -> EvaluationType | None:
        key = (self.item.agreement_id, self.item.period)
        found = await info.context.loaders.evaluation_in_period.load(key)
        return EvaluationType.from_model(found) if found else None

    @classmethod
    def from_model(cls, item: monitoring.DueEvaluation) -> "EvaluationDue":
        return cls(period=item.period, due_on=item.due_on, overdue=item.overdue, item=item)


@strawberry.type(description="The evaluation calendar: the period evaluations are due for now.")
class EvaluationPeriod:
    code: str
    start: date
    end: date
    previous: str


# --- inputs ----------------------------------------------------------------------------------


@strawberry.input
class IndicatorScoreInput:
    indicator: IndicatorEnum  # type: ignore[valid-type]
    score: int = strawberry.field(description="1 to 5.")
    note: str = ""


@strawberry.input
class FollowUpActionInput:
    what: str
    owner: str = strawberry.field(description="Who is to do it: a person, a department.")
    due_on: date = strawberry.field(description="Not before the visit.")


@strawberry.input
class CreateEvaluationInput:
    agreement_id: strawberry.ID
    period: str = strawberry.field(description="e.g. 2026-S1 (see evaluationPeriod).")
    visit_date: date | None = None
    scores: list[IndicatorScoreInput] = strawberry.field(default_factory=list)
    findings: str = ""
    obstacles: str = ""
    recommendation: RecommendationEnum | None = None  # type: ignore[valid-type]
    follow_up_actions: list[FollowUpActionInput] = strawberry.field(default_factory=list)
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY_HELP)


@strawberry.input(description="Change a DRAFT; lists given replace the stored ones whole.")
class UpdateEvaluationInput:
    id: strawberry.ID
    revision: int | None = strawberry.field(default=None, description=REVISION_HELP)
    visit_date: date | None = strawberry.UNSET
    scores: list[IndicatorScoreInput] | None = strawberry.UNSET
    findings: str | None = strawberry.UNSET
    obstacles: str | None = strawberry.UNSET
    recommendation: RecommendationEnum | None = strawberry.UNSET  # type: ignore[valid-type]
    follow_up_actions: list[FollowUpActionInput] | None = strawberry.UNSET


@strawberry.input
class SubmitEvaluationInput:
    evaluation_id: strawberry.ID
    revision: int | None = strawberry.field(default=None, description=REVISION_HELP)


@strawberry.input
class ReviewEvaluationInput:
    evaluation_id: strawberry.ID
    note: str = ""
    revision: int | None = strawberry.field(default=None, description=REVISION_HELP)


@strawberry.input
class CompleteFollowUpActionInput:
    evaluation_id: strawberry.ID
    action_id: strawberry.ID
    note: str = strawberry.field(default="", description="What was done.")
    revision: int | None = strawberry.field(default=None, description=REVISION_HELP)


@strawberry.input
class UploadEvaluationEvidenceInput:
    evaluation_id: strawberry.ID
    file: Upload
    caption: str = ""
    taken_at: datetime | None = strawberry.field(
        default=None, description="Used when the photo carries no EXIF time."
    )
    latitude: float | None = strawberry.field(
        default=None, description="Used when the photo carries no EXIF position."
    )
    longitude: float | None = None
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY_HELP)


@strawberry.input
class EvaluationFilter:
    agreement_id: strawberry.ID | None = None
    org_unit_id: strawberry.ID | None = strawberry.field(
        default=None, description="A lead department."
    )
    period: str | None = None
    status: list[EvaluationStatusEnum] | None = None  # type: ignore[valid-type]
    recommendation: list[RecommendationEnum] | None = None  # type: ignore[valid-type]


@strawberry.input
class EvaluationsDueFilter:
    org_unit_id: strawberry.ID | None = None
    partner_id: strawberry.ID | None = None
    agreement_id: strawberry.ID | None = None
    overdue_only: bool = False


# --- payloads and root fields ----------------------------------------------------------------


@strawberry.type
class EvaluationPayload:
    evaluation: EvaluationType | None
    errors: list[UserError]


@strawberry.type
class UploadEvaluationEvidencePayload:
    evidence: EvidenceType | None
    evaluation: EvaluationType | None
    errors: list[UserError]


def _payload(evaluation: Evaluation | None, errors: list[UserError]) -> EvaluationPayload:
    return EvaluationPayload(
        evaluation=EvaluationType.from_model(evaluation) if evaluation else None, errors=errors
    )


@strawberry.type
class EvaluationQueries:
    @strawberry.field(description="Evaluations you may read, most recently changed first.")
    async def evaluations(
        self,
        info: Info,
        filter: EvaluationFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[EvaluationType]:
        async def run() -> Page[Evaluation]:
            flt = None
            if filter is not None:
                flt = evaluations.EvaluationFilter(
                    agreement_id=optional_id(filter.agreement_id, "Agreement", "agreementId"),
                    org_unit_id=optional_id(filter.org_unit_id, "OrgUnit", "orgUnitId"),
                    period=filter.period,
                    status=filter.status,
                    recommendation=filter.recommendation,
                )
            request = page_request(first, after, last, before)
            return await evaluations.list_evaluations(info.context, flt, request)

        return Connection[EvaluationType].of(await query(run()), EvaluationType.from_model)

    @strawberry.field(
        description="ACTIVE agreements without an evaluation for the current period (due at "
        "its end) or the previous one (overdue); overdue first."
    )
    async def evaluations_due(
        self,
        info: Info,
        filter: EvaluationsDueFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[EvaluationDue]:
        async def run() -> Page[monitoring.DueEvaluation]:
            flt = None
            if filter is not None:
                flt = monitoring.DueFilter(
                    org_unit_id=optional_id(filter.org_unit_id, "OrgUnit", "orgUnitId"),
                    partner_id=optional_id(filter.partner_id, "Partner", "partnerId"),
                    agreement_id=optional_id(filter.agreement_id, "Agreement", "agreementId"),
                    overdue_only=filter.overdue_only,
                )
            request = PageRequest(first=first, after=after)
            return await monitoring.evaluations_due(info.context, flt, request)

        return Connection[EvaluationDue].of(await query(run()), EvaluationDue.from_model)

    @strawberry.field(description="The evaluation period today falls in (a setting decides).")
    def evaluation_period(self, info: Info) -> EvaluationPeriod:
        period = evaluations.current_period(info.context)
        return EvaluationPeriod(
            code=period.code, start=period.start, end=period.end, previous=period.previous().code
        )


@strawberry.type
class EvaluationMutations:
    @audited_mutation(description="Start an evaluation (DRAFT) of an agreement for a period.")
    async def create_evaluation(
        self, info: Info, input: CreateEvaluationInput
    ) -> EvaluationPayload:
        agreement_id = decode_id(input.agreement_id, "Agreement", "agreementId")
        fields = provided(input, skip=frozenset({"agreement_id", "idempotency_key"}))
        result = await evaluations.create_evaluation(
            info.context, agreement_id, fields, input.idempotency_key
        )
        return _payload(result, [])

    @audited_mutation(description="Change a DRAFT evaluation.")
    async def update_evaluation(
        self, info: Info, input: UpdateEvaluationInput
    ) -> EvaluationPayload:
        evaluation_id = decode_id(input.id, "Evaluation", "id")
        changes = provided(input, skip=frozenset({"id", "revision"}))
        result = await evaluations.update_evaluation(
            info.context, evaluation_id, changes, input.revision
        )
        return _payload(result, [])

    @audited_mutation(
        description="DRAFT → SUBMITTED: needs the visit date, all eight scores and a "
        "recommendation; the agreement's chronology records it."
    )
    async def submit_evaluation(
        self, info: Info, input: SubmitEvaluationInput
    ) -> EvaluationPayload:
        evaluation_id = decode_id(input.evaluation_id, "Evaluation", "evaluationId")
        result = await evaluations.submit_evaluation(info.context, evaluation_id, input.revision)
        return _payload(result, [])

    @audited_mutation(description="SUBMITTED → REVIEWED, by the cooperation unit (ADMIN).")
    async def review_evaluation(
        self, info: Info, input: ReviewEvaluationInput
    ) -> EvaluationPayload:
        evaluation_id = decode_id(input.evaluation_id, "Evaluation", "evaluationId")
        result = await evaluations.review_evaluation(
            info.context, evaluation_id, input.note, input.revision
        )
        return _payload(result, [])

    @audited_mutation(description="Mark a follow-up action of a submitted evaluation done.")
    async def complete_follow_up_action(
        self, info: Info, input: CompleteFollowUpActionInput
    ) -> EvaluationPayload:
        evaluation_id = decode_id(input.evaluation_id, "Evaluation", "evaluationId")
        action_id = parse_object_id(str(input.action_id), "actionId")
        result = await evaluations.complete_follow_up(
            info.context, evaluation_id, action_id, input.note, input.revision
        )
        return _payload(result, [])

    @audited_mutation(
        description="Attach a photo or document from the visit (multipart request; send the "
        "Apollo-Require-Preflight header). EXIF time and GPS are read when present."
    )
    async def upload_evaluation_evidence(
        self, info: Info, input: UploadEvaluationEvidenceInput
    ) -> UploadEvaluationEvidencePayload:
        evaluation_id = decode_id(input.evaluation_id, "Evaluation", "evaluationId")
        # Starlette hands the upload over spooled to a local temporary file.
        upload = cast(UploadFile, input.file)
        result = await evaluations.upload_evidence(
            info.context,
            evaluation_id,
            evaluations.EvidenceUpload(
                file=upload.file,
                filename=safe_filename(upload.filename),
                caption=input.caption,
                taken_at=input.taken_at,
                latitude=input.latitude,
                longitude=input.longitude,
            ),
            input.idempotency_key,
        )
        item, evaluation = result
        return UploadEvaluationEvidencePayload(
            evidence=EvidenceType.from_model(item),
            evaluation=EvaluationType.from_model(evaluation),
            errors=[],
        )
