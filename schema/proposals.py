"""Proposals (menu 2, pengajuan kerja sama): types, the queue, and the moves."""

import asyncio
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

import strawberry
from beanie import PydanticObjectId
from strawberry import relay
from strawberry.file_uploads import Upload

from models import Proposal
from models.clock import utcnow
from models.errors import DomainErrors
from models.proposal import HistoryEntry
from resolvers import agreements, partners, proposals
from resolvers.pagination import Page, SortKey
from schema.actor import Actor
from schema.agreements import AgreementType
from schema.audit import audited_mutation
from schema.context import Info
from schema.documents import DocumentFields, upload_document
from schema.enums import (
    AgreementFormEnum,
    CooperationTypeEnum,
    DocumentTypeEnum,
    ProposalStatusEnum,
    ReviewRecommendationEnum,
)
from schema.errors import UserError, query, to_user_errors
from schema.inputs import IDEMPOTENCY_HELP, provided, with_ids
from schema.org_units import OrgUnitType
from schema.partners import PartnerType
from schema.relay import (
    Connection,
    RecordNode,
    SortDirection,
    decode_id,
    optional_id,
    page_request,
    record_values,
)

PROPOSAL_REFERENCES = {
    "partner_ids": ("Partner", "partner_ids"),
    "org_unit_id": ("OrgUnit", "org_unit_id"),
}
REVISION_HELP = "The revision you read; if the proposal changed since, you get CONFLICT."
SECONDS_PER_DAY = 86_400


@strawberry.type(name="ProposalAttachment", description="A file handed in with a proposal.")
class ProposalAttachmentType(DocumentFields):
    download_url: str = strawberry.field(description="GET it with the same credentials.")
    owner: strawberry.Private[Proposal]
    owner_type = Proposal
    owner_field = "attachments"

    @strawberry.field(description="The earlier version this one replaces.")
    def supersedes(self) -> "ProposalAttachmentType | None":
        if self.supersedes_id is None:
            return None
        return ProposalAttachmentType.from_model(
            self.owner.attachment(self.supersedes_id), self.owner
        )


@strawberry.type(description="One move of a proposal: who, when, from which status to which.")
class ProposalHistoryEntry:
    id: strawberry.ID
    at: datetime
    actor: Actor
    from_status: ProposalStatusEnum  # type: ignore[valid-type]
    to_status: ProposalStatusEnum  # type: ignore[valid-type]
    note: str = strawberry.field(
        description="Why (a revision request, a rejection, a review). A TKKSD review's note "
        "and recommendation are shown to the city's own staff only."
    )
    recommendation: ReviewRecommendationEnum | None  # type: ignore[valid-type]

    @classmethod
    def from_model(cls, entry: HistoryEntry) -> "ProposalHistoryEntry":
        return cls(
            id=strawberry.ID(str(entry.id)),
            at=entry.at,
            actor=Actor.from_model(entry.actor),
            from_status=entry.from_status,
            to_status=entry.to_status,
            note=entry.note,
            recommendation=entry.recommendation,
        )


@strawberry.type(name="Proposal", description="A proposed cooperation (pengajuan kerja sama).")
class ProposalType(RecordNode):
    id: relay.NodeID[str]
    tracking_code: str | None = strawberry.field(
        description="Given on first submission, e.g. PKS-2026-0001; follow it with "
        "`proposalStatus`."
    )
    status: ProposalStatusEnum  # type: ignore[valid-type]
    title: str
    purpose: str
    scope: str
    benefits: str
    field: str = strawberry.field(description="Bidang, e.g. Pendidikan, Kesehatan.")
    cooperation_type: CooperationTypeEnum | None  # type: ignore[valid-type]
    form: AgreementFormEnum | None  # type: ignore[valid-type]
    duration_months: int | None
    funding_source: str
    estimated_value: Decimal | None = strawberry.field(description="In rupiah.")
    submitted_at: datetime | None = strawberry.field(description="The first submission.")
    status_changed_at: datetime
    rejection_reason: str
    editable: bool = strawberry.field(
        description="The proposer may change it (DRAFT or REVISION_REQUESTED)."
    )
    created_by: Actor
    revision: int = strawberry.field(description="Send it back with a move to detect conflicts.")
    created_at: datetime
    updated_at: datetime
    model: strawberry.Private[Proposal]

    record_type = Proposal

    @classmethod
    def from_model(cls, p: Proposal) -> "ProposalType":
        created_by = Actor.from_model(p.created_by)
        return cls(**record_values(cls, p, id=str(p.id), created_by=created_by), model=p)

    @strawberry.field(description="Seconds since the proposal entered its current status.")
    def age_in_state_seconds(self) -> int:
        return max(0, int((utcnow() - self.model.status_changed_at).total_seconds()))

    @strawberry.field(description="Whole days since the proposal entered its current status.")
    def age_in_state_days(self) -> int:
        return self.age_in_state_seconds() // SECONDS_PER_DAY

    @strawberry.field(description="What still keeps it from being submitted (empty: ready).")
    def missing_for_submission(self) -> list[UserError]:
        problems = self.model.missing_for_submission()
        return to_user_errors(DomainErrors(problems)) if problems else []

    @strawberry.field(description="The department that proposed it, if a department did.")
    async def proposer_org_unit(self, info: Info) -> OrgUnitType | None:
        return await _org_unit(info, self.model.proposer_org_unit_id)

    @strawberry.field(description="The partner that proposed it, if a partner did.")
    async def proposer_partner(self, info: Info) -> PartnerType | None:
        if self.model.proposer_partner_id is None:
            return None
        found = await partners.get_partner(info.context, self.model.proposer_partner_id)
        return PartnerType.from_model(found) if found else None

    @strawberry.field(description="The department proposed to lead the cooperation.")
    async def org_unit(self, info: Info) -> OrgUnitType | None:
        return await _org_unit(info, self.model.org_unit_id)

    @strawberry.field(description="The partners of the proposed cooperation.")
    async def partners(self, info: Info) -> list[PartnerType]:
        found = await asyncio.gather(
            *(partners.get_partner(info.context, i) for i in self.model.partner_ids)
        )
        return [PartnerType.from_model(p) for p in found if p is not None]

    @strawberry.field(description="Every version of every file; `isCurrent` marks the newest.")
    def attachments(self) -> list[ProposalAttachmentType]:
        return [ProposalAttachmentType.from_model(d, self.model) for d in self.model.attachments]

    @strawberry.field(description="Every move, oldest first.")
    def history(self, info: Info) -> list[ProposalHistoryEntry]:
        entries = proposals.visible_history(info.context, self.model)
        return [ProposalHistoryEntry.from_model(e) for e in entries]

    @strawberry.field(description="The DRAFT agreement an approval created.")
    async def agreement(self, info: Info) -> AgreementType | None:
        if self.model.agreement_id is None:
            return None
        found = await agreements.get_agreement(info.context, self.model.agreement_id)
        return AgreementType.from_model(found) if found else None


async def _org_unit(info: Info, unit_id: PydanticObjectId | None) -> OrgUnitType | None:
    if unit_id is None:
        return None
    found = await info.context.loaders.org_unit.load(unit_id)
    return OrgUnitType.from_model(found) if found else None


@strawberry.type(description="Where a proposal stands; anyone with its tracking code may ask.")
class ProposalStatusReport:
    tracking_code: str
    status: ProposalStatusEnum  # type: ignore[valid-type]
    submitted_at: datetime
    status_changed_at: datetime


@strawberry.enum
class ProposalOrderField(Enum):
    STATUS_CHANGED_AT = "status_changed_at"
    SUBMITTED_AT = "submitted_at"
    UPDATED_AT = "updated_at"
    TRACKING_CODE = "tracking_code"


@strawberry.input(description="Default: the longest waiting in its status first.")
class ProposalOrder:
    field: ProposalOrderField = ProposalOrderField.STATUS_CHANGED_AT
    direction: SortDirection = SortDirection.ASC


@strawberry.input
class ProposalFilter:
    status: list[ProposalStatusEnum] | None = None  # type: ignore[valid-type]
    cooperation_type: list[CooperationTypeEnum] | None = None  # type: ignore[valid-type]
    org_unit_id: strawberry.ID | None = strawberry.field(
        default=None, description="The department proposed to lead it, or that proposed it."
    )
    partner_id: strawberry.ID | None = None
    submitted_after: date | None = strawberry.field(
        default=None, description="First submitted on or after this day (WIB)."
    )
    submitted_before: date | None = strawberry.field(
        default=None, description="First submitted before this day (WIB)."
    )
    text: str | None = strawberry.field(
        default=None,
        description="Words in the title, purpose or scope (every word must match; 3+ letters "
        "match word beginnings); title matches first unless orderBy is given.",
    )

    def to_resolver(self) -> proposals.ProposalFilter:
        org_unit_id = optional_id(self.org_unit_id, "OrgUnit", "orgUnitId")
        partner_id = optional_id(self.partner_id, "Partner", "partnerId")
        return proposals.ProposalFilter(
            **{**vars(self), "org_unit_id": org_unit_id, "partner_id": partner_id}
        )


def _key(order: ProposalOrder) -> SortKey:
    return SortKey(order.field.value, order.direction == SortDirection.DESC)


@strawberry.type
class ProposalQueries:
    @strawberry.field(
        description="The review queue: every submitted proposal (ADMIN, REVIEWER); by default "
        "the longest waiting in its status first."
    )
    async def proposals(
        self,
        info: Info,
        filter: ProposalFilter | None = None,
        order_by: ProposalOrder | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[ProposalType]:
        async def run() -> Page[Proposal]:
            flt = filter.to_resolver() if filter else None
            request = page_request(first, after, last, before)
            return await proposals.list_proposals(
                info.context,
                flt,
                _key(order_by or ProposalOrder()),
                request,
                default_order=order_by is None,
            )

        return Connection[ProposalType].of(await query(run()), ProposalType.from_model)

    @strawberry.field(
        description="Your proposals: your department's (OFFICER) or your organisation's "
        "(PARTNER); by default the latest changed first."
    )
    async def my_proposals(
        self,
        info: Info,
        filter: ProposalFilter | None = None,
        order_by: ProposalOrder | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[ProposalType]:
        order = order_by or ProposalOrder(
            field=ProposalOrderField.UPDATED_AT, direction=SortDirection.DESC
        )

        async def run() -> Page[Proposal]:
            flt = filter.to_resolver() if filter else None
            request = page_request(first, after, last, before)
            return await proposals.my_proposals(
                info.context, flt, _key(order), request, default_order=order_by is None
            )

        return Connection[ProposalType].of(await query(run()), ProposalType.from_model)

    @strawberry.field(description="A proposal you may see; null otherwise.")
    async def proposal(self, info: Info, id: strawberry.ID) -> ProposalType | None:
        async def run() -> Proposal | None:
            return await proposals.get_proposal(info.context, decode_id(id, "Proposal", "id"))

        found = await query(run())
        return ProposalType.from_model(found) if found else None

    @strawberry.field(
        description="Public: the status of a proposal by its tracking code (no content); "
        "null if no submitted proposal has that code."
    )
    async def proposal_status(self, info: Info, tracking_code: str) -> ProposalStatusReport | None:
        found = await proposals.proposal_status(info.context, tracking_code)
        if found is None:
            return None
        return ProposalStatusReport(
            tracking_code=found.tracking_code,
            status=found.status,
            submitted_at=found.submitted_at,
            status_changed_at=found.status_changed_at,
        )


# --- mutations -------------------------------------------------------------------------------


@strawberry.input
class CreateProposalInput:
    title: str
    purpose: str = ""
    scope: str = ""
    benefits: str = strawberry.field(default="", description="Manfaat: what the city gains.")
    field: str = ""
    cooperation_type: CooperationTypeEnum | None = None  # type: ignore[valid-type]
    form: AgreementFormEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="The intended form: KSB, PKS or NK."
    )
    partner_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="A partner's own organisation is always included."
    )
    org_unit_id: strawberry.ID | None = strawberry.field(
        default=None, description="The department to lead it (an officer's own, by default)."
    )
    duration_months: int | None = None
    funding_source: str = ""
    estimated_value: Decimal | None = None


@strawberry.input
class UpdateProposalInput:
    proposal_id: strawberry.ID
    revision: int | None = strawberry.field(default=None, description=REVISION_HELP)
    title: str | None = strawberry.UNSET
    purpose: str | None = strawberry.UNSET
    scope: str | None = strawberry.UNSET
    benefits: str | None = strawberry.UNSET
    field: str | None = strawberry.UNSET
    cooperation_type: CooperationTypeEnum | None = strawberry.UNSET  # type: ignore[valid-type]
    form: AgreementFormEnum | None = strawberry.UNSET  # type: ignore[valid-type]
    partner_ids: list[strawberry.ID] | None = strawberry.UNSET
    org_unit_id: strawberry.ID | None = strawberry.UNSET
    duration_months: int | None = strawberry.UNSET
    funding_source: str | None = strawberry.UNSET
    estimated_value: Decimal | None = strawberry.UNSET


@strawberry.input
class UploadProposalAttachmentInput:
    proposal_id: strawberry.ID
    type: DocumentTypeEnum = strawberry.field(  # type: ignore[valid-type]
        description="REQUEST_LETTER, TOR, FEASIBILITY_STUDY, DRAFT, CORRESPONDENCE or OTHER."
    )
    title: str
    file: Upload
    supersedes_id: strawberry.ID | None = strawberry.field(
        default=None, description="The attachment this is a new version of."
    )
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY_HELP)


@strawberry.input
class SubmitProposalInput:
    proposal_id: strawberry.ID
    revision: int | None = strawberry.field(default=None, description=REVISION_HELP)


@strawberry.input
class WithdrawProposalInput:
    proposal_id: strawberry.ID
    note: str = ""
    revision: int | None = strawberry.field(default=None, description=REVISION_HELP)


@strawberry.input
class VerifyProposalInput:
    proposal_id: strawberry.ID
    note: str = ""
    revision: int | None = strawberry.field(default=None, description=REVISION_HELP)


@strawberry.input
class RequestProposalRevisionInput:
    proposal_id: strawberry.ID
    note: str = strawberry.field(description="What to fix; the proposer reads it.")
    revision: int | None = strawberry.field(default=None, description=REVISION_HELP)


@strawberry.input
class RecordProposalReviewInput:
    proposal_id: strawberry.ID
    note: str = strawberry.field(description="The TKKSD's notes (internal to the city).")
    recommendation: ReviewRecommendationEnum  # type: ignore[valid-type]
    revision: int | None = strawberry.field(default=None, description=REVISION_HELP)


@strawberry.input
class ApproveProposalInput:
    proposal_id: strawberry.ID
    number: str | None = strawberry.field(
        default=None,
        description="The new agreement's registry number; default: the next number of the "
        "registry (AGREEMENT_NUMBER_FORMAT), which stays editable on the draft.",
    )
    org_unit_id: strawberry.ID | None = strawberry.field(
        default=None, description="The lead department, if the proposal named none or another."
    )
    note: str = ""
    revision: int | None = strawberry.field(default=None, description=REVISION_HELP)


@strawberry.input
class RejectProposalInput:
    proposal_id: strawberry.ID
    reason: str = strawberry.field(description="Required; the proposer reads it.")
    revision: int | None = strawberry.field(default=None, description=REVISION_HELP)


@strawberry.type
class ProposalPayload:
    proposal: ProposalType | None
    errors: list[UserError]


@strawberry.type
class UploadProposalAttachmentPayload:
    document: ProposalAttachmentType | None
    proposal: ProposalType | None
    errors: list[UserError]


@strawberry.type
class ApproveProposalPayload:
    proposal: ProposalType | None
    agreement: AgreementType | None = strawberry.field(description="The DRAFT agreement made.")
    errors: list[UserError]


def _payload(proposal: Proposal | None, errors: list[UserError]) -> ProposalPayload:
    return ProposalPayload(
        proposal=ProposalType.from_model(proposal) if proposal else None, errors=errors
    )


def _id(value: strawberry.ID) -> PydanticObjectId:
    return decode_id(value, "Proposal", "proposalId")


@strawberry.type
class ProposalMutations:
    @audited_mutation(description="Start a proposal (DRAFT) for your department or partner.")
    async def create_proposal(self, info: Info, input: CreateProposalInput) -> ProposalPayload:
        fields = with_ids(provided(input), PROPOSAL_REFERENCES)
        result = await proposals.create_proposal(info.context, fields)
        return _payload(result, [])

    @audited_mutation(description="Change a DRAFT or REVISION_REQUESTED proposal.")
    async def update_proposal(self, info: Info, input: UpdateProposalInput) -> ProposalPayload:
        changes = provided(input, skip=frozenset({"proposal_id", "revision"}))
        changes = with_ids(changes, PROPOSAL_REFERENCES)
        result = await proposals.update_proposal(
            info.context, _id(input.proposal_id), changes, input.revision
        )
        return _payload(result, [])

    @audited_mutation(
        description="Attach a file (multipart request; send the Apollo-Require-Preflight header)."
    )
    async def upload_proposal_attachment(
        self, info: Info, input: UploadProposalAttachmentInput
    ) -> UploadProposalAttachmentPayload:
        doc, proposal = await upload_document(
            info,
            proposals.ATTACHMENTS,
            _id(input.proposal_id),
            input,
            "ProposalAttachment",
        )
        return UploadProposalAttachmentPayload(
            document=ProposalAttachmentType.from_model(doc, proposal),
            proposal=ProposalType.from_model(proposal),
            errors=[],
        )

    @audited_mutation(
        description="DRAFT or REVISION_REQUESTED → SUBMITTED; needs the required fields, a "
        "REQUEST_LETTER and a TOR. The first submission gives the tracking code."
    )
    async def submit_proposal(self, info: Info, input: SubmitProposalInput) -> ProposalPayload:
        result = await proposals.submit_proposal(
            info.context, _id(input.proposal_id), input.revision
        )
        return _payload(result, [])

    @audited_mutation(description="DRAFT, SUBMITTED or REVISION_REQUESTED → WITHDRAWN (proposer).")
    async def withdraw_proposal(self, info: Info, input: WithdrawProposalInput) -> ProposalPayload:
        result = await proposals.withdraw_proposal(
            info.context, _id(input.proposal_id), input.note, input.revision
        )
        return _payload(result, [])

    @audited_mutation(description="SUBMITTED → VERIFIED: complete and in order (ADMIN).")
    async def verify_proposal(self, info: Info, input: VerifyProposalInput) -> ProposalPayload:
        result = await proposals.verify_proposal(
            info.context, _id(input.proposal_id), input.note, input.revision
        )
        return _payload(result, [])

    @audited_mutation(
        description="SUBMITTED, VERIFIED or IN_REVIEW → REVISION_REQUESTED; a note is required "
        "(ADMIN, REVIEWER)."
    )
    async def request_proposal_revision(
        self, info: Info, input: RequestProposalRevisionInput
    ) -> ProposalPayload:
        result = await proposals.request_revision(
            info.context, _id(input.proposal_id), input.note, input.revision
        )
        return _payload(result, [])

    @audited_mutation(
        description="Record a TKKSD review with a recommendation; VERIFIED → IN_REVIEW (REVIEWER)."
    )
    async def record_proposal_review(
        self, info: Info, input: RecordProposalReviewInput
    ) -> ProposalPayload:
        result = await proposals.record_review(
            info.context,
            _id(input.proposal_id),
            input.note,
            input.recommendation,
            input.revision,
        )
        return _payload(result, [])

    @audited_mutation(
        description="IN_REVIEW → APPROVED, creating the DRAFT agreement with the proposal's "
        "data, files and story (ADMIN). Its partners must be verified."
    )
    async def approve_proposal(
        self, info: Info, input: ApproveProposalInput
    ) -> ApproveProposalPayload:
        unit = optional_id(input.org_unit_id, "OrgUnit", "orgUnitId")
        result = await proposals.approve_proposal(
            info.context,
            _id(input.proposal_id),
            number=input.number,
            org_unit_id=unit,
            note=input.note,
            revision=input.revision,
        )
        proposal, agreement = result
        return ApproveProposalPayload(
            proposal=ProposalType.from_model(proposal) if proposal else None,
            agreement=AgreementType.from_model(agreement) if agreement else None,
            errors=[],
        )

    @audited_mutation(
        description="SUBMITTED, VERIFIED or IN_REVIEW → REJECTED; a reason is required (ADMIN)."
    )
    async def reject_proposal(self, info: Info, input: RejectProposalInput) -> ProposalPayload:
        result = await proposals.reject_proposal(
            info.context, _id(input.proposal_id), input.reason, input.revision
        )
        return _payload(result, [])
