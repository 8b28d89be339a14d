"""Evaluation (monev): one monitoring visit of an agreement for one period, and what followed.

Life cycle DRAFT → SUBMITTED → REVIEWED. The evaluator fills in a DRAFT (scores, findings,
follow-up actions, photos from the field), submits it, and the cooperation unit reviews it.
One evaluation per agreement and period (a unique index). The overall score is computed here,
never taken from the client.
"""

from datetime import date, datetime
from statistics import fmean
from typing import Annotated, Any, ClassVar, Self

import pymongo
from beanie import PydanticObjectId
from beanie.odm.utils.encoder import Encoder
from pydantic import BaseModel, Field, StringConstraints, model_validator
from pymongo import IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession

from models.actor import ActorRef
from models.agreement import Agreement
from models.agreement_listing import write_evaluation_marks
from models.base import Derive, Record
from models.chronology import LongText
from models.clock import utcnow
from models.documents import StoredFile
from models.enums import (
    AgreementStatus,
    EvaluationStatus,
    Indicator,
    Recommendation,
)
from models.errors import DomainError, DomainErrors, ErrorCode
from models.org_unit import Text
from models.partner import ShortText
from models.periods import ANY_PERIOD, Period
from models.values import CalendarDate

Status = EvaluationStatus
PeriodCode = Annotated[str, StringConstraints(strip_whitespace=True, pattern=ANY_PERIOD.pattern)]
MAX_FOLLOW_UPS = 50
MAX_EVIDENCE = 100

# What the evaluator may change while the evaluation is a DRAFT.
EDITABLE_FIELDS = frozenset(
    {"visit_date", "scores", "findings", "obstacles", "recommendation", "follow_up_actions"}
)


class IndicatorScore(BaseModel):
    indicator: Indicator
    score: int = Field(ge=1, le=5)
    note: LongText = ""


class FollowUpAction(BaseModel):
    id: PydanticObjectId = Field(default_factory=PydanticObjectId)
    what: Text
    owner: Text  # who is to do it: a person, a department, the partner
    due_on: CalendarDate
    done_at: datetime | None = None
    done_by: ActorRef | None = None
    done_note: LongText = ""


class Evidence(StoredFile):
    """A file from the visit, usually a phone photo, with where and when it was taken."""

    id: PydanticObjectId = Field(default_factory=PydanticObjectId)
    caption: ShortText = ""
    taken_at: datetime | None = None
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    # True when time and place were read from the photo itself rather than told by the client.
    from_exif: bool = False
    uploaded_by: ActorRef
    uploaded_at: datetime = Field(default_factory=utcnow)


async def mark_on_listing(evaluation: "Evaluation", session: AsyncClientSession) -> None:
    """Every write of an evaluation marks it on its agreement's listing row, which the
    monitoring counters count."""
    await write_evaluation_marks(evaluation.agreement_id, session)


class Evaluation(Record):
    agreement_id: PydanticObjectId
    period: PeriodCode
    evaluator: ActorRef
    visit_date: CalendarDate | None = None
    scores: list[IndicatorScore] = []
    overall_score: float | None = None
    findings: LongText = ""
    obstacles: LongText = ""
    recommendation: Recommendation | None = None
    follow_up_actions: list[FollowUpAction] = Field(default=[], max_length=MAX_FOLLOW_UPS)
    evidence: list[Evidence] = []
    status: EvaluationStatus = Status.DRAFT
    submitted_at: datetime | None = None
    submitted_by: ActorRef | None = None
    reviewed_at: datetime | None = None
    reviewed_by: ActorRef | None = None
    review_note: LongText = ""

    unique_fields: ClassVar[dict[str, str]] = {"agreement_period": "period"}
    store_derived: ClassVar[tuple[Derive, ...]] = (mark_on_listing,)

    class Settings:
        name = "evaluations"
        indexes: ClassVar = [
            IndexModel(
                [("agreement_id", pymongo.ASCENDING), ("period", pymongo.ASCENDING)],
                unique=True,
                name="agreement_period",
            ),
            IndexModel([("period", pymongo.ASCENDING), ("status", pymongo.ASCENDING)]),
            IndexModel([("status", pymongo.ASCENDING), ("updated_at", pymongo.DESCENDING)]),
            IndexModel([("evidence.file_id", pymongo.ASCENDING)]),
            IndexModel([("evidence.id", pymongo.ASCENDING)]),
        ]

    @model_validator(mode="after")
    def _check(self) -> Self:
        # DomainError (not ValueError) passes through pydantic with its code and field.
        indicators = [s.indicator for s in self.scores]
        if len(set(indicators)) != len(indicators):
            raise DomainError(ErrorCode.INVALID, "an indicator is scored twice", "scores")
        if self.visit_date is not None:
            for action in self.follow_up_actions:
                if action.due_on < self.visit_date:
                    raise DomainError(
                        ErrorCode.INVALID,
                        "the follow-up %(what)r is due before the visit",
                        "followUpActions",
                        what=action.what,
                    )
        self.overall_score = round(fmean(s.score for s in self.scores), 2) if self.scores else None
        return self

    # --- reading ------------------------------------------------------------------------------

    @property
    def is_done(self) -> bool:
        """Counts as the period's evaluation (a DRAFT does not yet)."""
        return self.status in (Status.SUBMITTED, Status.REVIEWED)

    def action(self, action_id: PydanticObjectId) -> FollowUpAction:
        for action in self.follow_up_actions:
            if action.id == action_id:
                return action
        raise DomainError(ErrorCode.NOT_FOUND, "no such follow-up action", "actionId")

    def evidence_item(self, evidence_id: PydanticObjectId) -> Evidence:
        for item in self.evidence:
            if item.id == evidence_id:
                return item
        raise DomainError(ErrorCode.NOT_FOUND, "no such evidence", "evidenceId")

    # --- rules across records and against the calendar ---------------------------------------

    @staticmethod
    def check_agreement(agreement: Agreement, period: Period) -> None:
        """An agreement is evaluated for a period in which it was in force."""
        if agreement.status == AgreementStatus.DRAFT:
            raise DomainError(
                ErrorCode.INVALID,
                "a draft agreement is not in force yet and cannot be evaluated",
                "agreementId",
            )
        began = agreement.starts_on or agreement.signed_on
        if began is not None and period.end < began:
            raise DomainError(
                ErrorCode.INVALID,
                "the agreement had not begun in %(period)s",
                "period",
                period=str(period),
            )
        if agreement.ends_on is not None and period.start > agreement.ends_on:
            raise DomainError(
                ErrorCode.INVALID,
                "the agreement had ended before %(period)s",
                "period",
                period=str(period),
            )

    def check_calendar(self, period: Period, today: date) -> None:
        if period.start > today:
            raise DomainError(
                ErrorCode.INVALID, "%(period)s has not begun yet", "period", period=str(period)
            )
        if self.visit_date is not None and self.visit_date > today:
            raise DomainError(ErrorCode.INVALID, "the visit cannot lie in the future", "visitDate")

    # --- acts: each returns the stored evaluation after one atomic write ----------------------

    async def edit(
        self, changes: dict[str, Any], period: Period, today: date, expected_revision: int | None
    ) -> Self:
        if self.status != Status.DRAFT:
            raise DomainError(
                ErrorCode.NOT_EDITABLE,
                "an evaluation is edited while it is a draft; this one is %(status)s",
                "status",
                status=self.status,
            )
        unknown = set(changes) - EDITABLE_FIELDS
        if unknown:
            raise DomainError(ErrorCode.INVALID, "cannot edit %(fields)s", fields=sorted(unknown))
        revised, changed = self.revised(changes)
        revised.check_calendar(period, today)
        if not changed:
            return await self.update_fields({}, expected_revision=expected_revision)
        return await self.compare_and_set({"$set": changed}, expected_revision=expected_revision)

    async def submit(
        self,
        actor: ActorRef,
        expected_revision: int | None,
        session: AsyncClientSession | None = None,
    ) -> Self:
        self._check_move(Status.DRAFT, Status.SUBMITTED)
        missing = []
        if self.visit_date is None:
            missing.append(DomainError(ErrorCode.REQUIRED, "give the visit date", "visitDate"))
        unscored = [i for i in Indicator if i not in {s.indicator for s in self.scores}]
        if unscored:
            missing.append(
                DomainError(
                    ErrorCode.REQUIRED, "score %(indicators)s", "scores", indicators=unscored
                )
            )
        if self.recommendation is None:
            missing.append(
                DomainError(ErrorCode.REQUIRED, "give a recommendation", "recommendation")
            )
        if missing:
            raise DomainErrors(missing)
        changes = {
            "status": Status.SUBMITTED,
            "submitted_at": utcnow(),
            "submitted_by": actor,
        }
        return await self.compare_and_set(
            {"$set": Encoder().encode(changes)},
            expected_revision=expected_revision,
            session=session,
        )

    async def review(self, actor: ActorRef, note: str, expected_revision: int | None) -> Self:
        self._check_move(Status.SUBMITTED, Status.REVIEWED)
        _, changed = self.revised(
            {
                "status": Status.REVIEWED,
                "reviewed_at": utcnow(),
                "reviewed_by": actor,
                "review_note": note,
            }
        )
        return await self.compare_and_set({"$set": changed}, expected_revision=expected_revision)

    async def complete_action(
        self,
        action_id: PydanticObjectId,
        actor: ActorRef,
        note: str,
        expected_revision: int | None,
    ) -> Self:
        if self.status == Status.DRAFT:
            raise DomainError(
                ErrorCode.INVALID_TRANSITION,
                "follow-up actions are carried out once the evaluation is submitted",
                "status",
            )
        action = self.action(action_id)
        if action.done_at is not None:
            raise DomainError(
                ErrorCode.INVALID_TRANSITION, "this follow-up action is already done", "actionId"
            )
        done = {**action.model_dump(), "done_at": utcnow(), "done_by": actor, "done_note": note}
        actions = [done if a.id == action_id else a.model_dump() for a in self.follow_up_actions]
        _, changed = self.revised({"follow_up_actions": actions})
        return await self.compare_and_set({"$set": changed}, expected_revision=expected_revision)

    def check_can_add_evidence(self) -> None:
        if self.status == Status.REVIEWED:
            raise DomainError(
                ErrorCode.INVALID_TRANSITION,
                "a reviewed evaluation takes no more evidence",
                "evaluationId",
            )
        if len(self.evidence) >= MAX_EVIDENCE:
            raise DomainError(
                ErrorCode.INVALID,
                "an evaluation holds at most %(count)s files",
                "evaluationId",
                count=MAX_EVIDENCE,
            )

    async def add_evidence(self, item: Evidence, session: AsyncClientSession | None = None) -> Self:
        self.check_can_add_evidence()
        return await self.compare_and_set(
            {"$push": {"evidence": Encoder().encode(item)}}, session=session
        )

    def _check_move(self, source: EvaluationStatus, target: EvaluationStatus) -> None:
        if self.status != source:
            raise DomainError(
                ErrorCode.INVALID_TRANSITION,
                "an evaluation in status %(status)s cannot become %(target)s",
                "status",
                status=self.status,
                target=target,
            )
