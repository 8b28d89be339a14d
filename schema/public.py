"""Public information (menu 5): procedures, FAQ, templates, the public catalogue of agreements
and its statistics. Every query here works without signing in.

`PublicAgreement` is its own type with only the public fields, so no internal field of an
agreement can reach an anonymous client through it, whatever the query asks.
"""

from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime
from enum import Enum
from typing import cast

import strawberry
from beanie import PydanticObjectId
from starlette.datastructures import UploadFile
from strawberry import relay
from strawberry.file_uploads import Upload

from models import Agreement, AgreementListing, FaqEntry, Procedure, Template
from models.documents import StoredFile
from models.public_content import (
    FaqContent,
    FaqVersion,
    ProcedureContent,
    ProcedureVersion,
    RequiredDocument,
    TemplateContent,
    TemplateVersion,
    VersionedRecord,
    VersionMeta,
)
from resolvers import agreements, public
from resolvers.context import Context
from resolvers.pagination import Page, PageRequest, SortKey
from resolvers.scoped import Use
from schema.actor import Actor
from schema.audit import audited_mutation
from schema.context import Info
from schema.enums import (
    AgreementFormEnum,
    AgreementStatusEnum,
    CooperationTypeEnum,
    DocumentTypeEnum,
    PartnerKindEnum,
)
from schema.errors import UserError, query
from schema.inputs import IDEMPOTENCY_HELP, provided
from schema.relay import (
    Connection,
    RecordNode,
    SortDirection,
    decode_id,
    optional_id,
    page_request,
    record_values,
)
from schema.stored_files import DOWNLOAD_PATH, safe_filename

NOTE_HELP = "Why it changed; kept with the version."
REVISION_HELP = "The revision you read; if it changed since, you get CONFLICT."


# --- procedures --------------------------------------------------------------------------------


@strawberry.type(description="One step of proposing a cooperation.")
class ProcedureStep:
    title: str
    description: str
    actor: str = strawberry.field(description="Who acts, e.g. Pemohon, Bagian Kerja Sama.")
    duration: str


@strawberry.type(name="RequiredDocument", description="A document a proposal must bring.")
class RequiredDocumentType:
    title: str
    description: str
    required: bool
    document_type: DocumentTypeEnum | None  # type: ignore[valid-type]

    @classmethod
    def from_model(cls, doc: RequiredDocument) -> "RequiredDocumentType":
        return cls(
            title=doc.title,
            description=doc.description,
            required=doc.required,
            document_type=doc.document_type,
        )


@strawberry.type(description="What every version of a procedure has.")
class ProcedureContentFields:
    title: str
    summary: str
    steps: list[ProcedureStep]
    required_documents: list[RequiredDocumentType]
    legal_basis: str = strawberry.field(description="The regulations it follows.")
    estimated_duration: str


def _procedure_content(content: ProcedureContent) -> dict[str, object]:
    return {
        "title": content.title,
        "summary": content.summary,
        "steps": [
            ProcedureStep(
                title=s.title, description=s.description, actor=s.actor, duration=s.duration
            )
            for s in content.steps
        ],
        "required_documents": [
            RequiredDocumentType.from_model(d) for d in content.required_documents
        ],
        "legal_basis": content.legal_basis,
        "estimated_duration": content.estimated_duration,
    }


def _current(item: VersionedRecord) -> dict[str, object]:
    """What the current state of every versioned item shows besides its content."""
    return {
        "id": str(item.id),
        "version": item.version,
        "updated_at": item.updated_at,
        "revision": item.revision,
        "model": item,
    }


def _meta(version: VersionMeta) -> dict[str, object]:
    return {
        "version": version.version,
        "edited_at": version.edited_at,
        "edited_by": Actor.from_model(version.edited_by),
        "note": version.note,
    }


@strawberry.type(description="A version of public content as it was saved (ADMIN).")
class VersionInfo:
    version: int
    edited_at: datetime
    edited_by: Actor
    note: str


# The fields every current FAQ entry and template shows after its content. `Procedure` declares
# its own, to keep its `cooperationType` where the published schema has it.
@strawberry.type
class CurrentVersion(RecordNode):
    id: relay.NodeID[str]
    version: int
    updated_at: datetime
    revision: int


@strawberry.type(name="ProcedureVersion")
class ProcedureVersionType(ProcedureContentFields, VersionInfo):
    @classmethod
    def from_model(cls, version: ProcedureVersion) -> "ProcedureVersionType":
        return cls(**_procedure_content(version), **_meta(version))  # type: ignore[arg-type]


@strawberry.type(
    name="Procedure",
    description="How to propose a cooperation of one type: steps and required documents.",
)
class ProcedureType(ProcedureContentFields, RecordNode):
    id: relay.NodeID[str]
    cooperation_type: CooperationTypeEnum  # type: ignore[valid-type]
    version: int
    updated_at: datetime
    revision: int
    model: strawberry.Private[Procedure]

    record_type = Procedure

    @classmethod
    def from_model(cls, item: Procedure) -> "ProcedureType":
        return cls(
            cooperation_type=item.cooperation_type,
            **_current(item),  # type: ignore[arg-type]
            **_procedure_content(item),  # type: ignore[arg-type]
        )

    @strawberry.field(description="Every version, newest first (ADMIN).")
    async def history(self, info: Info) -> list[ProcedureVersionType]:
        return await _history(info, self.model.versions, ProcedureVersionType.from_model)


async def _history[V: VersionMeta, T](
    info: Info, versions: Sequence[V], convert: Callable[[V], T]
) -> list[T]:
    async def run() -> list[V]:
        return public.history(info.context, versions)

    return [convert(v) for v in await query(run())]


# --- FAQ ---------------------------------------------------------------------------------------


@strawberry.type
class FaqContentFields:
    question: str
    answer: str
    category: str
    position: int = strawberry.field(description="Entries are listed by position.")
    published: bool


def _faq_content(content: FaqContent) -> dict[str, object]:
    return {field: getattr(content, field) for field in FaqContent.model_fields}


@strawberry.type(name="FaqVersion")
class FaqVersionType(FaqContentFields, VersionInfo):
    @classmethod
    def from_model(cls, v: FaqVersion) -> "FaqVersionType":
        return cls(**_faq_content(v), **_meta(v))  # type: ignore[arg-type]


@strawberry.type(name="FaqEntry", description="A frequently asked question and its answer.")
class FaqEntryType(FaqContentFields, CurrentVersion):
    model: strawberry.Private[FaqEntry]

    record_type = FaqEntry

    @classmethod
    def from_model(cls, entry: FaqEntry) -> "FaqEntryType":
        return cls(**_faq_content(entry), **_current(entry))  # type: ignore[arg-type]

    @strawberry.field(description="Every version, newest first (ADMIN).")
    async def history(self, info: Info) -> list[FaqVersionType]:
        return await _history(info, self.model.versions, FaqVersionType.from_model)


# --- templates ---------------------------------------------------------------------------------


@strawberry.type
class TemplateContentFields:
    title: str
    description: str
    document_type: DocumentTypeEnum  # type: ignore[valid-type]
    cooperation_types: list[CooperationTypeEnum] = strawberry.field(  # type: ignore[valid-type]
        description="The cooperation types it is for; empty: every type."
    )
    published: bool
    filename: str
    content_type: str
    size: int = strawberry.field(description="Bytes.")
    sha256: str
    download_url: str = strawberry.field(
        description="GET it to download; the current file of a published template needs no sign-in."
    )


def _template_content(content: TemplateContent) -> dict[str, object]:
    file: StoredFile = content.file
    return {
        "title": content.title,
        "description": content.description,
        "document_type": content.document_type,
        "cooperation_types": list(content.cooperation_types),
        "published": content.published,
        "filename": file.filename,
        "content_type": file.content_type,
        "size": file.size,
        "sha256": file.sha256,
        "download_url": DOWNLOAD_PATH.format(file_id=file.file_id),
    }


@strawberry.type(name="TemplateVersion")
class TemplateVersionType(TemplateContentFields, VersionInfo):
    @classmethod
    def from_model(cls, v: TemplateVersion) -> "TemplateVersionType":
        return cls(**_template_content(v), **_meta(v))  # type: ignore[arg-type]


@strawberry.type(
    name="Template", description="A form to download: request letter, TOR, draft KSB or PKS."
)
class TemplateType(TemplateContentFields, CurrentVersion):
    model: strawberry.Private[Template]

    record_type = Template

    @classmethod
    def from_model(cls, template: Template) -> "TemplateType":
        return cls(**_template_content(template), **_current(template))  # type: ignore[arg-type]

    @strawberry.field(
        description="Every version, newest first; old files stay downloadable for ADMIN."
    )
    async def history(self, info: Info) -> list[TemplateVersionType]:
        return await _history(info, self.model.versions, TemplateVersionType.from_model)


# --- the public catalogue ----------------------------------------------------------------------


@strawberry.type(description="A party of a public agreement.")
class PublicParty:
    name: str
    kind: PartnerKindEnum  # type: ignore[valid-type]


@strawberry.type(description="A city department leading a public agreement.")
class PublicOrgUnit:
    name: str
    short_name: str


@strawberry.type(
    description="A cooperation in the public catalogue: only the fields the public may see."
)
class PublicAgreement(RecordNode):
    id: relay.NodeID[str]
    number: str
    title: str
    cooperation_type: CooperationTypeEnum  # type: ignore[valid-type]
    form: AgreementFormEnum  # type: ignore[valid-type]
    field: str
    signed_on: date | None
    ends_on: date | None
    status: AgreementStatusEnum  # type: ignore[valid-type]
    partner_ids: strawberry.Private[list[PydanticObjectId]]
    org_unit_ids: strawberry.Private[list[PydanticObjectId]]

    record_type = Agreement
    read_as = Use.PUBLIC

    @classmethod
    def from_model(cls, a: Agreement | AgreementListing) -> "PublicAgreement":
        """From the agreement, or from its listing row (the catalogue's pages), which holds
        the same fields under the same names."""
        values = record_values(cls, a, id=str(a.id))
        return cls(**values, partner_ids=a.partner_ids, org_unit_ids=a.lead_org_unit_ids)

    @strawberry.field
    async def partners(self, info: Info) -> list[PublicParty]:
        found = await info.context.loaders.partner.load_many(self.partner_ids)
        return [PublicParty(name=p.name, kind=p.kind) for p in found if p is not None]

    @strawberry.field
    async def lead_org_units(self, info: Info) -> list[PublicOrgUnit]:
        found = await info.context.loaders.org_unit.load_many(self.org_unit_ids)
        return [PublicOrgUnit(name=u.name, short_name=u.short_name) for u in found if u]


@strawberry.enum
class PublicAgreementOrderField(Enum):
    NUMBER = "number"
    TITLE = "title_key"
    SIGNED_ON = "signed_on"
    ENDS_ON = "ends_on"


@strawberry.input
class PublicAgreementOrder:
    field: PublicAgreementOrderField = PublicAgreementOrderField.SIGNED_ON
    direction: SortDirection = SortDirection.DESC


@strawberry.input
class PublicAgreementFilter:
    text: str | None = strawberry.field(default=None, description="Words in the title.")
    cooperation_type: list[CooperationTypeEnum] | None = None  # type: ignore[valid-type]
    form: list[AgreementFormEnum] | None = None  # type: ignore[valid-type]
    status: list[AgreementStatusEnum] | None = None  # type: ignore[valid-type]
    field: str | None = None
    signed_year: int | None = None
    ends_before: date | None = None
    ends_after: date | None = None

    def to_resolver(self) -> agreements.AgreementFilter:
        return agreements.AgreementFilter(**vars(self))


@strawberry.type(name="CooperationTypeCount")
class CooperationTypeCount:
    cooperation_type: CooperationTypeEnum  # type: ignore[valid-type]
    count: int


@strawberry.type
class FieldCount:
    field: str = strawberry.field(description="Empty when no field was recorded.")
    count: int


@strawberry.type
class YearCount:
    year: int | None
    count: int


@strawberry.type
class StatusCount:
    status: AgreementStatusEnum  # type: ignore[valid-type]
    count: int


@strawberry.type(description="Counts of the public catalogue (agreements marked PUBLIC).")
class PublicStatistics:
    total: int
    by_cooperation_type: list[CooperationTypeCount]
    by_field: list[FieldCount]
    by_signed_year: list[YearCount]
    by_status: list[StatusCount]

    @classmethod
    def from_resolver(cls, stats: public.PublicStatistics) -> "PublicStatistics":
        return cls(
            total=stats.total,
            by_cooperation_type=[
                CooperationTypeCount(cooperation_type=c.key, count=c.count)
                for c in stats.by_cooperation_type
            ],
            by_field=[FieldCount(field=c.key or "", count=c.count) for c in stats.by_field],
            by_signed_year=[YearCount(year=c.key, count=c.count) for c in stats.by_signed_year],
            by_status=[StatusCount(status=c.key, count=c.count) for c in stats.by_status],
        )


# --- queries -----------------------------------------------------------------------------------


@strawberry.input
class FaqFilter:
    category: str | None = None
    include_unpublished: bool = strawberry.field(
        default=False, description="Also entries not (or no longer) published (ADMIN)."
    )


@strawberry.input
class TemplateFilter:
    cooperation_type: CooperationTypeEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Templates for this type, and those for every type."
    )
    document_type: list[DocumentTypeEnum] | None = None  # type: ignore[valid-type]
    include_unpublished: bool = strawberry.field(
        default=False, description="Also templates not (or no longer) published (ADMIN)."
    )


async def _content_page[F, M](
    info: Info,
    list_page: Callable[[Context, F | None, PageRequest], Awaitable[Page[M]]],
    flt: F | None,
    first: int | None,
    after: str | None,
) -> Page[M]:
    """A page of FAQ entries or templates (forward only: they are read in one order)."""
    return await query(list_page(info.context, flt, PageRequest(first=first, after=after)))


@strawberry.type
class PublicQueries:
    @strawberry.field(description="How to propose a cooperation, per cooperation type.")
    async def procedures(
        self,
        info: Info,
        cooperation_type: CooperationTypeEnum | None = None,  # type: ignore[valid-type]
    ) -> list[ProcedureType]:
        found = await query(public.list_procedures(info.context, cooperation_type))
        return [ProcedureType.from_model(p) for p in found]

    @strawberry.field(description="Frequently asked questions, by position.")
    async def faq(
        self,
        info: Info,
        filter: FaqFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[FaqEntryType]:
        flt = public.FaqFilter(**vars(filter)) if filter else None
        page = await _content_page(info, public.list_faq, flt, first, after)
        return Connection[FaqEntryType].of(page, FaqEntryType.from_model)

    @strawberry.field(description="Forms to download, by title.")
    async def templates(
        self,
        info: Info,
        filter: TemplateFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[TemplateType]:
        flt = public.TemplateFilter(**vars(filter)) if filter else None
        page = await _content_page(info, public.list_templates, flt, first, after)
        return Connection[TemplateType].of(page, TemplateType.from_model)

    @strawberry.field(
        description="The public catalogue: signed agreements marked PUBLIC; newest first."
    )
    async def public_agreements(
        self,
        info: Info,
        filter: PublicAgreementFilter | None = None,
        order_by: PublicAgreementOrder | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[PublicAgreement]:
        order = order_by or PublicAgreementOrder()
        key = SortKey(order.field.value, order.direction == SortDirection.DESC)

        async def run() -> Page[AgreementListing]:
            flt = filter.to_resolver() if filter else None
            request = page_request(first, after, last, before)
            return await public.list_public_agreements(info.context, flt, key, request)

        return Connection[PublicAgreement].of(await query(run()), PublicAgreement.from_model)

    @strawberry.field(description="Counts of the public catalogue by type, field, year, status.")
    async def public_statistics(self, info: Info) -> PublicStatistics:
        return PublicStatistics.from_resolver(await query(public.public_statistics(info.context)))


# --- mutations ---------------------------------------------------------------------------------


@strawberry.input
class ProcedureStepInput:
    title: str
    description: str = ""
    actor: str = ""
    duration: str = ""


@strawberry.input
class RequiredDocumentInput:
    title: str
    description: str = ""
    required: bool = True
    document_type: DocumentTypeEnum | None = None  # type: ignore[valid-type]


@strawberry.input(description="The whole procedure of a type; saved as its next version.")
class UpdateProcedureInput:
    cooperation_type: CooperationTypeEnum  # type: ignore[valid-type]
    title: str
    steps: list[ProcedureStepInput]
    summary: str = ""
    required_documents: list[RequiredDocumentInput] = strawberry.field(default_factory=list)
    legal_basis: str = ""
    estimated_duration: str = ""
    note: str = strawberry.field(default="", description=NOTE_HELP)
    revision: int | None = strawberry.field(default=None, description=REVISION_HELP)


@strawberry.input
class CreateFaqEntryInput:
    question: str
    answer: str
    category: str = ""
    position: int = 0
    published: bool = True
    note: str = strawberry.field(default="", description=NOTE_HELP)


@strawberry.input(description="Withdraw an entry with `published: false`; it is never deleted.")
class UpdateFaqEntryInput:
    id: strawberry.ID
    revision: int | None = strawberry.field(default=None, description=REVISION_HELP)
    question: str | None = strawberry.UNSET
    answer: str | None = strawberry.UNSET
    category: str | None = strawberry.UNSET
    position: int | None = strawberry.UNSET
    published: bool | None = strawberry.UNSET
    note: str = strawberry.field(default="", description=NOTE_HELP)


@strawberry.input
class TemplateChanges:
    """What an upload or an edit of a template may change."""

    template_id: strawberry.ID | None = None
    revision: int | None = strawberry.field(default=None, description=REVISION_HELP)
    title: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    document_type: DocumentTypeEnum | None = strawberry.UNSET  # type: ignore[valid-type]
    cooperation_types: list[CooperationTypeEnum] | None = strawberry.UNSET  # type: ignore[valid-type]
    published: bool | None = strawberry.UNSET
    note: str = strawberry.field(default="", description=NOTE_HELP)


@strawberry.input(
    description="A new template (title and documentType required), or with templateId a new "
    "file for an existing one. Multipart request; send the Apollo-Require-Preflight header."
)
class UploadTemplateInput(TemplateChanges):
    file: Upload
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY_HELP)


@strawberry.input(description="Change a template's description or withdraw it; same file.")
class UpdateTemplateInput(TemplateChanges):
    template_id: strawberry.ID


@strawberry.type
class ProcedurePayload:
    procedure: ProcedureType | None
    errors: list[UserError]


@strawberry.type
class FaqEntryPayload:
    faq_entry: FaqEntryType | None
    errors: list[UserError]


@strawberry.type
class TemplatePayload:
    template: TemplateType | None
    errors: list[UserError]


def _faq_payload(entry: FaqEntry | None, errors: list[UserError]) -> FaqEntryPayload:
    return FaqEntryPayload(
        faq_entry=FaqEntryType.from_model(entry) if entry else None, errors=errors
    )


def _template_payload(template: Template | None, errors: list[UserError]) -> TemplatePayload:
    return TemplatePayload(
        template=TemplateType.from_model(template) if template else None, errors=errors
    )


META_FIELDS = frozenset({"id", "template_id", "revision", "note", "file", "idempotency_key"})


@strawberry.type
class PublicMutations:
    @audited_mutation(description="Save the procedure of a cooperation type as a new version.")
    async def update_procedure(self, info: Info, input: UpdateProcedureInput) -> ProcedurePayload:
        content = provided(input, skip=frozenset({"cooperation_type", "note", "revision"}))
        found = await public.update_procedure(
            info.context, input.cooperation_type, content, input.note, input.revision
        )
        return ProcedurePayload(
            procedure=ProcedureType.from_model(found) if found else None, errors=[]
        )

    @audited_mutation(description="Add a question and its answer to the FAQ.")
    async def create_faq_entry(self, info: Info, input: CreateFaqEntryInput) -> FaqEntryPayload:
        fields = provided(input, skip=META_FIELDS)
        return _faq_payload(await public.create_faq_entry(info.context, fields, input.note), [])

    @audited_mutation(description="Change a FAQ entry; the earlier text stays in its history.")
    async def update_faq_entry(self, info: Info, input: UpdateFaqEntryInput) -> FaqEntryPayload:
        entry_id = decode_id(input.id, "FaqEntry", "id")
        changes = provided(input, skip=META_FIELDS)
        result = await public.update_faq_entry(
            info.context, entry_id, changes, input.note, input.revision
        )
        return _faq_payload(result, [])

    @audited_mutation(description="Upload a template, or a new file of one (ADMIN).")
    async def upload_template(self, info: Info, input: UploadTemplateInput) -> TemplatePayload:
        template_id = optional_id(input.template_id, "Template", "templateId")
        fields = provided(input, skip=META_FIELDS)
        upload = cast(UploadFile, input.file)
        result = await public.upload_template(
            info.context,
            template_id,
            fields,
            upload.file,
            safe_filename(upload.filename),
            input.note,
            input.revision,
            input.idempotency_key,
        )
        return _template_payload(result, [])

    @audited_mutation(description="Change or withdraw a template without a new file (ADMIN).")
    async def update_template(self, info: Info, input: UpdateTemplateInput) -> TemplatePayload:
        template_id = decode_id(input.template_id, "Template", "templateId")
        changes = provided(input, skip=META_FIELDS)
        result = await public.update_template(
            info.context, template_id, changes, input.note, input.revision
        )
        return _template_payload(result, [])
