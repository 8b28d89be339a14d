"""Departments (Perangkat Daerah): type, list and mutations."""

from datetime import datetime
from enum import Enum

import strawberry
from strawberry import relay

from models import OrgUnit
from resolvers import org_units
from resolvers.pagination import SortKey
from schema.audit import audited_mutation
from schema.context import Info
from schema.errors import UserError, query
from schema.inputs import provided
from schema.relay import Connection, RecordNode, SortDirection, decode_id, page_request


@strawberry.type(name="OrgUnit", description="A city department (Perangkat Daerah).")
class OrgUnitType(RecordNode):
    id: relay.NodeID[str]
    code: str
    name: str
    short_name: str
    active: bool
    revision: int
    created_at: datetime
    updated_at: datetime

    record_type = OrgUnit

    @classmethod
    def from_model(cls, unit: OrgUnit) -> "OrgUnitType":
        return cls(
            id=str(unit.id),
            code=unit.code,
            name=unit.name,
            short_name=unit.short_name,
            active=unit.active,
            revision=unit.revision,
            created_at=unit.created_at,
            updated_at=unit.updated_at,
        )


@strawberry.enum
class OrgUnitOrderField(Enum):
    NAME = "name_key"
    CODE = "code"


@strawberry.input
class OrgUnitOrder:
    field: OrgUnitOrderField = OrgUnitOrderField.NAME
    direction: SortDirection = SortDirection.ASC


@strawberry.input
class OrgUnitFilter:
    text: str | None = strawberry.field(default=None, description="Part of the name.")
    active: bool | None = None


@strawberry.input
class CreateOrgUnitInput:
    code: str
    name: str
    short_name: str = ""
    active: bool = True


@strawberry.input
class UpdateOrgUnitInput:
    id: strawberry.ID
    revision: int | None = strawberry.field(
        default=None, description="The revision you edited; a stale one is refused."
    )
    code: str | None = strawberry.UNSET
    name: str | None = strawberry.UNSET
    short_name: str | None = strawberry.UNSET
    active: bool | None = strawberry.UNSET


@strawberry.type
class OrgUnitPayload:
    org_unit: OrgUnitType | None
    errors: list[UserError]


def _payload(unit: OrgUnit | None, errors: list[UserError]) -> OrgUnitPayload:
    return OrgUnitPayload(org_unit=OrgUnitType.from_model(unit) if unit else None, errors=errors)


@strawberry.type
class OrgUnitQueries:
    @strawberry.field(description="Departments, by name unless ordered otherwise.")
    async def org_units(
        self,
        info: Info,
        filter: OrgUnitFilter | None = None,
        order_by: OrgUnitOrder | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[OrgUnitType]:
        order = order_by or OrgUnitOrder()
        key = SortKey(order.field.value, order.direction == SortDirection.DESC)
        flt = org_units.OrgUnitFilter(**vars(filter)) if filter else None
        page = await query(
            org_units.list_org_units(
                info.context, flt, key, page_request(first, after, last, before)
            )
        )
        return Connection[OrgUnitType].of(page, OrgUnitType.from_model)


@strawberry.type
class OrgUnitMutations:
    @audited_mutation
    async def create_org_unit(self, info: Info, input: CreateOrgUnitInput) -> OrgUnitPayload:
        return _payload(await org_units.create_org_unit(info.context, provided(input)), [])

    @audited_mutation
    async def update_org_unit(self, info: Info, input: UpdateOrgUnitInput) -> OrgUnitPayload:
        unit_id = decode_id(input.id, "OrgUnit", "id")
        changes = provided(input, skip=frozenset({"id", "revision"}))
        result = await org_units.update_org_unit(info.context, unit_id, changes, input.revision)
        return _payload(result, [])
