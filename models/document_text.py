"""The text inside stored scans: one OCR job per stored file, and its text page by page.

The job is keyed by the stored file, not by the DocumentRef: an approved proposal hands its
attachments on to the new agreement as new DocumentRefs of the same stored files, and the
text of a file is the same whoever holds it.

The jobs collection is the queue. A worker claims one job with a single atomic update that
counts the attempt and sets a lease (`available_at` moves past the lease, and the worker
renews it while it works), so two workers never take the same job at once, and a job whose
worker died is taken again when its lease runs out. Every write of a result is conditional on
the claim still holding (same attempt count, still PENDING).
"""

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, ClassVar

import pymongo
from beanie import Document, PydanticObjectId
from pydantic import Field
from pymongo import IndexModel, ReturnDocument

from models.clock import utcnow
from models.date_ranges import dated
from models.documents import StoredFile

# The scans OCR reads; DOCX and ODT carry their text already and are not queued.
SCAN_CONTENT_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png", "image/tiff"})


class TextStatus(StrEnum):
    PENDING = "PENDING"  # queued, or being read now
    DONE = "DONE"
    FAILED = "FAILED"  # with a reason; an ADMIN may run it again


class TextSource(StrEnum):
    OCR = "OCR"  # read from the page images by OCRmyPDF and Tesseract
    EMBEDDED = "EMBEDDED"  # a PDF that already carried text on every page: read, not OCRed


class DocumentText(Document):
    file_id: PydanticObjectId
    content_type: str
    filename: str
    status: TextStatus = TextStatus.PENDING
    source: TextSource | None = None
    reason: str = ""
    page_count: int | None = None
    # The searchable PDF made by OCR, stored beside the untouched original.
    rendition: StoredFile | None = None
    attempts: int = 0
    # When a worker may take the job: now for a new job, the lease's end for a claimed one.
    available_at: datetime | None = Field(default_factory=utcnow)
    created_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None

    class Settings:
        name = "document_texts"
        indexes: ClassVar = [
            IndexModel([("file_id", pymongo.ASCENDING)], unique=True, name="file_id"),
            IndexModel([("status", pymongo.ASCENDING), ("available_at", pymongo.ASCENDING)]),
            IndexModel([("rendition.file_id", pymongo.ASCENDING)]),
        ]

    @classmethod
    async def enqueue(cls, stored: StoredFile) -> None:
        """Queue a stored scan once (a file held by two records is read once)."""
        if stored.content_type not in SCAN_CONTENT_TYPES:
            return
        job = cls(
            file_id=stored.file_id, content_type=stored.content_type, filename=stored.filename
        )
        await cls.get_pymongo_collection().update_one(
            {"file_id": stored.file_id},
            {"$setOnInsert": job.model_dump(exclude={"id"})},
            upsert=True,
        )

    @classmethod
    async def claim(cls, lease: timedelta) -> "DocumentText | None":
        now = utcnow()
        raw = await cls.get_pymongo_collection().find_one_and_update(
            {"status": TextStatus.PENDING.value, "available_at": dated({"$lte": now})},
            {"$set": {"available_at": now + lease}, "$inc": {"attempts": 1}},
            sort=[("available_at", 1)],
            return_document=ReturnDocument.AFTER,
        )
        return cls.model_validate(raw) if raw is not None else None

    def _mine(self) -> dict[str, object]:
        return {"_id": self.id, "status": TextStatus.PENDING.value, "attempts": self.attempts}

    async def renew(self, lease: timedelta) -> bool:
        """Hold the claim a while longer; False when another worker has taken the job."""
        result = await self.get_pymongo_collection().update_one(
            self._mine(), {"$set": {"available_at": utcnow() + lease}}
        )
        return result.matched_count == 1

    async def release(self, delay: timedelta, *, uncount: bool = False) -> bool:
        """Give the job back for another attempt after `delay`; `uncount`: this attempt was
        cut short by a shutdown and does not count."""
        update: dict[str, Any] = {"$set": {"available_at": utcnow() + delay}}
        if uncount:
            update["$inc"] = {"attempts": -1}
        result = await self.get_pymongo_collection().update_one(self._mine(), update)
        return result.matched_count == 1

    async def finish(
        self,
        status: TextStatus,
        *,
        source: TextSource | None = None,
        reason: str = "",
        page_count: int | None = None,
        rendition: StoredFile | None = None,
    ) -> bool:
        """Record the outcome; False (and nothing written) when the claim was lost."""
        result = await self.get_pymongo_collection().update_one(
            self._mine(),
            {
                "$set": {
                    "status": status.value,
                    "source": source.value if source else None,
                    "reason": reason,
                    "page_count": page_count,
                    "rendition": rendition.model_dump() if rendition else None,
                    "available_at": None,
                    "finished_at": utcnow(),
                }
            },
        )
        return result.matched_count == 1

    @classmethod
    async def requeue(cls, file_id: PydanticObjectId) -> "DocumentText | None":
        """Queue a file's text to be read again (its current result stays until replaced)."""
        raw = await cls.get_pymongo_collection().find_one_and_update(
            {"file_id": file_id},
            {
                "$set": {
                    "status": TextStatus.PENDING.value,
                    "reason": "",
                    "attempts": 0,
                    "available_at": utcnow(),
                    "finished_at": None,
                }
            },
            return_document=ReturnDocument.AFTER,
        )
        return cls.model_validate(raw) if raw is not None else None


class DocumentPage(Document):
    """The text of one page of a stored file (numbered from 1), with its search keys."""

    file_id: PydanticObjectId
    number: int
    text: str
    keys: list[str] = []

    class Settings:
        name = "document_pages"
        indexes: ClassVar = [
            IndexModel(
                [("file_id", pymongo.ASCENDING), ("number", pymongo.ASCENDING)],
                unique=True,
                name="file_page",
            ),
            IndexModel([("keys", pymongo.ASCENDING), ("file_id", pymongo.ASCENDING)]),
        ]
