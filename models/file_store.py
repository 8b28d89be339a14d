"""The file store: scans and attachments in GridFS.

Uploads stream in chunks (memory stays flat), the sha256 and size are computed on the way,
and the content type is decided from the bytes. A rejected or failed upload is aborted, so
no partial file is left behind. Files are immutable: a new version is a new file.
"""

import asyncio
import contextlib
import hashlib
import zipfile
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import BinaryIO

import puremagic
from beanie import PydanticObjectId
from gridfs import AsyncGridFSBucket
from gridfs.errors import NoFile
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from models.clock import utcnow
from models.documents import ACCEPTED_CONTENT_TYPES, StoredFile
from models.errors import DomainError, ErrorCode

CHUNK_SIZE = 1024 * 1024
# GridFS stores 255 KiB chunks; 16 of them (4 MiB) per query when reading.
CHUNKS_PER_READ = 16
SNIFF_BYTES = 8192
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
ZIP_MAGIC = b"PK\x03\x04"


def sniff_content_type(head: bytes, file: BinaryIO) -> str | None:
    """The accepted type these bytes really are, or None."""
    if head.startswith(ZIP_MAGIC):
        return _office_type(file)
    try:
        matches = puremagic.magic_string(head)
    except puremagic.PureError:
        return None
    for match in matches:
        if match.mime_type in ACCEPTED_CONTENT_TYPES:
            return str(match.mime_type)
    return None


def _office_type(file: BinaryIO) -> str | None:
    """DOCX and ODT are ZIP containers; only their entries tell them apart from any ZIP."""
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                # Read no more than the answer can be long: the entry may inflate to gigabytes.
                with archive.open("mimetype") as entry:
                    if entry.read(len(ODT) + 2).strip() == ODT.encode():
                        return ODT
            if {"[Content_Types].xml", "word/document.xml"} <= names:
                return DOCX
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError):
        return None
    finally:
        file.seek(0)
    return None


@dataclass(frozen=True)
class FileLayout:
    file_id: PydanticObjectId
    length: int
    chunk_size: int


class FileStore:
    """One GridFS bucket, and its files collection for the bookkeeping GridFS has no call for."""

    def __init__(self, db: AsyncDatabase, bucket_name: str) -> None:
        self.bucket = AsyncGridFSBucket(db, bucket_name)
        self.files: AsyncCollection = db[f"{bucket_name}.files"]
        self.chunks: AsyncCollection = db[f"{bucket_name}.chunks"]

    async def store(
        self,
        file: BinaryIO,
        filename: str,
        *,
        max_bytes: int,
        field: str = "file",
        owner: str | None = None,
        daily_quota: int = 0,
    ) -> StoredFile:
        """Stream a seekable local file into GridFS; refuse it whole if it breaks a rule.
        With an owner and a daily quota (bytes), the owner's files of the last 24 hours and
        this one together must stay within it."""
        file.seek(0)
        head = await asyncio.to_thread(file.read, SNIFF_BYTES)
        if not head:
            raise DomainError(ErrorCode.FILE_EMPTY, "the file is empty", field)
        if owner is not None and daily_quota > 0:
            await self._check_quota(owner, daily_quota, file, field)
        content_type = await asyncio.to_thread(sniff_content_type, head, file)
        if content_type is None:
            raise DomainError(
                ErrorCode.UNSUPPORTED_FILE_TYPE,
                "only PDF, JPEG, PNG, TIFF, DOCX and ODT files are accepted",
                field,
            )
        file.seek(0)
        digest = hashlib.sha256()
        size = 0
        metadata = {"contentType": content_type, "attached": False, "owner": owner}
        upload = self.bucket.open_upload_stream(filename, metadata=metadata)
        try:
            while chunk := await asyncio.to_thread(file.read, CHUNK_SIZE):
                size += len(chunk)
                if size > max_bytes:
                    raise DomainError(
                        ErrorCode.FILE_TOO_LARGE,
                        f"the file is larger than {max_bytes // (1024 * 1024)} MB",
                        field,
                    )
                digest.update(chunk)
                await upload.write(chunk)
            await upload.close()
        except BaseException:
            await upload.abort()
            raise
        return StoredFile(
            file_id=PydanticObjectId(upload._id),
            filename=filename,
            content_type=content_type,
            size=size,
            sha256=digest.hexdigest(),
        )

    async def _check_quota(self, owner: str, quota: int, file: BinaryIO, field: str) -> None:
        file.seek(0, 2)
        size = file.tell()
        file.seek(0)
        since = utcnow() - timedelta(days=1)
        rows = self.files.find(
            {"metadata.owner": owner, "uploadDate": {"$gte": since}}, {"length": 1}
        )
        used = sum([int(row.get("length", 0)) async for row in rows])
        if used + size > quota:
            raise DomainError(
                ErrorCode.QUOTA_EXCEEDED,
                f"your uploads of the last 24 hours would pass {quota // (1024 * 1024)} MB; "
                "try again later or ask the cooperation unit",
                field,
            )

    async def mark_attached(self, file_id: PydanticObjectId) -> None:
        """Record that a record points at the file, so the orphan sweep leaves it alone."""
        await self.files.update_one({"_id": file_id}, {"$set": {"metadata.attached": True}})

    async def delete(self, file_id: PydanticObjectId) -> None:
        with contextlib.suppress(NoFile):
            await self.bucket.delete(file_id)

    async def stat(self, file_id: PydanticObjectId) -> FileLayout | None:
        row = await self.files.find_one({"_id": file_id}, {"length": 1, "chunkSize": 1})
        if row is None:
            return None
        return FileLayout(file_id=file_id, length=row["length"], chunk_size=row["chunkSize"])

    async def read_range(self, layout: FileLayout, start: int, length: int) -> AsyncIterator[bytes]:
        """Yield `length` bytes from `start`, reading a few chunks per query: memory stays
        flat for any size, and no reply grows past the wire's message limit (the embedded
        engine would put every chunk of a cursor into one reply)."""
        if length <= 0:
            return
        first = start // layout.chunk_size
        last = (start + length - 1) // layout.chunk_size
        for window in range(first, last + 1, CHUNKS_PER_READ):
            rows = (
                await self.chunks.find(
                    {
                        "files_id": layout.file_id,
                        "n": {"$gte": window, "$lte": min(window + CHUNKS_PER_READ - 1, last)},
                    }
                )
                .sort("n", 1)
                .to_list()
            )
            for row in rows:
                offset = row["n"] * layout.chunk_size
                data = bytes(row["data"])
                low = max(start - offset, 0)
                high = min(start + length - offset, len(data))
                yield data[low:high]

    async def sweep_unattached(
        self,
        grace: timedelta,
        is_referenced: Callable[[PydanticObjectId], Awaitable[bool]],
    ) -> int:
        """Delete files that no record took within `grace` (a crash between upload and
        attach). A file that a record does reference is marked attached, so it is checked once.
        """
        removed = 0
        cursor = self.files.find(
            {"metadata.attached": False, "uploadDate": {"$lt": utcnow() - grace}}, {"_id": 1}
        )
        async for row in cursor:
            file_id = PydanticObjectId(row["_id"])
            if await is_referenced(file_id):
                await self.mark_attached(file_id)
            else:
                await self.delete(file_id)
                removed += 1
        return removed
