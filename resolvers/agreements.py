"""Use cases of the digital archive: find, record, change and close agreements."""

from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import partial
from typing import Any

from beanie import PydanticObjectId
from pymongo.asynchronous.client_session import AsyncClientSession

from models import Agreement, AgreementListing, OrgUnit, Partner
from models.agreement import Amendment
from models.agreement_keys import matching_ids, named, title_first
from models.base import checked
from models.chronology import ChronologyEvent, start_of_day
from models.date_ranges import dated
from models.documents import DocumentRef
from models.enums import (
    AgreementForm,
    AgreementStatus,
    CooperationType,
    PartnerStatus,
)
from models.errors import DomainError, DomainErrors, ErrorCode
from models.file_owners import FileHolder
from models.transactions import in_transaction
from resolvers import counted, documents, scoped
from resolvers.access import require_agreement_contributor, require_agreement_editor
from resolvers.context import Context
from resolvers.document_search import matching_file_ids
from resolvers.pagination import Page, PageRequest, SortKey, combine, paginate

# Changes that can move an agreement out of its parent's term, or its children out of its own.
TERM_FIELDS = frozenset({"parent_id", "form", "signed_on", "starts_on", "ends_on"})


# A century: any longer window asks for every active agreement anyway.
MAX_EXPIRING_WITHIN_DAYS = 36_500


@dataclass
class AgreementFilter:
    text: str | None = None
    cooperation_type: list[CooperationType] | None = None
    form: list[AgreementForm] | None = None
    status: list[AgreementStatus] | None = None
    partner_id: PydanticObjectId | None = None
    org_unit_id: PydanticObjectId | None = None
    parent_id: PydanticObjectId | None = None
    signed_year: int | None = None
    ends_before: date | None = None
    ends_after: date | None = None
    expiring_within_days: int | None = None
    field: str | None = None
    text_includes_documents: bool = False


async def agreement_query(
    flt: AgreementFilter | None, today: date, text_field: str = "search_keys"
) -> dict[str, Any]:
    """The filter as a query on the agreements or their listing rows; `text` is matched
    against the keys in `text_field` (all the searchable texts, or the title alone where only
    the title is public), which name the agreements it finds by id."""
    if flt is None:
        return {}
    query: dict[str, Any] = {}
    if flt.text and flt.text.strip():
        query.update(named(await matching_ids(flt.text, text_field)))
    for name, values in (
        ("cooperation_type", flt.cooperation_type),
        ("form", flt.form),
        ("status", flt.status),
    ):
        if values:
            # One value as an equality: the same match, which SecantusDB can take with the
            # next field through a compound index (status with cooperation type).
            chosen = [v.value for v in values]
            query[name] = chosen[0] if len(chosen) == 1 else {"$in": chosen}
    if flt.partner_id is not None:
        query["partner_ids"] = flt.partner_id
    if flt.org_unit_id is not None:
        query["lead_org_unit_ids"] = flt.org_unit_id
    if flt.parent_id is not None:
        query["parent_id"] = flt.parent_id
    if flt.field:
        query["field"] = flt.field
    if flt.signed_year is not None:
        if not 1900 <= flt.signed_year <= 2200:
            raise DomainError(ErrorCode.INVALID, "signedYear is out of range", "signedYear")
        query["signed_on"] = {
            "$gte": start_of_day(date(flt.signed_year, 1, 1)),
            "$lt": start_of_day(date(flt.signed_year + 1, 1, 1)),
        }
    ends: dict[str, Any] = {}
    if flt.ends_after is not None:
        ends["$gte"] = start_of_day(flt.ends_after)
    if flt.ends_before is not None:
        ends["$lt"] = start_of_day(flt.ends_before)
    if flt.expiring_within_days is not None:
        if not 0 <= flt.expiring_within_days <= MAX_EXPIRING_WITHIN_DAYS:
            raise DomainError(
                ErrorCode.OUT_OF_RANGE,
                "expiringWithinDays must be between 0 and %(most)s",
                "expiringWithinDays",
                most=MAX_EXPIRING_WITHIN_DAYS,
            )
        query["status"] = AgreementStatus.ACTIVE.value
        horizon = today + timedelta(days=flt.expiring_within_days)
        ends["$gte"] = max(ends.get("$gte", start_of_day(today)), start_of_day(today))
        ends["$lte"] = start_of_day(horizon)
    if ends:
        query["ends_on"] = dated(ends)
    return query


async def listing_query(ctx: Context, flt: AgreementFilter | None) -> dict[str, Any]:
    """`flt` as a query on the listing rows: its words find agreements by their texts, or
    also by a page of one of their documents (the text read from its scans)."""
    if flt is None or not (flt.text and flt.text.strip() and flt.text_includes_documents):
        return await agreement_query(flt, ctx.today())
    found = set(await matching_ids(flt.text))
    files = await matching_file_ids(flt.text)
    if files:
        in_documents = await scoped.ids(
            ctx.viewer, Agreement, {"documents.file_id": {"$in": files}}
        )
        found.update(in_documents or [])
    return combine(
        named(sorted(found)), await agreement_query(replace(flt, text=None), ctx.today())
    )


async def list_agreements(
    ctx: Context,
    flt: AgreementFilter | None,
    key: SortKey,
    request: PageRequest,
    *,
    default_order: bool = False,
) -> Page[AgreementListing]:
    """A page of agreements, as their listing rows (schema/agreements.py shows a row, and
    loads its agreement only for a field the row lacks). Words to search for name the
    agreements they find (`listing_query`), and in the default order those with the words in
    their title come first."""
    query = await listing_query(ctx, flt)
    text = flt.text.strip() if flt is not None and flt.text else ""
    rows = await paginate(
        AgreementListing,
        combine(await scoped.readable(ctx.viewer, AgreementListing), query),
        key,
        request,
        default_size=ctx.settings.default_page_size,
        max_size=ctx.settings.max_page_size,
        tiers=await title_first(text) if text and default_order else ({},),
    )
    # Every agreement or one department's, possibly of some statuses, types, forms or one
    # field, or expiring: counted by the counters, not by reading every row again.
    counters = counted.counters_counting(
        combine(await scoped.readable(ctx.viewer, AgreementListing), query)
    )
    if counters is not None:
        rows = replace(rows, count=partial(counted.count_of, counters))
    return rows


async def get_agreement(ctx: Context, agreement_id: PydanticObjectId) -> Agreement | None:
    """The agreement if it exists and the viewer may see it (otherwise: not found)."""
    return await ctx.loaders.agreement.load(agreement_id)


async def listed_agreement(ctx: Context, agreement_id: PydanticObjectId) -> Agreement:
    """The agreement of a row just listed, for a field its row does not hold (the loader
    batches a page's into one query)."""
    found = await get_agreement(ctx, agreement_id)
    if found is None:
        # Listed a moment ago, unreadable now: moved to another department in between.
        raise DomainError(ErrorCode.NOT_FOUND, "no such agreement")
    return found


async def get_children(ctx: Context, parent_id: PydanticObjectId) -> list[Agreement]:
    return await ctx.loaders.children.load(parent_id)


def chronology_page(agreement: Agreement, request: PageRequest) -> Page[ChronologyEvent]:
    """The embedded history, newest first by when it happened; cursors are event ids."""
    size, backwards = request.size(default=50, maximum=100)
    if backwards:
        raise DomainError(ErrorCode.INVALID, "the chronology pages forwards only", "last")
    views = agreement.event_views()  # a corrected date moves the event
    # Events of the same moment keep the order they were appended in (newest first).
    position = {e.id: n for n, e in enumerate(agreement.chronology)}
    events = sorted(
        agreement.chronology,
        key=lambda e: (views[e.id].occurred_at, e.recorded_at, position[e.id]),
        reverse=True,
    )
    start = 0
    if request.after is not None:
        ids = [str(e.id) for e in events]
        if request.after not in ids:
            raise DomainError(ErrorCode.INVALID_CURSOR, "this cursor is not valid", "after")
        start = ids.index(request.after) + 1
    items = events[start : start + size]

    async def count() -> int:
        return len(events)

    return Page(
        items=items,
        cursors=[str(e.id) for e in items],
        has_next_page=start + size < len(events),
        has_previous_page=start > 0,
        count=count,
    )


async def _readable(ctx: Context, agreement_id: PydanticObjectId, field: str) -> Agreement:
    agreement = await scoped.get(ctx.viewer, Agreement, agreement_id)
    if agreement is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no such agreement", field)
    return agreement


async def _require(ctx: Context, agreement_id: PydanticObjectId, field: str) -> Agreement:
    """An agreement the viewer may edit (checked before it is even loaded)."""
    require_agreement_editor(ctx.viewer)
    return await _readable(ctx, agreement_id, field)


async def _contributable(ctx: Context, agreement_id: PydanticObjectId) -> Agreement:
    agreement = await _readable(ctx, agreement_id, "agreementId")
    require_agreement_contributor(ctx.viewer, agreement)
    return agreement


async def _check_references(ctx: Context, fields: dict[str, Any]) -> None:
    problems = []
    for name, model, label in (
        ("partner_ids", Partner, "partnerIds"),
        ("lead_org_unit_ids", OrgUnit, "leadOrgUnitIds"),
    ):
        ids = fields.get(name)
        if not ids:
            continue
        if len(set(ids)) != len(ids):
            problems.append(DomainError(ErrorCode.INVALID, "an id is listed twice", label))
            continue
        found = await (await scoped.find(ctx.viewer, model, {"_id": {"$in": ids}})).to_list()
        if len(found) != len(ids):
            problems.append(DomainError(ErrorCode.NOT_FOUND, "an id names no record", label))
        elif any(
            getattr(r, "registration_status", PartnerStatus.VERIFIED) != PartnerStatus.VERIFIED
            for r in found
        ):
            # An agreement is signed with a party the cooperation unit has checked.
            problems.append(
                DomainError(
                    ErrorCode.PARTNER_NOT_VERIFIED, "verify the partner's registration first", label
                )
            )
    if problems:
        raise DomainErrors(problems)


async def create_agreement(ctx: Context, fields: dict[str, Any]) -> Agreement:
    require_agreement_editor(ctx.viewer)
    agreement = Agreement.build(**fields)
    await _check_references(ctx, fields)
    if agreement.parent_id is not None:
        agreement.check_parent(await scoped.get(ctx.viewer, Agreement, agreement.parent_id))
    return await agreement.record(ctx.viewer.actor)


async def update_agreement(
    ctx: Context, agreement_id: PydanticObjectId, changes: dict[str, Any], revision: int | None
) -> Agreement:
    agreement = await _require(ctx, agreement_id, "id")
    await _check_references(ctx, changes)
    if TERM_FIELDS & changes.keys():
        revised, _changed = agreement.revised(changes)
        if revised.parent_id is not None:
            revised.check_parent(await scoped.get(ctx.viewer, Agreement, revised.parent_id))
        children = await scoped.find(ctx.viewer, Agreement, {"parent_id": agreement.id})
        revised.check_term_covers(await children.to_list())
    return await agreement.edit(changes, ctx.viewer.actor, revision)


async def activate_agreement(
    ctx: Context, agreement_id: PydanticObjectId, revision: int | None
) -> Agreement:
    agreement = await _require(ctx, agreement_id, "agreementId")
    original = (
        await scoped.get(ctx.viewer, Agreement, agreement.predecessor_id)
        if agreement.predecessor_id
        else None
    )
    if original is None or not original.renewal_pending:
        return await agreement.activate(ctx.viewer.actor, revision)

    # The renewal comes into force and the original it extends ends, together.
    async def activate(session: AsyncClientSession) -> Agreement:
        activated = await agreement.activate(ctx.viewer.actor, revision, session)
        await original.renewal_activated(activated, ctx.viewer.actor, session)
        return activated

    return await in_transaction(ctx.database.client, activate)


async def terminate_agreement(
    ctx: Context,
    agreement_id: PydanticObjectId,
    reason: str,
    terminated_on: date | None,
    revision: int | None,
) -> Agreement:
    agreement = await _require(ctx, agreement_id, "agreementId")
    day = terminated_on or ctx.today()
    if day > ctx.today():
        raise DomainError(ErrorCode.INVALID, "terminatedOn cannot be in the future", "terminatedOn")
    return await agreement.terminate(reason, day, ctx.viewer.actor, revision)


async def expire_agreement(
    ctx: Context, agreement_id: PydanticObjectId, revision: int | None
) -> Agreement:
    agreement = await _require(ctx, agreement_id, "agreementId")
    return await agreement.expire(ctx.today(), ctx.viewer.actor, revision)


async def extend_agreement(
    ctx: Context,
    agreement_id: PydanticObjectId,
    successor_id: PydanticObjectId | None,
    successor_fields: dict[str, Any],
    revision: int | None,
) -> tuple[Agreement, Agreement]:
    """Link a renewal: an existing agreement, or a new DRAFT copied from the original."""
    original = await _require(ctx, agreement_id, "agreementId")
    ancestors = await _ancestors(ctx, original)
    if successor_id is not None:
        successor = await _require(ctx, successor_id, "successorId")
        original.check_can_extend(successor, ancestors)
    else:
        if "number" not in successor_fields:
            raise DomainError(
                ErrorCode.REQUIRED, "give successorId or the new agreement's number", "number"
            )
        base = original.model_dump(
            include={
                "title",
                "purpose",
                "scope",
                "field",
                "form",
                "cooperation_type",
                "partner_ids",
                "lead_org_unit_ids",
                "parent_id",
                "funding_source",
                "value",
                "visibility",
            }
        )
        successor = Agreement.build(**{**base, **successor_fields})
        original.check_can_extend(successor, ancestors)

    async def link(session: AsyncClientSession) -> tuple[Agreement, Agreement]:
        renewal = successor
        if renewal.id is None:
            renewal = await renewal.record(ctx.viewer.actor, session=session)
        return await original.link_successor(
            renewal, ancestors, ctx.viewer.actor, revision, session
        )

    return await in_transaction(ctx.database.client, link)


async def _ancestors(ctx: Context, agreement: Agreement) -> frozenset[PydanticObjectId]:
    """The agreements this one renews, following predecessor links (chains are short)."""
    seen: set[PydanticObjectId] = set()
    current = agreement.predecessor_id
    while current is not None and current not in seen:
        seen.add(current)
        earlier = await scoped.get(ctx.viewer, Agreement, current)
        current = earlier.predecessor_id if earlier else None
    return frozenset(seen)


async def amend_agreement(
    ctx: Context, agreement_id: PydanticObjectId, fields: dict[str, Any], revision: int | None
) -> Agreement:
    agreement = await _require(ctx, agreement_id, "agreementId")
    amendment = checked(Amendment, {**fields, "recorded_by": ctx.viewer.actor})
    if amendment.signed_on > ctx.today():
        raise DomainError(ErrorCode.INVALID, "signedOn cannot be in the future", "signedOn")
    return await agreement.amend(amendment, ctx.viewer.actor, revision)


DOCUMENTS = documents.Holder(
    operation="uploadAgreementDocument",
    record_key="agreement",
    holder=FileHolder.AGREEMENT,
    writable=_contributable,
    next_version=Agreement.next_document,
    document=Agreement.document,
    add=Agreement.add_document,
)


async def find_document(
    ctx: Context, file_id: PydanticObjectId
) -> tuple[Agreement, DocumentRef] | None:
    """The readable agreement document stored as this file, if any."""
    return await documents.find_held(ctx, Agreement, "documents", file_id)


async def is_file_referenced(file_id: PydanticObjectId) -> bool:
    return await Agreement.find({"documents.file_id": file_id}).count() > 0
