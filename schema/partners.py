"""Partners (mitra): type, list and mutations."""

from datetime import datetime
from enum import Enum

import strawberry
from strawberry import relay

from models import Partner
from resolvers import partners
from resolvers.access import shown
from resolvers.pagination import SortKey
from schema.audit import audited_mutation
from schema.context import Info
from schema.enums import PartnerKindEnum, PartnerStatusEnum
from schema.errors import UserError, query
from schema.inputs import provided
from schema.relay import Connection, RecordNode, SortDirection, decode_id, page_request


@strawberry.type
class Contact:
    name: str
    position: str
    email: str | None
    phone: str


@strawberry.type(description="An official number of the partner (NPWP, NIB, …).")
class Identifier:
    scheme: str
    value: str


@strawberry.type(name="Partner", description="A party the city cooperates with (mitra).")
class PartnerType(RecordNode):
    id: relay.NodeID[str]
    name: str
    kind: PartnerKindEnum  # type: ignore[valid-type]
    country: str
    province: str
    city: str
    identifiers: list[Identifier]
    registration_status: PartnerStatusEnum  # type: ignore[valid-type]
    rejection_reason: str = strawberry.field(description="Why its registration was rejected.")
    revision: int
    created_at: datetime
    updated_at: datetime
    model: strawberry.Private[Partner]

    # Sensitive fields (see models/partner.py) are read through `shown` only.
    @strawberry.field(description="Empty unless you are the city's staff or this partner.")
    def address(self, info: Info) -> str:
        return shown(info.context.viewer, self.model).address

    @strawberry.field(description="Empty unless you are the city's staff or this partner.")
    def contacts(self, info: Info) -> list[Contact]:
        return [Contact(**c.model_dump()) for c in shown(info.context.viewer, self.model).contacts]

    record_type = Partner

    @classmethod
    def from_model(cls, partner: Partner) -> "PartnerType":
        return cls(
            id=str(partner.id),
            name=partner.name,
            kind=partner.kind,
            country=partner.country,
            province=partner.province,
            city=partner.city,
            identifiers=[Identifier(**i.model_dump()) for i in partner.identifiers],
            registration_status=partner.registration_status,
            rejection_reason=partner.rejection_reason,
            revision=partner.revision,
            created_at=partner.created_at,
            updated_at=partner.updated_at,
            model=partner,
        )


@strawberry.enum
class PartnerOrderField(Enum):
    NAME = "name_key"
    UPDATED_AT = "updated_at"


@strawberry.input
class PartnerOrder:
    field: PartnerOrderField = PartnerOrderField.NAME
    direction: SortDirection = SortDirection.ASC


@strawberry.input
class PartnerFilter:
    text: str | None = strawberry.field(default=None, description="Part of the name.")
    kind: list[PartnerKindEnum] | None = None  # type: ignore[valid-type]
    country: str | None = None
    registration_status: list[PartnerStatusEnum] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="e.g. [UNVERIFIED]: registrations waiting for a decision."
    )


@strawberry.input
class ContactInput:
    name: str
    position: str = ""
    email: str | None = None
    phone: str = ""


@strawberry.input
class IdentifierInput:
    scheme: str
    value: str


@strawberry.input
class CreatePartnerInput:
    name: str
    kind: PartnerKindEnum  # type: ignore[valid-type]
    country: str = "Indonesia"
    province: str = ""
    city: str = ""
    address: str = ""
    contacts: list[ContactInput] = strawberry.field(default_factory=list)
    identifiers: list[IdentifierInput] = strawberry.field(default_factory=list)


@strawberry.input
class UpdatePartnerInput:
    id: strawberry.ID
    revision: int | None = strawberry.field(
        default=None, description="The revision you edited; a stale one is refused."
    )
    name: str | None = strawberry.UNSET
    kind: PartnerKindEnum | None = strawberry.UNSET  # type: ignore[valid-type]
    country: str | None = strawberry.UNSET
    province: str | None = strawberry.UNSET
    city: str | None = strawberry.UNSET
    address: str | None = strawberry.UNSET
    contacts: list[ContactInput] | None = strawberry.UNSET
    identifiers: list[IdentifierInput] | None = strawberry.UNSET


@strawberry.type
class PartnerPayload:
    partner: PartnerType | None
    errors: list[UserError]


def _payload(partner: Partner | None, errors: list[UserError]) -> PartnerPayload:
    return PartnerPayload(
        partner=PartnerType.from_model(partner) if partner else None, errors=errors
    )


@strawberry.type
class PartnerQueries:
    @strawberry.field(description="Partners, by name unless ordered otherwise.")
    async def partners(
        self,
        info: Info,
        filter: PartnerFilter | None = None,
        order_by: PartnerOrder | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[PartnerType]:
        order = order_by or PartnerOrder()
        key = SortKey(order.field.value, order.direction == SortDirection.DESC)
        flt = partners.PartnerFilter(**vars(filter)) if filter else None
        page = await query(
            partners.list_partners(info.context, flt, key, page_request(first, after, last, before))
        )
        return Connection[PartnerType].of(page, PartnerType.from_model)


@strawberry.type
class PartnerMutations:
    @audited_mutation
    async def create_partner(self, info: Info, input: CreatePartnerInput) -> PartnerPayload:
        return _payload(await partners.create_partner(info.context, provided(input)), [])

    @audited_mutation
    async def update_partner(self, info: Info, input: UpdatePartnerInput) -> PartnerPayload:
        partner_id = decode_id(input.id, "Partner", "id")
        changes = provided(input, skip=frozenset({"id", "revision"}))
        result = await partners.update_partner(info.context, partner_id, changes, input.revision)
        return _payload(result, [])
