"""The text of a stored scan as its document shows it: status, pages, searchable PDF."""

from enum import Enum

import strawberry
from beanie import PydanticObjectId

from models.document_text import TextSource
from resolvers import ocr
from schema.context import Info
from schema.stored_files import DOWNLOAD_PATH


@strawberry.enum(description="Whether the text inside a scan can be searched yet.")
class TextStatus(Enum):
    PENDING = strawberry.enum_value("PENDING", description="Queued, or being read now.")
    DONE = strawberry.enum_value("DONE", description="Read; its pages are searchable.")
    FAILED = strawberry.enum_value(
        "FAILED", description="The file could not be read; see textFailureReason."
    )
    UNAVAILABLE = strawberry.enum_value(
        "UNAVAILABLE",
        description="Not read yet, and OCR is not installed on this server (see the README).",
    )


TextSourceEnum = strawberry.enum(
    TextSource,
    name="TextSource",
    description="OCR: read from the page images. EMBEDDED: the PDF already carried its text.",
)


@strawberry.type(description="The searchable PDF made by OCR: the scan with a text layer.")
class SearchableRendition:
    filename: str
    content_type: str
    size: int = strawberry.field(description="Bytes.")
    sha256: str
    download_url: str = strawberry.field(
        description="GET it with the same credentials as the original; supports Range."
    )


@strawberry.type
class DocumentTextFields:
    """What agreement documents and proposal attachments show of the text of their file."""

    file_id: strawberry.Private[PydanticObjectId]

    @strawberry.field(description="Null for files that are not scans (DOCX, ODT).")
    async def text_status(self, info: Info) -> TextStatus | None:
        view = await ocr.text_of(info.context, self.file_id)
        return TextStatus(view.status) if view else None

    @strawberry.field(description="Why the text could not be read (FAILED, UNAVAILABLE).")
    async def text_failure_reason(self, info: Info) -> str | None:
        view = await ocr.text_of(info.context, self.file_id)
        return view.reason or None if view else None

    @strawberry.field(description="How the text was read (when DONE).")
    async def text_source(self, info: Info) -> TextSourceEnum | None:  # type: ignore[valid-type]
        view = await ocr.text_of(info.context, self.file_id)
        return view.source if view else None

    @strawberry.field(description="Pages in the file (known once its text is read).")
    async def page_count(self, info: Info) -> int | None:
        view = await ocr.text_of(info.context, self.file_id)
        return view.page_count if view else None

    @strawberry.field(
        description="The scan with a text layer, made by OCR (the original is never changed); "
        "null until OCR is done, and for PDFs that carried their text already."
    )
    async def searchable_rendition(self, info: Info) -> SearchableRendition | None:
        view = await ocr.text_of(info.context, self.file_id)
        if view is None or view.rendition is None:
            return None
        file = view.rendition
        return SearchableRendition(
            filename=file.filename,
            content_type=file.content_type,
            size=file.size,
            sha256=file.sha256,
            download_url=DOWNLOAD_PATH.format(file_id=file.file_id),
        )
