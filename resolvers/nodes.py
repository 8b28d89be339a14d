"""Single records by id for `node(id:)`, through the request's loaders."""

from beanie import PydanticObjectId

from models import OrgUnit, Partner
from resolvers.context import Context


async def get_partner(ctx: Context, partner_id: PydanticObjectId) -> Partner | None:
    return await ctx.loaders.partner.load(partner_id)


async def get_org_unit(ctx: Context, org_unit_id: PydanticObjectId) -> OrgUnit | None:
    return await ctx.loaders.org_unit.load(org_unit_id)
