"""The versioned documents of a record as the API shows them (agreement documents, proposal
attachments): the fields they share, and their values from a DocumentRef."""

import builtins
from datetime import datetime
from typing import Any, ClassVar, Protocol, Self, cast

import strawberry
from beanie import PydanticObjectId
from starlette.datastructures import UploadFile
from strawberry import relay
from strawberry.file_uploads import Upload

from models.base import Record
from models.documents import DocumentRef
from models.enums import DocumentType
from resolvers import documents, scoped
from schema.actor import Actor
from schema.context import Info
from schema.document_text import DocumentTextFields
from schema.enums import DocumentTypeEnum
from schema.fixity import FileIntegrityState, integrity_of
from schema.relay import optional_id
from schema.stored_files import DOWNLOAD_PATH, safe_filename


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
    # The kind of record that holds these documents, and its list of them (`builtins.type`:
    # the field `type` above shadows the builtin in this class).
    owner_type: ClassVar[builtins.type[Record]]
    owner_field: ClassVar[str]

    @classmethod
    async def load_nodes(cls, info: Info, ids: list[PydanticObjectId]) -> list[Self | None]:
        """`node(id:)` (schema/nodes.py): each document readable with its record."""
        found = await scoped.embedded_by_id(
            info.context.viewer, cls.owner_type, cls.owner_field, ids
        )
        return [None if pair is None else cls.from_model(*pair) for pair in found]

    @classmethod
    def from_model(cls, doc: DocumentRef, owner: Any) -> Self:
        return cls(**{**document_fields(doc, owner.superseded_ids()), "owner": owner})

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


class DocumentUpload(Protocol):
    """What an upload mutation's input holds of the new document."""

    @property
    def type(self) -> DocumentType: ...
    @property
    def title(self) -> str: ...
    @property
    def file(self) -> Upload: ...
    @property
    def supersedes_id(self) -> strawberry.ID | None: ...
    @property
    def idempotency_key(self) -> str | None: ...


async def upload_document[R: Record](
    info: Info,
    kind: documents.Holder[R],
    record_id: PydanticObjectId,
    input: DocumentUpload,
    document_type_name: str,
) -> tuple[DocumentRef, R]:
    """Hand an upload mutation's file to its use case; `document_type_name`: the GraphQL type
    of the document it may supersede."""
    supersedes = optional_id(input.supersedes_id, document_type_name, "supersedesId")
    # Starlette hands the upload over spooled to a local temporary file.
    upload = cast(UploadFile, input.file)
    return await documents.upload(
        info.context,
        kind,
        record_id,
        input.type,
        input.title,
        upload.file,
        safe_filename(upload.filename),
        supersedes,
        input.idempotency_key,
    )
