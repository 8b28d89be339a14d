"""`node(id:)` and `nodes(ids:)`: any object by its global id, under the viewer's rules."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import strawberry
from beanie import PydanticObjectId
from strawberry import relay

from models import FaqEntry, Procedure, Template
from models.errors import DomainError, ErrorCode
from resolvers import agreements, evaluations, org_units, partners, proposals, public, users
from schema.agreements import AgreementType, DocumentRefType
from schema.context import Info
from schema.errors import query
from schema.evaluations import EvaluationType
from schema.identity import UserType
from schema.org_units import OrgUnitType
from schema.partners import PartnerType
from schema.proposals import ProposalAttachmentType, ProposalType
from schema.public import FaqEntryType, ProcedureType, PublicAgreement, TemplateType
from schema.relay import parse_global_id

MAX_NODES = 100


async def _agreement(info: Info, raw: PydanticObjectId) -> Any:
    found = await agreements.get_agreement(info.context, raw)
    return AgreementType.from_model(found) if found else None


async def _partner(info: Info, raw: PydanticObjectId) -> Any:
    found = await partners.get_partner(info.context, raw)
    return PartnerType.from_model(found) if found else None


async def _org_unit(info: Info, raw: PydanticObjectId) -> Any:
    found = await org_units.get_org_unit(info.context, raw)
    return OrgUnitType.from_model(found) if found else None


async def _document(info: Info, raw: PydanticObjectId) -> Any:
    found = await agreements.find_document_by_id(info.context, raw)
    return DocumentRefType.from_model(*found) if found else None


async def _user(info: Info, raw: PydanticObjectId) -> Any:
    found = await users.get_user(info.context, raw)
    return UserType.from_model(found) if found else None


async def _public_agreement(info: Info, raw: PydanticObjectId) -> Any:
    found = await public.get_public_agreement(info.context, raw)
    return PublicAgreement.from_model(found) if found else None


async def _procedure(info: Info, raw: PydanticObjectId) -> Any:
    found = await public.get_item(info.context, Procedure, raw)
    return ProcedureType.from_model(found) if found else None


async def _faq_entry(info: Info, raw: PydanticObjectId) -> Any:
    found = await public.get_item(info.context, FaqEntry, raw)
    return FaqEntryType.from_model(found) if found else None


async def _template(info: Info, raw: PydanticObjectId) -> Any:
    found = await public.get_item(info.context, Template, raw)
    return TemplateType.from_model(found) if found else None


async def _proposal(info: Info, raw: PydanticObjectId) -> Any:
    found = await proposals.get_proposal(info.context, raw)
    return ProposalType.from_model(found) if found else None


async def _proposal_attachment(info: Info, raw: PydanticObjectId) -> Any:
    found = await proposals.find_attachment_by_id(info.context, raw)
    return ProposalAttachmentType.from_model(*found) if found else None


async def _evaluation(info: Info, raw: PydanticObjectId) -> Any:
    found = await evaluations.get_evaluation(info.context, raw)
    return EvaluationType.from_model(found) if found else None


RESOLVERS: dict[str, Callable[[Info, PydanticObjectId], Awaitable[Any]]] = {
    "Agreement": _agreement,
    "Partner": _partner,
    "OrgUnit": _org_unit,
    "DocumentRef": _document,
    "User": _user,
    "Proposal": _proposal,
    "ProposalAttachment": _proposal_attachment,
    "PublicAgreement": _public_agreement,
    "Procedure": _procedure,
    "FaqEntry": _faq_entry,
    "Template": _template,
    "Evaluation": _evaluation,
}


async def _resolve(info: Info, value: strawberry.ID, field: str) -> Any:
    type_name, raw = parse_global_id(str(value), field=field)
    resolver = RESOLVERS.get(type_name)
    return await resolver(info, raw) if resolver else None


@strawberry.type
class NodeQueries:
    @strawberry.field(description="Any object by its global id; null if not found or not yours.")
    async def node(self, info: Info, id: strawberry.ID) -> relay.Node | None:
        return await query(_resolve(info, id, "id"))

    @strawberry.field(description="Several objects by global id, in the order asked (≤ 100).")
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[relay.Node | None]:
        async def run() -> list[Any]:
            if len(ids) > MAX_NODES:
                raise DomainError(
                    ErrorCode.PAGE_SIZE_EXCEEDED,
                    "ask for at most %(most)s ids",
                    "ids",
                    most=MAX_NODES,
                )
            return list(await asyncio.gather(*(_resolve(info, i, "ids") for i in ids)))

        return await query(run())
