"""Proposal (pengajuan kerja sama): a cooperation proposed online by a city department or an
outside partner, with its request letter and terms of reference, and the record of its review.

Every rule about a proposal's fields and life cycle is here; resolvers check who may act,
load, call and notify. Each move is stored together with its history entry in one atomic
compare-and-set write, so the history never misses a move nor tells one that did not happen.
"""

from datetime import datetime
from typing import Any, ClassVar, Self

import pymongo
from beanie import PydanticObjectId
from beanie.odm.utils.encoder import Encoder
from pydantic import BaseModel, Field, model_validator
from pymongo import IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession

from models.actor import ActorRef
from models.agreement import Agreement
from models.base import stale
from models.chronology import ChronologyEvent, LongText, event
from models.clock import utcnow
from models.documents import DocumentRef, next_version, superseded_ids
from models.enums import (
    AgreementForm,
    ChronologyKind,
    CooperationType,
    DocumentType,
    PartnerStatus,
    ProposalStatus,
    ReviewRecommendation,
)
from models.errors import DomainError, DomainErrors, ErrorCode
from models.org_unit import Text
from models.partner import Partner, ShortText
from models.searchable import Searchable, search_indexes
from models.sequence import next_value
from models.values import Money

Status = ProposalStatus

# The life cycle (docs/domain.md, "Life cycles"). IN_REVIEW → IN_REVIEW: each further TKKSD review
# is recorded without changing the status. A proposal asked for a revision may also be
# withdrawn, and the TKKSD may ask for one while reviewing.
TRANSITIONS: dict[ProposalStatus, frozenset[ProposalStatus]] = {
    Status.DRAFT: frozenset({Status.SUBMITTED, Status.WITHDRAWN}),
    Status.SUBMITTED: frozenset(
        {Status.VERIFIED, Status.REVISION_REQUESTED, Status.REJECTED, Status.WITHDRAWN}
    ),
    Status.VERIFIED: frozenset({Status.IN_REVIEW, Status.REVISION_REQUESTED, Status.REJECTED}),
    Status.IN_REVIEW: frozenset(
        {Status.IN_REVIEW, Status.REVISION_REQUESTED, Status.APPROVED, Status.REJECTED}
    ),
    Status.REVISION_REQUESTED: frozenset({Status.SUBMITTED, Status.WITHDRAWN}),
    Status.APPROVED: frozenset(),
    Status.REJECTED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}

# Only the proposer edits, and only before submission or while asked to revise.
EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.REVISION_REQUESTED})
# Still open: the cooperation unit or the TKKSD has something to decide or wait for.
OPEN_STATUSES = frozenset(
    {Status.SUBMITTED, Status.VERIFIED, Status.IN_REVIEW, Status.REVISION_REQUESTED}
)

EDITABLE_FIELDS = frozenset(
    {
        "title",
        "purpose",
        "scope",
        "benefits",
        "field",
        "cooperation_type",
        "form",
        "partner_ids",
        "org_unit_id",
        "duration_months",
        "funding_source",
        "estimated_value",
    }
)
# What a submission must have filled in (the lead department may be left to the cooperation
# unit: an outside partner need not know which department will lead).
REQUIRED_FIELDS = (
    "purpose",
    "scope",
    "cooperation_type",
    "form",
    "partner_ids",
    "duration_months",
)
# The papers of a proposal; signed texts, addenda and monitoring files belong to agreements.
ATTACHMENT_TYPES = frozenset(
    {
        DocumentType.REQUEST_LETTER,
        DocumentType.TOR,
        DocumentType.FEASIBILITY_STUDY,
        DocumentType.DRAFT,
        DocumentType.CORRESPONDENCE,
        DocumentType.OTHER,
    }
)
REQUIRED_ATTACHMENTS = (DocumentType.REQUEST_LETTER, DocumentType.TOR)
# Tracking codes: PGJ (pengajuan, a proposal; not PKS, which names an agreement form), the
# year of first submission, a number that runs per year: PGJ-2026-0001.
TRACKING_PREFIX = "PGJ"
# The longest term a proposal may ask for (agreements can run 20-30 years).
MAX_DURATION_MONTHS = 600

RECOMMENDATION_TITLES = {
    ReviewRecommendation.APPROVE: "layak disetujui",
    ReviewRecommendation.REVISE: "perlu perbaikan",
    ReviewRecommendation.REJECT: "tidak layak dilanjutkan",
}


def tracking_counter(year: int) -> str:
    return f"proposal-tracking:{year}"


class HistoryEntry(BaseModel):
    """One move of a proposal: who, when, from which status to which, and why."""

    id: PydanticObjectId = Field(default_factory=PydanticObjectId)
    at: datetime = Field(default_factory=utcnow)
    actor: ActorRef
    from_status: ProposalStatus
    to_status: ProposalStatus
    note: LongText = ""
    recommendation: ReviewRecommendation | None = None


class Proposal(Searchable):
    tracking_code: str | None = None
    status: ProposalStatus = Status.DRAFT
    # Who proposes: a department (through its officers) or a partner (through its users).
    proposer_org_unit_id: PydanticObjectId | None = None
    proposer_partner_id: PydanticObjectId | None = None
    created_by: ActorRef
    title: Text
    purpose: LongText = ""
    scope: LongText = ""
    benefits: LongText = ""
    field: ShortText = ""
    cooperation_type: CooperationType | None = None
    form: AgreementForm | None = None
    partner_ids: list[PydanticObjectId] = []
    org_unit_id: PydanticObjectId | None = None  # the department proposed to lead it
    duration_months: int | None = Field(default=None, ge=1, le=MAX_DURATION_MONTHS)
    funding_source: ShortText = ""
    estimated_value: Money | None = None
    attachments: list[DocumentRef] = []
    history: list[HistoryEntry] = []
    submitted_at: datetime | None = None  # the first submission; drafts have none
    status_changed_at: datetime = Field(default_factory=utcnow)
    rejection_reason: str = ""
    agreement_id: PydanticObjectId | None = None

    unique_fields: ClassVar[dict[str, str]] = {"tracking_code": "trackingCode"}

    class Settings:
        name = "proposals"
        indexes: ClassVar = [
            IndexModel(
                [("tracking_code", pymongo.ASCENDING)],
                unique=True,
                partialFilterExpression={"tracking_code": {"$type": "string"}},
                name="tracking_code",
            ),
            *search_indexes(),
            IndexModel([("status_changed_at", pymongo.ASCENDING), ("_id", pymongo.ASCENDING)]),
            IndexModel([("submitted_at", pymongo.ASCENDING), ("_id", pymongo.ASCENDING)]),
            IndexModel([("updated_at", pymongo.ASCENDING), ("_id", pymongo.ASCENDING)]),
            IndexModel([("status", pymongo.ASCENDING)]),
            IndexModel([("proposer_partner_id", pymongo.ASCENDING)]),
            IndexModel([("proposer_org_unit_id", pymongo.ASCENDING)]),
            IndexModel([("partner_ids", pymongo.ASCENDING)]),
            IndexModel([("org_unit_id", pymongo.ASCENDING)]),
            IndexModel([("attachments.file_id", pymongo.ASCENDING)]),
        ]

    @model_validator(mode="after")
    def _check_proposer(self) -> Self:
        if (self.proposer_org_unit_id is None) == (self.proposer_partner_id is None):
            raise DomainError(
                ErrorCode.INVALID, "a proposal has one proposer: a department or a partner"
            )
        return self

    # --- reading ---------------------------------------------------------------------------

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    def attachment(self, attachment_id: PydanticObjectId) -> DocumentRef:
        for doc in self.attachments:
            if doc.id == attachment_id:
                return doc
        raise DomainError(ErrorCode.NOT_FOUND, "no such attachment on this proposal", "id")

    def superseded_ids(self) -> set[PydanticObjectId]:
        return superseded_ids(self.attachments)

    def missing_for_submission(self) -> list[DomainError]:
        """Everything that keeps this proposal from being submitted, each with its field."""
        problems = [
            DomainError(ErrorCode.REQUIRED, "fill in %(name)s before submitting", name, name=name)
            for name in REQUIRED_FIELDS
            if getattr(self, name) in (None, "", [])
        ]
        present = {d.type for d in self.attachments}
        problems.extend(
            DomainError(
                ErrorCode.MISSING_ATTACHMENT,
                "attach the %(document)s before submitting",
                "attachments",
                document=doc_type,
            )
            for doc_type in REQUIRED_ATTACHMENTS
            if doc_type not in present
        )
        return problems

    # --- edits by the proposer ----------------------------------------------------------------

    def check_editable(self) -> None:
        if not self.editable:
            raise DomainError(
                ErrorCode.NOT_EDITABLE,
                "a proposal in status %(status)s cannot be changed; only %(editable)s "
                "proposals can",
                "status",
                status=self.status,
                editable=sorted(EDITABLE_STATUSES),
            )

    async def edit(self, changes: dict[str, Any], expected_revision: int | None) -> Self:
        unknown = set(changes) - EDITABLE_FIELDS
        if unknown:
            raise DomainError(ErrorCode.INVALID, "cannot edit %(fields)s", fields=sorted(unknown))
        self.check_editable()
        return await self.update_fields(changes, expected_revision=expected_revision)

    def next_attachment(self, supersedes: PydanticObjectId | None, doc_type: DocumentType) -> int:
        """Check a new upload against the proposal; return its version number."""
        self.check_editable()
        if doc_type not in ATTACHMENT_TYPES:
            raise DomainError(
                ErrorCode.INVALID,
                "a proposal takes %(accepted)s; %(type)s belongs to an agreement",
                "type",
                accepted=sorted(ATTACHMENT_TYPES),
                type=doc_type,
            )
        if supersedes is None:
            return 1
        newer = DomainError(
            ErrorCode.CONFLICT,
            "that attachment already has a newer version; supersede the newest one",
            "supersedesId",
        )
        return next_version(self.attachments, self.attachment(supersedes), doc_type, newer)

    async def add_attachment(
        self, doc: DocumentRef, session: AsyncClientSession | None = None
    ) -> Self:
        self.next_attachment(doc.supersedes, doc.type)
        return await self.compare_and_set(
            {"$push": {"attachments": Encoder().encode(doc)}}, session=session
        )

    async def move_partner(
        self,
        old: PydanticObjectId,
        new: PydanticObjectId,
        session: AsyncClientSession | None = None,
    ) -> Self:
        """A duplicate partner record was merged into `new`: name that one instead."""
        changes: dict[str, Any] = {
            "partner_ids": list(dict.fromkeys(new if p == old else p for p in self.partner_ids))
        }
        if self.proposer_partner_id == old:
            changes["proposer_partner_id"] = new
        return await self.compare_and_set({"$set": Encoder().encode(changes)}, session=session)

    # --- moves: each returns the stored proposal after one atomic write -----------------------

    async def submit(
        self, actor: ActorRef, year: int, expected_revision: int | None = None
    ) -> Self:
        """DRAFT or REVISION_REQUESTED → SUBMITTED. The first submission takes the next
        tracking code of the year."""
        entry = self._entry(Status.SUBMITTED, actor)
        problems = self.missing_for_submission()
        if problems:
            raise DomainErrors(problems)
        self._check_revision(expected_revision)
        changes: dict[str, Any] = {}
        if self.tracking_code is None:
            number = await next_value(tracking_counter(year))
            changes["tracking_code"] = f"{TRACKING_PREFIX}-{year}-{number:04d}"
        if self.submitted_at is None:
            changes["submitted_at"] = entry.at
        return await self._commit(entry, changes, expected_revision)

    async def withdraw(
        self, actor: ActorRef, note: str, expected_revision: int | None = None
    ) -> Self:
        entry = self._entry(Status.WITHDRAWN, actor, note)
        return await self._commit(entry, {}, expected_revision)

    async def verify(
        self, actor: ActorRef, note: str, expected_revision: int | None = None
    ) -> Self:
        entry = self._entry(Status.VERIFIED, actor, note)
        return await self._commit(entry, {}, expected_revision)

    async def request_revision(
        self, actor: ActorRef, note: str, expected_revision: int | None = None
    ) -> Self:
        entry = self._entry(Status.REVISION_REQUESTED, actor, note)
        _required(entry.note, "note")
        return await self._commit(entry, {}, expected_revision)

    async def record_review(
        self,
        actor: ActorRef,
        note: str,
        recommendation: ReviewRecommendation,
        expected_revision: int | None = None,
    ) -> Self:
        entry = self._entry(Status.IN_REVIEW, actor, note, recommendation)
        _required(entry.note, "note")
        return await self._commit(entry, {}, expected_revision)

    async def reject(
        self,
        actor: ActorRef,
        reason: str,
        expected_revision: int | None = None,
        session: AsyncClientSession | None = None,
    ) -> Self:
        entry = self._entry(Status.REJECTED, actor, reason)
        _required(entry.note, "reason")
        return await self._commit(
            entry, {"rejection_reason": entry.note}, expected_revision, session=session
        )

    def check_partners_verified(self, partners: list[Partner]) -> None:
        """An agreement is made only with partners whose identity the city has checked."""
        unchecked = [p.name for p in partners if p.registration_status != PartnerStatus.VERIFIED]
        if unchecked:
            raise DomainError(
                ErrorCode.PARTNER_NOT_VERIFIED,
                "verify the partner registration first: %(partners)s",
                "partnerIds",
                partners=unchecked,
            )

    async def approve(
        self,
        actor: ActorRef,
        *,
        partners: list[Partner],
        number: str,
        org_unit_id: PydanticObjectId | None,
        note: str,
        expected_revision: int | None,
        session: AsyncClientSession,
    ) -> tuple[Self, Agreement]:
        """IN_REVIEW → APPROVED, creating the DRAFT agreement it leads to: its data and files
        (the same stored files, referenced, not copied) and a chronology that starts with the
        proposal's story. Both writes go in the caller's transaction."""
        entry = self._entry(Status.APPROVED, actor, note)
        self.check_partners_verified(partners)
        lead = org_unit_id or self.org_unit_id
        if lead is None:
            raise DomainError(
                ErrorCode.REQUIRED, "name the department that will lead it", "orgUnitId"
            )
        self._check_revision(expected_revision)
        documents, renamed = self._carried_documents()
        agreement = Agreement.build(
            number=number,
            title=self.title,
            purpose=self.purpose,
            scope=self.scope,
            field=self.field,
            form=self.form,
            cooperation_type=self.cooperation_type,
            partner_ids=self.partner_ids,
            lead_org_unit_ids=[lead],
            funding_source=self.funding_source,
            value=self.estimated_value,
            origin_proposal_id=self.id,
            documents=documents,
        )
        created = f"Rancangan kerja sama dibuat dari pengajuan {self.tracking_code}"
        term = f"Usulan jangka waktu {self.duration_months} bulan." if self.duration_months else ""
        # The proposal moves first: of two approvals at once, the later one fails on its stale
        # revision (CONFLICT), before it would try to record a second agreement.
        agreement.id = PydanticObjectId()
        changes = {"agreement_id": agreement.id, "org_unit_id": lead}
        proposal = await self._commit(entry, changes, expected_revision, session=session)
        agreement = await agreement.record_with_history(
            self._story([*self.history, entry], renamed),
            actor,
            created,
            description=term,
            occurred_at=entry.at,
            session=session,
        )
        return proposal, agreement

    # --- the story an approved proposal hands on to its agreement -------------------------------

    def _carried_documents(
        self,
    ) -> tuple[list[DocumentRef], dict[PydanticObjectId, PydanticObjectId]]:
        """Every version of every attachment, as the agreement's own DocumentRefs pointing at
        the same stored files; and the new id of each."""
        renamed = {doc.id: PydanticObjectId() for doc in self.attachments}
        documents = [
            doc.model_copy(
                update={
                    "id": renamed[doc.id],
                    "supersedes": renamed.get(doc.supersedes) if doc.supersedes else None,
                }
            )
            for doc in self.attachments
        ]
        return documents, renamed

    def _story(
        self, history: list[HistoryEntry], renamed: dict[PydanticObjectId, PydanticObjectId]
    ) -> list[ChronologyEvent]:
        """The history as chronology events, on their real dates and by their real actors.
        A submission carries the files handed in with it."""
        events = []
        handed_in_before = None
        for entry in history:
            kind, title = self._story_line(entry)
            # The TKKSD's verdict and notes are internal: the event says a review took place.
            internal = ""
            description = entry.note
            if entry.recommendation is not None:
                verdict = RECOMMENDATION_TITLES[entry.recommendation]
                internal = f"Rekomendasi TKKSD: {verdict}\n{entry.note}".strip()
                description = ""
            document_ids = []
            if entry.to_status == Status.SUBMITTED:
                document_ids = [
                    renamed[d.id]
                    for d in self.attachments
                    if d.uploaded_at <= entry.at
                    and (handed_in_before is None or d.uploaded_at > handed_in_before)
                ]
                handed_in_before = entry.at
            item = event(
                kind,
                title,
                entry.actor,
                description=description,
                internal_note=internal,
                occurred_at=entry.at,
                document_ids=document_ids,
            )
            events.append(item)
        return events

    def _story_line(self, entry: HistoryEntry) -> tuple[ChronologyKind, str]:
        code = self.tracking_code
        if entry.to_status == Status.SUBMITTED:
            if entry.from_status == Status.DRAFT:
                return ChronologyKind.PROPOSED, f"Kerja sama diajukan secara daring ({code})"
            return ChronologyKind.PROPOSED, "Pengajuan diajukan kembali setelah perbaikan"
        if entry.to_status == Status.VERIFIED:
            return ChronologyKind.REVIEWED, "Kelengkapan pengajuan diverifikasi Bagian Kerja Sama"
        if entry.to_status == Status.REVISION_REQUESTED:
            return ChronologyKind.REVIEWED, "Perbaikan pengajuan diminta"
        if entry.to_status == Status.IN_REVIEW and entry.recommendation is not None:
            return ChronologyKind.REVIEWED, "Telaah TKKSD"
        if entry.to_status == Status.APPROVED:
            return ChronologyKind.REVIEWED, "Pengajuan kerja sama disetujui"
        return ChronologyKind.NOTE, f"Status pengajuan: {entry.to_status}"

    # --- the one write path ------------------------------------------------------------------

    def _entry(
        self,
        target: ProposalStatus,
        actor: ActorRef,
        note: str = "",
        recommendation: ReviewRecommendation | None = None,
    ) -> HistoryEntry:
        if target not in TRANSITIONS[self.status]:
            raise DomainError(
                ErrorCode.INVALID_TRANSITION,
                "a proposal in status %(status)s cannot become %(target)s",
                "status",
                status=self.status,
                target=target,
            )
        return HistoryEntry(
            actor=actor,
            from_status=self.status,
            to_status=target,
            note=note.strip(),
            recommendation=recommendation,
        )

    def _check_revision(self, expected_revision: int | None) -> None:
        """Refuse a stale request before anything is spent on it (a tracking number, an
        agreement inside a transaction)."""
        if expected_revision is not None and expected_revision != self.revision:
            raise stale("Proposal")

    async def _commit(
        self,
        entry: HistoryEntry,
        changes: dict[str, Any],
        expected_revision: int | None,
        session: AsyncClientSession | None = None,
    ) -> Self:
        fields = {**changes, "status": entry.to_status}
        if entry.to_status != entry.from_status:
            fields["status_changed_at"] = entry.at
        return await self.compare_and_set(
            {"$set": Encoder().encode(fields), "$push": {"history": Encoder().encode(entry)}},
            expected_revision=expected_revision,
            session=session,
        )


def _required(text: str, field: str) -> None:
    if not text:
        raise DomainError(ErrorCode.REQUIRED, "%(name)s is required", field, name=field)
