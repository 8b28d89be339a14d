"""Public information (menu 5): procedures, FAQ and templates, edited by the cooperation unit.

Every item keeps its current content in its own fields (what the public reads and what
queries filter on) and every version, oldest first, in `versions`. An edit stores the new
content and appends its snapshot in the same compare-and-set write, so no edit is ever lost
and the history cannot disagree with the current content.
"""

from datetime import datetime
from typing import Annotated, Any, ClassVar, Self

import pymongo
from beanie.odm.utils.encoder import Encoder
from pydantic import BaseModel, Field, StringConstraints
from pymongo import IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession

from models.actor import ActorRef
from models.base import Record, stale
from models.chronology import LongText
from models.clock import utcnow
from models.documents import StoredFile
from models.enums import CooperationType, DocumentType
from models.errors import DomainError, ErrorCode
from models.org_unit import Text
from models.partner import ShortText

Answer = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]


class VersionMeta(BaseModel):
    """Who made a version of an item, when, and why."""

    version: int
    edited_by: ActorRef
    edited_at: datetime = Field(default_factory=utcnow)
    note: Note = ""


class VersionedRecord(Record):
    """A record whose content fields are versioned; subclasses name them and their snapshot."""

    content_fields: ClassVar[tuple[str, ...]] = ()
    version_model: ClassVar[type[VersionMeta]] = VersionMeta

    @property
    def version(self) -> int:
        return len(self.versions)  # type: ignore[attr-defined]

    def _snapshot(self, content: BaseModel, actor: ActorRef, note: str) -> VersionMeta:
        return self.version_model.model_validate(
            {
                **content.model_dump(include=set(self.content_fields)),
                "version": self.version + 1,
                "edited_by": actor,
                "note": note,
            }
        )

    @classmethod
    async def publish_first(
        cls,
        fields: dict[str, Any],
        actor: ActorRef,
        note: str = "",
        session: AsyncClientSession | None = None,
    ) -> Self:
        """Create the item with its content as version 1."""
        item = cls.build(**fields)
        item.versions = [item._snapshot(item, actor, note)]  # type: ignore[attr-defined]
        return await item.create_checked(session)

    async def revise(
        self,
        changes: dict[str, Any],
        actor: ActorRef,
        note: str = "",
        expected_revision: int | None = None,
        session: AsyncClientSession | None = None,
    ) -> Self:
        """Store changed content as a new version; an edit that changes nothing is no version."""
        unknown = set(changes) - set(self.content_fields)
        if unknown:
            raise DomainError(ErrorCode.INVALID, "cannot edit %(fields)s", fields=sorted(unknown))
        revised, changed = self.revised(changes)
        if not changed:
            if expected_revision is not None and expected_revision != self.revision:
                raise stale(type(self).__name__)
            return self
        snapshot = Encoder().encode(self._snapshot(revised, actor, note))
        return await self.compare_and_set(
            {"$set": changed, "$push": {"versions": snapshot}},
            expected_revision=expected_revision,
            session=session,
        )


# --- procedures --------------------------------------------------------------------------------


class ProcedureStep(BaseModel):
    title: Text
    description: LongText = ""
    # Who acts in this step, e.g. "Pemohon", "Bagian Kerja Sama", "TKKSD".
    actor: ShortText = ""
    duration: ShortText = ""


class RequiredDocument(BaseModel):
    title: Text
    description: LongText = ""
    required: bool = True
    # The archive's type for it, so a proposal can be checked against the list later.
    document_type: DocumentType | None = None


class ProcedureContent(BaseModel):
    title: Text
    summary: LongText = ""
    steps: list[ProcedureStep] = Field(min_length=1)
    required_documents: list[RequiredDocument] = []
    legal_basis: LongText = ""
    estimated_duration: ShortText = ""


class ProcedureVersion(ProcedureContent, VersionMeta):
    pass


class Procedure(ProcedureContent, VersionedRecord):
    """How to propose a cooperation of one type: one procedure per cooperation type."""

    cooperation_type: CooperationType
    versions: list[ProcedureVersion] = []

    content_fields: ClassVar[tuple[str, ...]] = tuple(ProcedureContent.model_fields)
    version_model: ClassVar[type[VersionMeta]] = ProcedureVersion
    unique_fields: ClassVar[dict[str, str]] = {"cooperation_type": "cooperation_type"}

    class Settings:
        name = "procedures"
        indexes: ClassVar = [
            IndexModel(
                [("cooperation_type", pymongo.ASCENDING)], unique=True, name="cooperation_type"
            ),
        ]


# --- FAQ ---------------------------------------------------------------------------------------


class FaqContent(BaseModel):
    question: Text
    answer: Answer
    category: ShortText = ""
    position: int = Field(default=0, ge=0, le=1_000_000)
    published: bool = True


class FaqVersion(FaqContent, VersionMeta):
    pass


class FaqEntry(FaqContent, VersionedRecord):
    """A question partners and citizens ask, with the cooperation unit's answer."""

    versions: list[FaqVersion] = []

    content_fields: ClassVar[tuple[str, ...]] = tuple(FaqContent.model_fields)
    version_model: ClassVar[type[VersionMeta]] = FaqVersion

    class Settings:
        name = "faq_entries"
        indexes: ClassVar = [
            IndexModel([("position", pymongo.ASCENDING), ("_id", pymongo.ASCENDING)]),
        ]


# --- templates ---------------------------------------------------------------------------------


class TemplateContent(BaseModel):
    title: Text
    description: LongText = ""
    document_type: DocumentType
    # The cooperation types it is meant for; empty means every type.
    cooperation_types: list[CooperationType] = []
    published: bool = True
    file: StoredFile


class TemplateVersion(TemplateContent, VersionMeta):
    pass


class Template(TemplateContent, VersionedRecord):
    """A form to download (request letter, TOR, draft KSB/PKS). Files are never replaced: a
    new file is a new version, and every earlier file stays stored."""

    versions: list[TemplateVersion] = []
    # Lowercased title, the keyset sort key for listing by title.
    title_key: str = ""

    content_fields: ClassVar[tuple[str, ...]] = tuple(TemplateContent.model_fields)
    version_model: ClassVar[type[VersionMeta]] = TemplateVersion

    def model_post_init(self, context: object) -> None:
        self.title_key = self.title.casefold()

    def version_of_file(self, file_id: object) -> TemplateVersion | None:
        for version in self.versions:
            if version.file.file_id == file_id:
                return version
        return None

    class Settings:
        name = "templates"
        indexes: ClassVar = [
            IndexModel([("title_key", pymongo.ASCENDING), ("_id", pymongo.ASCENDING)]),
            IndexModel([("versions.file.file_id", pymongo.ASCENDING)]),
        ]
