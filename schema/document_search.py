"""Search in the text of the documents (`searchDocuments`) and the ADMIN's OCR re-run."""

import strawberry

from models import Agreement, Proposal
from models.errors import DomainError, ErrorCode
from resolvers import document_search, ocr
from resolvers.document_search import DocumentHit
from resolvers.pagination import Page
from schema.agreements import AgreementType, DocumentRefType
from schema.audit import audited_mutation
from schema.context import Info
from schema.document_text import TextStatus
from schema.enums import DocumentTypeEnum
from schema.errors import UserError
from schema.errors import query as run_query
from schema.proposals import ProposalAttachmentType, ProposalType
from schema.relay import Connection, optional_id, page_request, parse_global_id


@strawberry.input
class DocumentSearchFilter:
    agreement_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only this agreement's documents."
    )
    types: list[DocumentTypeEnum] | None = None  # type: ignore[valid-type]


@strawberry.type(description="A document whose text matches a search, and where.")
class DocumentSearchHit:
    agreement: AgreementType | None = strawberry.field(
        description="The agreement that holds the document (null: a proposal's attachment)."
    )
    document: DocumentRefType | None = strawberry.field(description="When the agreement holds it.")
    proposal: ProposalType | None = strawberry.field(
        description="The proposal it was handed in with, when no readable agreement holds it."
    )
    attachment: ProposalAttachmentType | None
    pages: list[int] = strawberry.field(
        description="The pages (from 1) that hold every word of the query."
    )
    snippet: str = strawberry.field(
        description="Text of the first matching page around the first match; matching words "
        "are between « and » (the page's own « » are shown as quotes). Plain text: escape it "
        "before putting it in HTML."
    )
    snippet_page: int

    @classmethod
    def from_model(cls, hit: DocumentHit) -> "DocumentSearchHit":
        owner, doc = hit.owner, hit.document
        is_agreement = isinstance(owner, Agreement)
        return cls(
            agreement=AgreementType.from_model(owner) if is_agreement else None,
            document=DocumentRefType.from_model(doc, owner) if is_agreement else None,
            proposal=ProposalType.from_model(owner) if isinstance(owner, Proposal) else None,
            attachment=ProposalAttachmentType.from_model(doc, owner)
            if isinstance(owner, Proposal)
            else None,
            pages=hit.pages,
            snippet=hit.snippet,
            snippet_page=hit.snippet_page,
        )


@strawberry.type
class DocumentSearchQueries:
    @strawberry.field(
        description="Documents whose text (read from the scans by OCR, or carried by the PDF) "
        "holds every word of `query` on one page: the same matching as the agreement list's "
        "text filter (Indonesian stems, word beginnings, case and accents ignored). Only "
        "documents of records the viewer may read. At most 50 per page."
    )
    async def search_documents(
        self,
        info: Info,
        query: str,
        filter: DocumentSearchFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[DocumentSearchHit]:
        async def run() -> Page[DocumentHit]:
            flt = None
            if filter is not None:
                flt = document_search.DocumentFilter(
                    agreement_id=optional_id(filter.agreement_id, "Agreement", "agreementId"),
                    types=filter.types,
                )
            request = page_request(first, after, None, None)
            return await document_search.search_documents(info.context, query, flt, request)

        page = await run_query(run())
        return Connection[DocumentSearchHit].of(page, DocumentSearchHit.from_model)


@strawberry.input
class RerunDocumentOcrInput:
    document_id: strawberry.ID = strawberry.field(
        description="An agreement's DocumentRef or a proposal's attachment."
    )


@strawberry.type
class RerunDocumentOcrPayload:
    text_status: TextStatus | None
    document: DocumentRefType | None
    attachment: ProposalAttachmentType | None
    errors: list[UserError]


@strawberry.type
class DocumentTextMutations:
    @audited_mutation(
        description="Read a document's text again (ADMIN): after a failure, or after OCR was "
        "installed or improved. Its current text stays searchable until the new one is read."
    )
    async def rerun_document_ocr(
        self, info: Info, input: RerunDocumentOcrInput
    ) -> RerunDocumentOcrPayload:
        kind, document_id = parse_global_id(str(input.document_id), field="documentId")
        if kind not in {"DocumentRef", "ProposalAttachment"}:
            raise DomainError(ErrorCode.INVALID_ID, "expected the id of a document", "documentId")
        doc, owner = await ocr.rerun(info.context, document_id)
        view = await ocr.text_of(info.context, doc.file_id)
        is_agreement = isinstance(owner, Agreement)
        return RerunDocumentOcrPayload(
            text_status=TextStatus(view.status) if view else None,
            document=DocumentRefType.from_model(doc, owner) if is_agreement else None,
            attachment=ProposalAttachmentType.from_model(doc, owner)
            if isinstance(owner, Proposal)
            else None,
            errors=[],
        )
