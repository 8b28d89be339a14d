"""Use cases of menu 2 (pengajuan kerja sama): propose, attach, submit, review, decide, and
follow a proposal by its tracking code."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from beanie import PydanticObjectId
from pymongo.asynchronous.client_session import AsyncClientSession

from i18n import Money, later
from models import Agreement, OrgUnit, Partner, Proposal, User
from models.actor import ActorRef
from models.date_ranges import dated
from models.documents import DocumentRef
from models.enums import (
    CooperationType,
    ProposalStatus,
    ReviewRecommendation,
    Role,
)
from models.errors import DomainError, DomainErrors, ErrorCode
from models.file_owners import FileHolder
from models.numbering import next_agreement_number
from models.proposal import HistoryEntry
from models.search import keys_filter
from models.transactions import in_transaction
from resolvers import documents, scoped
from resolvers.access import (
    own_proposal_scope,
    proposal_queue_scope,
    require_proposal_decider,
    require_proposal_proposer,
    require_proposal_reviewer,
    require_proposal_screener,
    require_proposer_role,
    sees_review_notes,
)
from resolvers.context import CITY_TIMEZONE, Context
from resolvers.notifications import Message, notify_safely, subject, users_with_role
from resolvers.pagination import Page, PageRequest, SortKey, combine, paginate, text_tiers
from resolvers.scoped import Use

Status = ProposalStatus


@dataclass
class ProposalFilter:
    status: list[ProposalStatus] | None = None
    cooperation_type: list[CooperationType] | None = None
    org_unit_id: PydanticObjectId | None = None
    partner_id: PydanticObjectId | None = None
    submitted_after: date | None = None
    submitted_before: date | None = None
    text: str | None = None


@dataclass(frozen=True)
class PublicStatus:
    """What anyone holding a tracking code may learn: where the proposal stands, not what
    it says."""

    tracking_code: str
    status: ProposalStatus
    submitted_at: datetime
    status_changed_at: datetime


def _city_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=CITY_TIMEZONE)


def proposal_query(flt: ProposalFilter | None) -> dict[str, Any]:
    if flt is None:
        return {}
    query: dict[str, Any] = {}
    if flt.text and flt.text.strip():
        query.update(keys_filter(flt.text))
    if flt.status:
        query["status"] = {"$in": [s.value for s in flt.status]}
    if flt.cooperation_type:
        query["cooperation_type"] = {"$in": [c.value for c in flt.cooperation_type]}
    if flt.org_unit_id is not None:
        query["$or"] = [
            {"org_unit_id": flt.org_unit_id},
            {"proposer_org_unit_id": flt.org_unit_id},
        ]
    if flt.partner_id is not None:
        query["partner_ids"] = flt.partner_id
    submitted: dict[str, Any] = {}
    # Dates are Bogor's calendar days: after D counts from D 00:00 WIB, before D up to it.
    if flt.submitted_after is not None:
        submitted["$gte"] = _city_midnight(flt.submitted_after)
    if flt.submitted_before is not None:
        submitted["$lt"] = _city_midnight(flt.submitted_before)
    if submitted:
        query["submitted_at"] = dated(submitted)
    return query


async def _page(
    ctx: Context,
    scope: dict[str, Any],
    flt: ProposalFilter | None,
    key: SortKey,
    request: PageRequest,
    default_order: bool,
) -> Page[Proposal]:
    return await paginate(
        Proposal,
        combine(await scoped.readable(ctx.viewer, Proposal), scope, proposal_query(flt)),
        key,
        request,
        default_size=ctx.settings.default_page_size,
        max_size=ctx.settings.max_page_size,
        tiers=text_tiers(flt.text if flt else None, default_order),
    )


async def list_proposals(
    ctx: Context,
    flt: ProposalFilter | None,
    key: SortKey,
    request: PageRequest,
    *,
    default_order: bool = False,
) -> Page[Proposal]:
    """The review queue (ADMIN, REVIEWER)."""
    return await _page(ctx, proposal_queue_scope(ctx.viewer), flt, key, request, default_order)


async def my_proposals(
    ctx: Context,
    flt: ProposalFilter | None,
    key: SortKey,
    request: PageRequest,
    *,
    default_order: bool = False,
) -> Page[Proposal]:
    """The viewer's own proposals: its department's (OFFICER) or its partner's (PARTNER)."""
    return await _page(ctx, own_proposal_scope(ctx.viewer), flt, key, request, default_order)


async def get_proposal(ctx: Context, proposal_id: PydanticObjectId) -> Proposal | None:
    return await scoped.get(ctx.viewer, Proposal, proposal_id)


async def proposal_status(ctx: Context, tracking_code: str) -> PublicStatus | None:
    """Public: the status of the proposal with this tracking code, nothing of its content."""
    code = {"tracking_code": tracking_code.strip().upper()}
    proposal = await scoped.one(ctx.viewer, Proposal, code, Use.PUBLIC)
    if proposal is None or proposal.tracking_code is None or proposal.submitted_at is None:
        return None
    return PublicStatus(
        tracking_code=proposal.tracking_code,
        status=proposal.status,
        submitted_at=proposal.submitted_at,
        status_changed_at=proposal.status_changed_at,
    )


def visible_history(ctx: Context, proposal: Proposal) -> list[HistoryEntry]:
    """The proposal's history as the viewer may read it: the TKKSD's notes and
    recommendations are internal to the city; the proposer sees that a review took place."""
    if sees_review_notes(ctx.viewer):
        return proposal.history
    return [
        entry.model_copy(update={"note": "", "recommendation": None})
        if entry.recommendation is not None
        else entry
        for entry in proposal.history
    ]


# --- the proposer's acts ---------------------------------------------------------------------


async def _readable(ctx: Context, proposal_id: PydanticObjectId) -> Proposal:
    proposal = await scoped.get(ctx.viewer, Proposal, proposal_id)
    if proposal is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no such proposal", "proposalId")
    return proposal


async def _own(ctx: Context, proposal_id: PydanticObjectId) -> Proposal:
    require_proposer_role(ctx.viewer)
    proposal = await _readable(ctx, proposal_id)
    require_proposal_proposer(ctx.viewer, proposal)
    return proposal


def _as_proposer(ctx: Context, fields: dict[str, Any]) -> dict[str, Any]:
    """An officer proposes for its own department; a partner is always a party of its own
    proposal."""
    viewer = ctx.viewer
    fields = dict(fields)
    if viewer.role == Role.OFFICER:
        if fields.get("org_unit_id") not in (None, viewer.org_unit_id):
            raise DomainError(
                ErrorCode.INVALID, "an officer proposes for its own department", "orgUnitId"
            )
        if "org_unit_id" in fields:
            fields["org_unit_id"] = viewer.org_unit_id
    elif "partner_ids" in fields:
        fields["partner_ids"] = [viewer.partner_id, *(fields["partner_ids"] or [])]
    return fields


async def _check_references(ctx: Context, fields: dict[str, Any]) -> None:
    problems = []
    partner_ids = [p for p in fields.get("partner_ids") or [] if p != ctx.viewer.partner_id]
    if len(set(partner_ids)) != len(partner_ids):
        problems.append(DomainError(ErrorCode.INVALID, "an id is listed twice", "partnerIds"))
    elif partner_ids:
        # A partner the viewer may not read is, to it, a partner that does not exist.
        found = await (
            await scoped.find(ctx.viewer, Partner, {"_id": {"$in": partner_ids}})
        ).count()
        if found != len(partner_ids):
            problems.append(
                DomainError(ErrorCode.NOT_FOUND, "an id names no partner", "partnerIds")
            )
    unit_id = fields.get("org_unit_id")
    if unit_id is not None and await scoped.get(ctx.viewer, OrgUnit, unit_id) is None:
        problems.append(DomainError(ErrorCode.NOT_FOUND, "no such department", "orgUnitId"))
    if problems:
        raise DomainErrors(problems)


async def create_proposal(ctx: Context, fields: dict[str, Any]) -> Proposal:
    role = require_proposer_role(ctx.viewer)
    # On a new proposal a null means "not given": the defaults apply.
    fields = _as_proposer(ctx, {k: v for k, v in fields.items() if v is not None})
    if role == Role.OFFICER:
        fields.setdefault("org_unit_id", ctx.viewer.org_unit_id)
        fields["proposer_org_unit_id"] = ctx.viewer.org_unit_id
    else:
        fields.setdefault("partner_ids", [ctx.viewer.partner_id])
        fields["partner_ids"] = list(dict.fromkeys(fields["partner_ids"]))
        fields["proposer_partner_id"] = ctx.viewer.partner_id
    proposal = Proposal.build(**fields, created_by=ctx.viewer.actor)
    await _check_references(ctx, fields)
    return await proposal.create_checked()


async def update_proposal(
    ctx: Context, proposal_id: PydanticObjectId, changes: dict[str, Any], revision: int | None
) -> Proposal:
    proposal = await _own(ctx, proposal_id)
    if "partner_ids" in changes and changes["partner_ids"] is None:
        changes["partner_ids"] = []
    changes = _as_proposer(ctx, changes)
    if "partner_ids" in changes and ctx.viewer.role == Role.PARTNER:
        changes["partner_ids"] = list(dict.fromkeys(changes["partner_ids"]))
    await _check_references(ctx, changes)
    return await proposal.edit(changes, revision)


async def _add_attachment(
    proposal: Proposal, doc: DocumentRef, _: ActorRef, session: AsyncClientSession | None
) -> Proposal:
    return await proposal.add_attachment(doc, session)


ATTACHMENTS = documents.Holder(
    operation="uploadProposalAttachment",
    record_key="proposal",
    holder=FileHolder.PROPOSAL,
    writable=_own,
    next_version=Proposal.next_attachment,
    document=Proposal.attachment,
    add=_add_attachment,
)


async def submit_proposal(
    ctx: Context, proposal_id: PydanticObjectId, revision: int | None
) -> Proposal:
    proposal = await _own(ctx, proposal_id)
    submitted = await proposal.submit(ctx.viewer.actor, ctx.today().year, revision)
    await _announce(submitted)
    return submitted


async def withdraw_proposal(
    ctx: Context, proposal_id: PydanticObjectId, note: str, revision: int | None
) -> Proposal:
    proposal = await _own(ctx, proposal_id)
    withdrawn = await proposal.withdraw(ctx.viewer.actor, note, revision)
    await _announce(withdrawn)
    return withdrawn


# --- the cooperation unit's and the TKKSD's acts ---------------------------------------------


async def verify_proposal(
    ctx: Context, proposal_id: PydanticObjectId, note: str, revision: int | None
) -> Proposal:
    require_proposal_decider(ctx.viewer)
    proposal = await _readable(ctx, proposal_id)
    verified = await proposal.verify(ctx.viewer.actor, note, revision)
    await _announce(verified)
    return verified


async def request_revision(
    ctx: Context, proposal_id: PydanticObjectId, note: str, revision: int | None
) -> Proposal:
    require_proposal_screener(ctx.viewer)
    proposal = await _readable(ctx, proposal_id)
    asked = await proposal.request_revision(ctx.viewer.actor, note, revision)
    await _announce(asked)
    return asked


async def record_review(
    ctx: Context,
    proposal_id: PydanticObjectId,
    note: str,
    recommendation: ReviewRecommendation,
    revision: int | None,
) -> Proposal:
    require_proposal_reviewer(ctx.viewer)
    proposal = await _readable(ctx, proposal_id)
    reviewed = await proposal.record_review(ctx.viewer.actor, note, recommendation, revision)
    if reviewed.status != proposal.status:
        await _announce(reviewed)
    return reviewed


async def reject_proposal(
    ctx: Context, proposal_id: PydanticObjectId, reason: str, revision: int | None
) -> Proposal:
    require_proposal_decider(ctx.viewer)
    proposal = await _readable(ctx, proposal_id)
    rejected = await proposal.reject(ctx.viewer.actor, reason, revision)
    await _announce(rejected)
    return rejected


async def approve_proposal(
    ctx: Context,
    proposal_id: PydanticObjectId,
    *,
    number: str | None,
    org_unit_id: PydanticObjectId | None,
    note: str,
    revision: int | None,
) -> tuple[Proposal, Agreement]:
    """IN_REVIEW → APPROVED, and the DRAFT agreement it leads to, in one transaction."""
    require_proposal_decider(ctx.viewer)
    proposal = await _readable(ctx, proposal_id)
    if org_unit_id is not None and await scoped.get(ctx.viewer, OrgUnit, org_unit_id) is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no such department", "orgUnitId")
    named = {"_id": {"$in": proposal.partner_ids}}
    partners = await (await scoped.find(ctx.viewer, Partner, named)).to_list()

    async def approve(session: AsyncClientSession) -> tuple[Proposal, Agreement]:
        # A number from the registry (editable on the draft); taken only if approval commits.
        registry_number = number or await next_agreement_number(
            ctx.settings.agreement_number_format, ctx.today().year, session
        )
        return await proposal.approve(
            ctx.viewer.actor,
            partners=partners,
            number=registry_number,
            org_unit_id=org_unit_id,
            note=note,
            expected_revision=revision,
            session=session,
        )

    approved, agreement = await in_transaction(ctx.database.client, approve)
    await _announce(approved)
    return approved, agreement


# --- files -----------------------------------------------------------------------------------


async def find_attachment(
    ctx: Context, file_id: PydanticObjectId
) -> tuple[Proposal, DocumentRef] | None:
    """The readable proposal attachment stored as this file, if any."""
    return await documents.find_held(ctx, Proposal, "attachments", file_id)


async def is_file_referenced(file_id: PydanticObjectId) -> bool:
    return await Proposal.find({"attachments.file_id": file_id}).count() > 0


# --- who hears of a move ---------------------------------------------------------------------


async def proposer_users(proposal: Proposal) -> list[PydanticObjectId]:
    if proposal.proposer_partner_id is not None:
        query = {"role": Role.PARTNER.value, "partner_id": proposal.proposer_partner_id}
    else:
        query = {"role": Role.OFFICER.value, "org_unit_id": proposal.proposer_org_unit_id}
    found = await User.find({**query, "active": True}).to_list()
    return [u.id for u in found if u.id is not None]


def _status_message(proposal: Proposal, entry: HistoryEntry) -> Message:
    code = proposal.tracking_code or later("(no tracking code yet)")
    said = {"code": code, "title": proposal.title, "note": entry.note}
    texts = {
        Status.SUBMITTED: (
            later("Proposal %(code)s received", **said),
            later(
                "The cooperation proposal \u201c%(title)s\u201d was received with tracking "
                "code %(code)s. The cooperation unit will check that it is complete.",
                **said,
            ),
        ),
        Status.VERIFIED: (
            later("Proposal %(code)s verified", **said),
            later(
                "The proposal \u201c%(title)s\u201d is complete and now reviewed by the TKKSD.",
                **said,
            ),
        ),
        Status.IN_REVIEW: (
            later("Proposal %(code)s is being reviewed by the TKKSD", **said),
            later("The regional cooperation team is reviewing \u201c%(title)s\u201d.", **said),
        ),
        Status.REVISION_REQUESTED: (
            later("Proposal %(code)s needs revision", **said),
            later(
                "Please revise the proposal \u201c%(title)s\u201d and submit it again. "
                "Note: %(note)s",
                **said,
            ),
        ),
        Status.APPROVED: (
            later("Proposal %(code)s approved", **said),
            later(
                "The proposal \u201c%(title)s\u201d was approved; the draft agreement is being "
                "prepared with the lead department.",
                **said,
            ),
        ),
        Status.REJECTED: (
            later("Proposal %(code)s rejected", **said),
            later("The proposal \u201c%(title)s\u201d cannot go ahead. Reason: %(note)s", **said),
        ),
        Status.WITHDRAWN: (
            later("Proposal %(code)s withdrawn", **said),
            later("The proposal \u201c%(title)s\u201d was withdrawn by its proposer.", **said),
        ),
    }
    heading, body = texts[entry.to_status]
    if entry.to_status == Status.SUBMITTED and entry.from_status != Status.DRAFT:
        heading = later("Revised proposal %(code)s received", **said)
    return Message(
        kind="PROPOSAL_STATUS_CHANGED",
        title=heading,
        body=body,
        subject_id=subject("Proposal", proposal.id),
    )


async def _announce(proposal: Proposal) -> None:
    """Tell the proposer of every status change; the cooperation unit of each submission (and
    of a withdrawal it was working on); the TKKSD of a proposal ready for review."""
    entry = proposal.history[-1]
    await notify_safely(
        await proposer_users(proposal), _status_message(proposal, entry), email=True
    )
    code = proposal.tracking_code
    link = subject("Proposal", proposal.id)
    if entry.to_status == Status.SUBMITTED:
        again = entry.from_status != Status.DRAFT
        message = Message(
            kind="PROPOSAL_SUBMITTED",
            title=(
                later("Revised proposal %(code)s arrived", code=code)
                if again
                else later("New proposal %(code)s", code=code)
            ),
            body=(
                later(
                    "\u201c%(title)s\u201d, estimated at %(value)s, waits for its completeness "
                    "check.",
                    title=proposal.title,
                    value=Money(proposal.estimated_value),
                )
                if proposal.estimated_value is not None
                else later(
                    "\u201c%(title)s\u201d waits for its completeness check.",
                    title=proposal.title,
                )
            ),
            subject_id=link,
        )
        await notify_safely(await users_with_role(Role.ADMIN), message, email=True)
    elif entry.to_status == Status.WITHDRAWN and entry.from_status != Status.DRAFT:
        message = Message(
            kind="PROPOSAL_WITHDRAWN",
            title=later("Proposal %(code)s withdrawn", code=code),
            body=later("The proposer withdrew \u201c%(title)s\u201d.", title=proposal.title),
            subject_id=link,
        )
        await notify_safely(await users_with_role(Role.ADMIN), message, email=True)
    elif entry.to_status == Status.VERIFIED:
        message = Message(
            kind="PROPOSAL_READY_FOR_REVIEW",
            title=later("Proposal %(code)s is ready for review by the TKKSD", code=code),
            body=later(
                "\u201c%(title)s\u201d was verified by the cooperation unit.",
                title=proposal.title,
            ),
            subject_id=link,
        )
        await notify_safely(await users_with_role(Role.REVIEWER), message, email=True)
