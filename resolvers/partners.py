"""Use cases for partners (mitra)."""

import re
from dataclasses import dataclass
from typing import Any

from beanie import PydanticObjectId

from models import Partner
from models.enums import PartnerKind, PartnerStatus
from models.errors import DomainError, ErrorCode
from resolvers import scoped
from resolvers.access import require_admin
from resolvers.context import Context
from resolvers.pagination import Page, PageRequest, SortKey, combine, paginate


@dataclass
class PartnerFilter:
    text: str | None = None
    kind: list[PartnerKind] | None = None
    country: str | None = None
    registration_status: list[PartnerStatus] | None = None


def partner_query(flt: PartnerFilter | None) -> dict[str, Any]:
    query: dict[str, Any] = {}
    if flt is None:
        return query
    if flt.text and flt.text.strip():
        query["name_key"] = {"$regex": re.escape(flt.text.strip().casefold())}
    if flt.kind:
        query["kind"] = {"$in": [k.value for k in flt.kind]}
    if flt.country:
        query["country"] = flt.country
    if flt.registration_status:
        wanted: list[str | None] = [s.value for s in flt.registration_status]
        if PartnerStatus.VERIFIED in flt.registration_status:
            wanted.append(None)  # recorded before registration existed: verified by an ADMIN
        query["registration_status"] = {"$in": wanted}
    return query


async def list_partners(
    ctx: Context, flt: PartnerFilter | None, key: SortKey, request: PageRequest
) -> Page[Partner]:
    return await paginate(
        Partner,
        combine(await scoped.readable(ctx.viewer, Partner), partner_query(flt)),
        key,
        request,
        default_size=ctx.settings.default_page_size,
        max_size=ctx.settings.max_page_size,
    )


async def create_partner(ctx: Context, fields: dict[str, Any]) -> Partner:
    require_admin(ctx.viewer)
    return await Partner.build(**fields).create_checked()


async def update_partner(
    ctx: Context, partner_id: PydanticObjectId, changes: dict[str, Any], revision: int | None
) -> Partner:
    require_admin(ctx.viewer)
    partner = await require_partner(ctx, partner_id)
    return await partner.update_fields(changes, expected_revision=revision)


async def require_partner(ctx: Context, partner_id: PydanticObjectId) -> Partner:
    partner = await scoped.get(ctx.viewer, Partner, partner_id)
    if partner is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no such partner", "id")
    return partner


async def get_partner(ctx: Context, partner_id: PydanticObjectId) -> Partner | None:
    return await ctx.loaders.readable_partner.load(partner_id)
