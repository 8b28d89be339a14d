"""Mutations of the digital archive: record, edit, move through the life cycle, attach files."""

from datetime import date
from decimal import Decimal

import strawberry
from strawberry.file_uploads import Upload

from models import Agreement
from resolvers import agreements
from schema.agreements import AgreementType, DocumentRefType
from schema.audit import audited_mutation
from schema.context import Info
from schema.documents import upload_document
from schema.enums import (
    AgreementFormEnum,
    CooperationTypeEnum,
    DocumentTypeEnum,
    VisibilityEnum,
)
from schema.errors import UserError
from schema.inputs import IDEMPOTENCY_HELP, provided, with_ids
from schema.relay import decode_id, optional_id

# Global-id inputs and the model fields they fill.
AGREEMENT_REFERENCES = {
    "partner_ids": ("Partner", "partner_ids"),
    "lead_org_unit_ids": ("OrgUnit", "lead_org_unit_ids"),
    "parent_id": ("Agreement", "parent_id"),
}
REVISION_HELP = "The revision you read; if the agreement changed since, you get CONFLICT."


@strawberry.input
class PartyNumberInput:
    party: str
    number: str


@strawberry.input
class CreateAgreementInput:
    number: str
    title: str
    form: AgreementFormEnum  # type: ignore[valid-type]
    cooperation_type: CooperationTypeEnum  # type: ignore[valid-type]
    partner_ids: list[strawberry.ID]
    lead_org_unit_ids: list[strawberry.ID]
    purpose: str = ""
    scope: str = ""
    field: str = ""
    parent_id: strawberry.ID | None = None
    signed_on: date | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    visibility: VisibilityEnum = VisibilityEnum.INTERNAL  # type: ignore[valid-type]
    funding_source: str = ""
    value: Decimal | None = None
    archive_location: str = ""
    party_numbers: list[PartyNumberInput] = strawberry.field(default_factory=list)


@strawberry.input
class UpdateAgreementInput:
    id: strawberry.ID
    revision: int | None = strawberry.field(default=None, description=REVISION_HELP)
    number: str | None = strawberry.UNSET
    title: str | None = strawberry.UNSET
    purpose: str | None = strawberry.UNSET
    scope: str | None = strawberry.UNSET
    field: str | None = strawberry.UNSET
    cooperation_type: CooperationTypeEnum | None = strawberry.UNSET  # type: ignore[valid-type]
    partner_ids: list[strawberry.ID] | None = strawberry.UNSET
    lead_org_unit_ids: list[strawberry.ID] | None = strawberry.UNSET
    signed_on: date | None = strawberry.UNSET
    starts_on: date | None = strawberry.UNSET
    ends_on: date | None = strawberry.UNSET
    visibility: VisibilityEnum | None = strawberry.UNSET  # type: ignore[valid-type]
    funding_source: str | None = strawberry.UNSET
    value: Decimal | None = strawberry.UNSET
    archive_location: str | None = strawberry.UNSET
    party_numbers: list[PartyNumberInput] | None = strawberry.UNSET


@strawberry.input
class ActivateAgreementInput:
    agreement_id: strawberry.ID
    revision: int | None = strawberry.field(default=None, description=REVISION_HELP)


@strawberry.input
class ExpireAgreementInput:
    agreement_id: strawberry.ID
    revision: int | None = strawberry.field(default=None, description=REVISION_HELP)


@strawberry.input
class TerminateAgreementInput:
    agreement_id: strawberry.ID
    reason: str
    terminated_on: date | None = strawberry.field(default=None, description="Default: today.")
    revision: int | None = strawberry.field(default=None, description=REVISION_HELP)


@strawberry.input(
    description="Link a renewal: name an existing agreement in successorId, or give at least "
    "the new number to create a DRAFT copied from the original."
)
class ExtendAgreementInput:
    agreement_id: strawberry.ID
    successor_id: strawberry.ID | None = None
    number: str | None = strawberry.UNSET
    title: str | None = strawberry.UNSET
    signed_on: date | None = strawberry.UNSET
    starts_on: date | None = strawberry.UNSET
    ends_on: date | None = strawberry.UNSET
    revision: int | None = strawberry.field(default=None, description=REVISION_HELP)


@strawberry.input
class AddAgreementAmendmentInput:
    agreement_id: strawberry.ID
    number: str
    title: str
    signed_on: date
    description: str = ""
    document_id: strawberry.ID | None = strawberry.field(
        default=None, description="An ADDENDUM document already uploaded to this agreement."
    )
    revision: int | None = strawberry.field(default=None, description=REVISION_HELP)


@strawberry.input
class UploadAgreementDocumentInput:
    agreement_id: strawberry.ID
    type: DocumentTypeEnum  # type: ignore[valid-type]
    title: str
    file: Upload
    supersedes_id: strawberry.ID | None = strawberry.field(
        default=None, description="The document this is a new version of."
    )
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY_HELP)


@strawberry.type
class AgreementPayload:
    agreement: AgreementType | None
    errors: list[UserError]


@strawberry.type
class ExtendAgreementPayload:
    agreement: AgreementType | None = strawberry.field(description="The original, now EXTENDED.")
    successor: AgreementType | None
    errors: list[UserError]


@strawberry.type
class UploadAgreementDocumentPayload:
    document: DocumentRefType | None
    agreement: AgreementType | None
    errors: list[UserError]


def _payload(agreement: Agreement | None, errors: list[UserError]) -> AgreementPayload:
    return AgreementPayload(
        agreement=AgreementType.from_model(agreement) if agreement else None, errors=errors
    )


@strawberry.type
class AgreementMutations:
    @audited_mutation(description="Record an agreement (status DRAFT).")
    async def create_agreement(self, info: Info, input: CreateAgreementInput) -> AgreementPayload:
        fields = with_ids(provided(input), AGREEMENT_REFERENCES)
        result = await agreements.create_agreement(info.context, fields)
        return _payload(result, [])

    @audited_mutation(description="Change an agreement's data; the chronology records it.")
    async def update_agreement(self, info: Info, input: UpdateAgreementInput) -> AgreementPayload:
        agreement_id = decode_id(input.id, "Agreement", "id")
        changes = provided(input, skip=frozenset({"id", "revision"}))
        changes = with_ids(changes, AGREEMENT_REFERENCES)
        result = await agreements.update_agreement(
            info.context, agreement_id, changes, input.revision
        )
        return _payload(result, [])

    @audited_mutation(description="DRAFT → ACTIVE; needs the signed scan and signedOn.")
    async def activate_agreement(
        self, info: Info, input: ActivateAgreementInput
    ) -> AgreementPayload:
        agreement_id = decode_id(input.agreement_id, "Agreement", "agreementId")
        result = await agreements.activate_agreement(info.context, agreement_id, input.revision)
        return _payload(result, [])

    @audited_mutation(description="ACTIVE → EXPIRED, once the end date has passed.")
    async def expire_agreement(self, info: Info, input: ExpireAgreementInput) -> AgreementPayload:
        agreement_id = decode_id(input.agreement_id, "Agreement", "agreementId")
        result = await agreements.expire_agreement(info.context, agreement_id, input.revision)
        return _payload(result, [])

    @audited_mutation(description="ACTIVE → TERMINATED early; a reason is required.")
    async def terminate_agreement(
        self, info: Info, input: TerminateAgreementInput
    ) -> AgreementPayload:
        agreement_id = decode_id(input.agreement_id, "Agreement", "agreementId")
        result = await agreements.terminate_agreement(
            info.context, agreement_id, input.reason, input.terminated_on, input.revision
        )
        return _payload(result, [])

    @audited_mutation(description="ACTIVE/EXPIRED → EXTENDED, linked to its renewal.")
    async def extend_agreement(
        self, info: Info, input: ExtendAgreementInput
    ) -> ExtendAgreementPayload:
        agreement_id = decode_id(input.agreement_id, "Agreement", "agreementId")
        successor_id = optional_id(input.successor_id, "Agreement", "successorId")
        fields = provided(input, skip=frozenset({"agreement_id", "successor_id", "revision"}))
        result = await agreements.extend_agreement(
            info.context, agreement_id, successor_id, fields, input.revision
        )
        original, successor = result
        return ExtendAgreementPayload(
            agreement=AgreementType.from_model(original) if original else None,
            successor=AgreementType.from_model(successor) if successor else None,
            errors=[],
        )

    @audited_mutation(description="Record an addendum of an ACTIVE agreement.")
    async def add_agreement_amendment(
        self, info: Info, input: AddAgreementAmendmentInput
    ) -> AgreementPayload:
        agreement_id = decode_id(input.agreement_id, "Agreement", "agreementId")
        fields = provided(input, skip=frozenset({"agreement_id", "revision", "document_id"}))
        if input.document_id is not None:
            fields["document_id"] = decode_id(input.document_id, "DocumentRef", "documentId")
        result = await agreements.amend_agreement(
            info.context, agreement_id, fields, input.revision
        )
        return _payload(result, [])

    @audited_mutation(
        description="Store a scan (multipart request; send the Apollo-Require-Preflight header)."
    )
    async def upload_agreement_document(
        self, info: Info, input: UploadAgreementDocumentInput
    ) -> UploadAgreementDocumentPayload:
        agreement_id = decode_id(input.agreement_id, "Agreement", "agreementId")
        doc, agreement = await upload_document(
            info, agreements.DOCUMENTS, agreement_id, input, "DocumentRef"
        )
        return UploadAgreementDocumentPayload(
            document=DocumentRefType.from_model(doc, agreement),
            agreement=AgreementType.from_model(agreement),
            errors=[],
        )
