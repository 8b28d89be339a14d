"""Use cases for the city's departments (Perangkat Daerah)."""

import re
from dataclasses import dataclass
from typing import Any

from beanie import PydanticObjectId

from models import OrgUnit
from models.errors import DomainError, ErrorCode
from resolvers import scoped
from resolvers.access import require_admin
from resolvers.context import Context
from resolvers.pagination import Page, PageRequest, SortKey, combine, paginate


@dataclass
class OrgUnitFilter:
    text: str | None = None
    active: bool | None = None


def org_unit_query(flt: OrgUnitFilter | None) -> dict[str, Any]:
    query: dict[str, Any] = {}
    if flt is None:
        return query
    if flt.text and flt.text.strip():
        query["name_key"] = {"$regex": re.escape(flt.text.strip().casefold())}
    if flt.active is not None:
        query["active"] = flt.active
    return query


async def list_org_units(
    ctx: Context, flt: OrgUnitFilter | None, key: SortKey, request: PageRequest
) -> Page[OrgUnit]:
    return await paginate(
        OrgUnit,
        combine(await scoped.readable(ctx.viewer, OrgUnit), org_unit_query(flt)),
        key,
        request,
        default_size=ctx.settings.default_page_size,
        max_size=ctx.settings.max_page_size,
    )


async def create_org_unit(ctx: Context, fields: dict[str, Any]) -> OrgUnit:
    require_admin(ctx.viewer)
    return await OrgUnit.build(**fields).create_checked()


async def update_org_unit(
    ctx: Context, org_unit_id: PydanticObjectId, changes: dict[str, Any], revision: int | None
) -> OrgUnit:
    require_admin(ctx.viewer)
    unit = await scoped.get(ctx.viewer, OrgUnit, org_unit_id)
    if unit is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no such department", "id")
    return await unit.update_fields(changes, expected_revision=revision)
