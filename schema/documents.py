"""The versioned documents of a record as the API shows them (agreement documents, proposal
attachments): the fields they share, and their values from a DocumentRef."""

from datetime import datetime
from typing import Any

import strawberry
from beanie import PydanticObjectId
from strawberry import relay

from models.documents import DocumentRef
from schema.actor import Actor
from schema.context import Info
from schema.document_text import DocumentTextFields
from schema.enums import DocumentTypeEnum
from schema.fixity import FileIntegrityState, integrity_of
from schema.stored_files import DOWNLOAD_PATH


@strawberry.type
class DocumentFields(relay.Node, DocumentTextFields):
    """What every versioned document of a record shows; each type adds its download help,
    its owner and the link to the version it replaces."""

    id: relay.NodeID[str]
    type: DocumentTypeEnum  # type: ignore[valid-type]
    title: str
    filename: str
    content_type: str
    size: int = strawberry.field(description="Bytes.")
    sha256: str
    version: int
    uploaded_at: datetime
    uploaded_by: Actor
    is_current: bool = strawberry.field(description="No newer version supersedes this one.")
    # Each type redeclares it with its own help; declared here to keep its place before `integrity`.
    download_url: str
    supersedes_id: strawberry.Private[PydanticObjectId | None]

    @strawberry.field(description="Whether the stored bytes still match `sha256`.")
    async def integrity(self, info: Info) -> FileIntegrityState:
        return await integrity_of(info, self.file_id)


def document_fields(doc: DocumentRef, superseded: set[PydanticObjectId]) -> dict[str, Any]:
    """The values of `DocumentFields` (and the download URL) of a DocumentRef; `superseded`:
    the ids its owner has newer versions of."""
    return {
        "id": str(doc.id),
        "type": doc.type,
        "title": doc.title,
        "filename": doc.filename,
        "content_type": doc.content_type,
        "size": doc.size,
        "sha256": doc.sha256,
        "version": doc.version,
        "uploaded_at": doc.uploaded_at,
        "uploaded_by": Actor.from_model(doc.uploaded_by),
        "is_current": doc.id not in superseded,
        "download_url": DOWNLOAD_PATH.format(file_id=doc.file_id),
        "supersedes_id": doc.supersedes,
        "file_id": doc.file_id,
    }
