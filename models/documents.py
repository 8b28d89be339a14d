"""DocumentRef: a stored file (in GridFS) as it belongs to a record.

A file is never overwritten: a new version is a new DocumentRef that `supersedes` the old one,
and both stay downloadable.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated

from beanie import PydanticObjectId
from pydantic import BaseModel, Field, StringConstraints

from models.actor import ActorRef
from models.base import checked
from models.clock import utcnow
from models.enums import DocumentType
from models.errors import DomainError, ErrorCode
from models.org_unit import Text

# What the archive accepts, decided from the bytes (never from the client's claim).
ACCEPTED_CONTENT_TYPES = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/tiff": ".tif",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.oasis.opendocument.text": ".odt",
}

Filename = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]


class StoredFile(BaseModel):
    """What the file store reports after a complete, checked upload."""

    file_id: PydanticObjectId
    filename: Filename
    content_type: str
    size: int
    sha256: str


class DocumentRef(StoredFile):
    id: PydanticObjectId = Field(default_factory=PydanticObjectId)
    type: DocumentType
    title: Text
    version: int = 1
    supersedes: PydanticObjectId | None = None
    uploaded_by: ActorRef
    uploaded_at: datetime = Field(default_factory=utcnow)

    @classmethod
    def check_metadata(
        cls, doc_type: DocumentType, title: str, filename: str, uploaded_by: ActorRef
    ) -> None:
        """The title and filename rules, checked before any byte of the file is stored."""
        checked(
            cls,
            {
                "type": doc_type,
                "title": title,
                "file_id": PydanticObjectId(),
                "filename": filename,
                "content_type": "",
                "size": 0,
                "sha256": "",
                "uploaded_by": uploaded_by,
            },
        )


def superseded_ids(docs: Sequence[DocumentRef]) -> set[PydanticObjectId]:
    """The documents of a record that a newer version replaces."""
    return {d.supersedes for d in docs if d.supersedes is not None}


def next_version(
    docs: Sequence[DocumentRef], previous: DocumentRef, doc_type: DocumentType, newer: DomainError
) -> int:
    """The version number of a new upload that replaces `previous`: only the newest version
    can be replaced (else `newer`, the owner's own wording), and the type stays the same."""
    if previous.id in superseded_ids(docs):
        raise newer
    if previous.type != doc_type:
        raise DomainError(
            ErrorCode.INVALID,
            "a new version must keep the type %(type)s",
            "type",
            type=previous.type,
        )
    return previous.version + 1
