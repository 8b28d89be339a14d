"""Agreements (menu 1, the digital archive): types, filter, order and the list query."""

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from beanie import PydanticObjectId
from strawberry import relay

from models import Agreement, AgreementListing
from models.agreement import Amendment, ends_soon
from models.chronology import ChronologyEvent, Correction
from resolvers import agreements, evaluations
from resolvers.access import shown
from resolvers.dossier import DOSSIER_PATH
from resolvers.pagination import Page, PageRequest, SortKey
from schema.actor import Actor
from schema.context import Info
from schema.documents import DocumentFields
from schema.enums import (
    AgreementFormEnum,
    AgreementStatusEnum,
    ChronologyKindEnum,
    CooperationTypeEnum,
    VisibilityEnum,
)
from schema.errors import query
from schema.org_units import OrgUnitType
from schema.partners import PartnerType
from schema.relay import (
    Connection,
    RecordNode,
    SortDirection,
    optional_id,
    page_request,
    record_values,
)

if TYPE_CHECKING:
    from schema.evaluations import EvaluationType


@strawberry.type(description="The number a party gave the agreement in its own registry.")
class PartyNumber:
    party: str
    number: str


@strawberry.type(name="DocumentRef", description="A stored file of an agreement (a scan).")
class DocumentRefType(DocumentFields):
    download_url: str = strawberry.field(
        description="GET it (with the same credentials) to download; supports Range."
    )
    owner: strawberry.Private[Agreement]
    owner_type = Agreement
    owner_field = "documents"

    @strawberry.field(description="The earlier version this one replaces.")
    def supersedes(self) -> "DocumentRefType | None":
        if self.supersedes_id is None:
            return None
        return DocumentRefType.from_model(self.owner.document(self.supersedes_id), self.owner)


@strawberry.type(description="An addendum to a signed agreement.")
class AmendmentType:
    id: strawberry.ID
    number: str
    title: str
    description: str
    signed_on: date
    recorded_at: datetime
    recorded_by: Actor
    owner: strawberry.Private[Agreement]
    document_id: strawberry.Private[PydanticObjectId | None]

    @strawberry.field
    def document(self) -> DocumentRefType | None:
        if self.document_id is None:
            return None
        return DocumentRefType.from_model(self.owner.document(self.document_id), self.owner)

    @classmethod
    def from_model(cls, item: Amendment, owner: Agreement) -> "AmendmentType":
        return cls(
            id=strawberry.ID(str(item.id)),
            number=item.number,
            title=item.title,
            description=item.description,
            signed_on=item.signed_on,
            recorded_at=item.recorded_at,
            recorded_by=Actor.from_model(item.recorded_by),
            owner=owner,
            document_id=item.document_id,
        )


@strawberry.type(description="What an event says: as first recorded, or as a correction sets it.")
class ChronologyEventContent:
    title: str | None
    description: str | None
    occurred_at: datetime | None
    owner: strawberry.Private[Agreement]
    document_ids: strawberry.Private[list[PydanticObjectId] | None]

    @strawberry.field
    def documents(self) -> list[DocumentRefType] | None:
        if self.document_ids is None:
            return None
        return [
            DocumentRefType.from_model(self.owner.document(i), self.owner)
            for i in self.document_ids
        ]


@strawberry.type(
    name="ChronologyEvent",
    description="One step in an agreement's history, as it reads after its corrections.",
)
class ChronologyEventType:
    id: strawberry.ID
    kind: ChronologyKindEnum  # type: ignore[valid-type]
    title: str
    description: str
    occurred_at: datetime = strawberry.field(description="When it really happened.")
    recorded_at: datetime = strawberry.field(description="When it was entered here.")
    recorded_by: Actor
    hash: str = strawberry.field(description="SHA-256 over the event as recorded and prevHash.")
    prev_hash: str
    corrected: bool = strawberry.field(description="A CORRECTION changed what it says.")
    owner: strawberry.Private[Agreement]
    event: strawberry.Private[ChronologyEvent]
    document_ids: strawberry.Private[list[PydanticObjectId]]
    fixes: strawberry.Private[list[ChronologyEvent]]

    @strawberry.field
    def documents(self) -> list[DocumentRefType]:
        return [
            DocumentRefType.from_model(self.owner.document(i), self.owner)
            for i in self.document_ids
        ]

    @strawberry.field(
        description="The TKKSD's recommendation and notes on a review: internal to the city, "
        "empty for partners."
    )
    def internal_note(self, info: Info) -> str:
        return shown(info.context.viewer, self.event).internal_note

    @strawberry.field(description="The event this one corrects (for CORRECTION events).")
    def corrects(self) -> strawberry.ID | None:
        return strawberry.ID(str(self.event.corrects)) if self.event.corrects else None

    @strawberry.field(description="For a CORRECTION: the values it sets (null: unchanged).")
    def correction(self) -> ChronologyEventContent | None:
        return _content(self.event.correction, self.owner) if self.event.correction else None

    @strawberry.field(description="The CORRECTION events of this event, oldest first.")
    def corrected_by(self) -> list["ChronologyEventType"]:
        return [ChronologyEventType.from_model(f, self.owner) for f in self.fixes]

    @strawberry.field(description="What the event said when it was recorded.")
    def original(self) -> ChronologyEventContent:
        item = self.event
        return ChronologyEventContent(
            title=item.title,
            description=item.description,
            occurred_at=item.occurred_at,
            owner=self.owner,
            document_ids=item.document_ids,
        )

    @strawberry.field
    def agreement(self) -> "AgreementType":
        return AgreementType.from_model(self.owner)

    @classmethod
    def from_model(cls, item: ChronologyEvent, owner: Agreement) -> "ChronologyEventType":
        view = owner.event_views()[item.id]
        return cls(
            id=strawberry.ID(str(item.id)),
            kind=item.kind,
            title=view.title,
            description=view.description,
            occurred_at=view.occurred_at,
            recorded_at=item.recorded_at,
            recorded_by=Actor.from_model(item.recorded_by),
            hash=item.hash,
            prev_hash=item.prev_hash,
            corrected=bool(view.corrections),
            owner=owner,
            event=item,
            document_ids=view.document_ids,
            fixes=view.corrections,
        )


def _content(correction: Correction, owner: Agreement) -> ChronologyEventContent:
    return ChronologyEventContent(
        title=correction.title,
        description=correction.description,
        occurred_at=correction.occurred_at,
        owner=owner,
        document_ids=correction.document_ids,
    )


@strawberry.type(name="Agreement", description="A cooperation of the city (Kerja Sama Daerah).")
class AgreementType(RecordNode):
    """Shown from the agreement, or in a list from its listing row: a field the row does not
    hold loads the agreement then (through the loader, so one query for a page's nodes), and a
    list whose nodes ask only for what the row holds never reads its agreements."""

    id: relay.NodeID[str]
    number: str = strawberry.field(description="The city's registry number (unique).")
    title: str
    field: str = strawberry.field(description="Bidang, e.g. Pendidikan, Kesehatan.")
    form: AgreementFormEnum  # type: ignore[valid-type]
    cooperation_type: CooperationTypeEnum  # type: ignore[valid-type]
    status: AgreementStatusEnum  # type: ignore[valid-type]
    visibility: VisibilityEnum  # type: ignore[valid-type]
    signed_on: date | None
    starts_on: date | None
    ends_on: date | None
    value: Decimal | None = strawberry.field(description="In rupiah.")
    revision: int = strawberry.field(description="Send it back with an edit to detect conflicts.")
    created_at: datetime
    updated_at: datetime
    model: strawberry.Private[Agreement | AgreementListing]

    record_type = Agreement

    @classmethod
    def from_model(cls, a: Agreement | AgreementListing) -> "AgreementType":
        return cls(**record_values(cls, a, id=str(a.id)), model=a)

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> "AgreementType":
        """From a listing row as the engine sent it (the alerts and the evaluations due read
        theirs so): fields the row lacks load the agreement, as on a list."""
        return cls.from_model(AgreementListing.model_validate(row))

    async def _agreement(self, info: Info) -> Agreement:
        if isinstance(self.model, Agreement):
            return self.model
        assert self.model.id is not None
        return await agreements.listed_agreement(info.context, self.model.id)

    @strawberry.field
    async def party_numbers(self, info: Info) -> list[PartyNumber]:
        found = (await self._agreement(info)).party_numbers
        return [PartyNumber(party=p.party, number=p.number) for p in found]

    @strawberry.field
    async def purpose(self, info: Info) -> str:
        return (await self._agreement(info)).purpose

    @strawberry.field
    async def scope(self, info: Info) -> str:
        return (await self._agreement(info)).scope

    @strawberry.field
    async def funding_source(self, info: Info) -> str:
        return (await self._agreement(info)).funding_source

    @strawberry.field(description="Where the paper original is kept.")
    async def archive_location(self, info: Info) -> str:
        return (await self._agreement(info)).archive_location

    @strawberry.field
    async def termination_reason(self, info: Info) -> str:
        return (await self._agreement(info)).termination_reason

    @strawberry.field(description="ACTIVE and ending within the expiry window (default 90 days).")
    def is_expiring(self, info: Info) -> bool:
        ctx = info.context
        return ends_soon(
            self.model.status, self.model.ends_on, ctx.today(), ctx.settings.expiring_window_days
        )

    @strawberry.field
    async def partners(self, info: Info) -> list[PartnerType]:
        found = await info.context.loaders.partner.load_many(self.model.partner_ids)
        return [PartnerType.from_model(p) for p in found if p is not None]

    @strawberry.field
    async def lead_org_units(self, info: Info) -> list[OrgUnitType]:
        found = await info.context.loaders.org_unit.load_many(self.model.lead_org_unit_ids)
        return [OrgUnitType.from_model(u) for u in found if u is not None]

    async def _related(
        self, info: Info, related_id: PydanticObjectId | None
    ) -> "AgreementType | None":
        if related_id is None:
            return None
        found = await agreements.get_agreement(info.context, related_id)
        return AgreementType.from_model(found) if found else None

    @strawberry.field(description="The KSB this PKS implements.")
    async def parent(self, info: Info) -> "AgreementType | None":
        return await self._related(info, self.model.parent_id)

    @strawberry.field(description="The PKS agreements under this KSB.")
    async def children(self, info: Info) -> list["AgreementType"]:
        assert self.model.id is not None
        found = await agreements.get_children(info.context, self.model.id)
        return [AgreementType.from_model(c) for c in found]

    @strawberry.field(description="The agreement this one renews.")
    async def predecessor(self, info: Info) -> "AgreementType | None":
        return await self._related(info, (await self._agreement(info)).predecessor_id)

    @strawberry.field(description="The agreement that renews this one.")
    async def successor(self, info: Info) -> "AgreementType | None":
        return await self._related(info, (await self._agreement(info)).successor_id)

    @strawberry.field(
        description="GET it (with the same credentials) for the dossier: a ZIP of every "
        "document version, the amendments, the evaluations with evidence, the chronology as PDF "
        "and CSV with its hashes, and a sha256 manifest."
    )
    def dossier_url(self) -> str:
        return DOSSIER_PATH.format(agreement_id=self.model.id)

    @strawberry.field(
        description="The renewal linked to this agreement but not yet activated: until it is, "
        "this agreement stays in force; activating it makes this one EXTENDED."
    )
    async def pending_renewal(self, info: Info) -> "AgreementType | None":
        agreement = await self._agreement(info)
        if not agreement.renewal_pending:
            return None
        return await self._related(info, agreement.successor_id)

    @strawberry.field(description="Every version of every file; `isCurrent` marks the newest.")
    async def documents(self, info: Info) -> list[DocumentRefType]:
        agreement = await self._agreement(info)
        return [DocumentRefType.from_model(d, agreement) for d in agreement.documents]

    @strawberry.field
    async def amendments(self, info: Info) -> list[AmendmentType]:
        agreement = await self._agreement(info)
        return [AmendmentType.from_model(a, agreement) for a in agreement.amendments]

    @strawberry.field(
        description="Monitoring evaluations, newest period first (none for partners: internal)."
    )
    async def evaluations(
        self, info: Info
    ) -> list[Annotated["EvaluationType", strawberry.lazy("schema.evaluations")]]:
        from schema.evaluations import EvaluationType

        assert self.model.id is not None
        found = await evaluations.evaluations_of(info.context, self.model.id)
        return [EvaluationType.from_model(e) for e in found]

    @strawberry.field(description="The history, newest first (by when it happened).")
    async def chronology(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[ChronologyEventType]:
        agreement = await self._agreement(info)
        page = agreements.chronology_page(agreement, PageRequest(first=first, after=after))
        return Connection[ChronologyEventType].of(
            page, lambda e: ChronologyEventType.from_model(e, agreement)
        )


@strawberry.enum
class AgreementOrderField(Enum):
    NUMBER = "number"
    TITLE = "title_key"
    SIGNED_ON = "signed_on"
    ENDS_ON = "ends_on"
    UPDATED_AT = "updated_at"


@strawberry.input
class AgreementOrder:
    field: AgreementOrderField = AgreementOrderField.UPDATED_AT
    direction: SortDirection = SortDirection.DESC


@strawberry.input
class AgreementFilter:
    text: str | None = strawberry.field(
        default=None,
        description="Words in the title, purpose, scope or number (every word must match; "
        "3+ letters match word beginnings); title matches first unless orderBy is given.",
    )
    cooperation_type: list[CooperationTypeEnum] | None = None  # type: ignore[valid-type]
    form: list[AgreementFormEnum] | None = None  # type: ignore[valid-type]
    status: list[AgreementStatusEnum] | None = None  # type: ignore[valid-type]
    partner_id: strawberry.ID | None = None
    org_unit_id: strawberry.ID | None = strawberry.field(
        default=None, description="A lead department."
    )
    parent_id: strawberry.ID | None = None
    field: str | None = None
    signed_year: int | None = None
    ends_before: date | None = None
    ends_after: date | None = None
    expiring_within_days: int | None = strawberry.field(
        default=None, description="ACTIVE and ending between today and today + N days."
    )
    text_includes_documents: bool = strawberry.field(
        default=False,
        description="`text` may also match a page of one of the agreement's documents "
        "(the text read from its scans).",
    )

    def to_resolver(self) -> agreements.AgreementFilter:
        ids = {
            "partner_id": optional_id(self.partner_id, "Partner", "partnerId"),
            "org_unit_id": optional_id(self.org_unit_id, "OrgUnit", "orgUnitId"),
            "parent_id": optional_id(self.parent_id, "Agreement", "parentId"),
        }
        return agreements.AgreementFilter(**{**vars(self), **ids})


@strawberry.type
class AgreementQueries:
    @strawberry.field(description="The archive, filtered and ordered; newest change first.")
    async def agreements(
        self,
        info: Info,
        filter: AgreementFilter | None = None,
        order_by: AgreementOrder | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[AgreementType]:
        order = order_by or AgreementOrder()
        key = SortKey(order.field.value, order.direction == SortDirection.DESC)

        async def run() -> Page[Agreement]:
            flt = filter.to_resolver() if filter else None
            request = page_request(first, after, last, before)
            return await agreements.list_agreements(
                info.context, flt, key, request, default_order=order_by is None
            )

        return Connection[AgreementType].of(await query(run()), AgreementType.from_model)
