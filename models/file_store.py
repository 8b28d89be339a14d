"""The file store: scans and attachments in GridFS.

Uploads stream in chunks (memory stays flat), the sha256 and size are computed on the way,
and the content type is decided from the bytes. A rejected or failed upload is aborted, so
no partial file is left behind. Files are immutable: a new version is a new file.

The store writes GridFS's two collections itself, in the layout the GridFS specification
fixes (any driver reads the files): PyMongo's upload stream buffers chunks and sends them in
batches of up to 48 MB, so each upload in flight would hold that much memory, several times
over while it is encoded. Here each read of the source is written at once, a few chunks per
insert, and the file document follows the last chunk, as GridFS does.
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
from bson import Binary, ObjectId
from gridfs import AsyncGridFSBucket
from gridfs.errors import NoFile
from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from models.clock import utcnow
from models.documents import ACCEPTED_CONTENT_TYPES, StoredFile
from models.errors import DomainError, ErrorCode
from models.file_owners import FileHolder
from models.fixity import FileState

# GridFS's default chunk size; each read of the source fills CHUNKS_PER_WRITE of them, sent
# in one insert (1020 KiB in flight per upload).
GRIDFS_CHUNK = 255 * 1024
CHUNKS_PER_WRITE = 4
CHUNK_SIZE = GRIDFS_CHUNK * CHUNKS_PER_WRITE
# 16 chunks (4 MiB) per query when reading.
CHUNKS_PER_READ = 16
SNIFF_BYTES = 8192
# File ids looked up per query when sweeping orphan chunks.
SWEEP_BATCH = 1000
ORPHAN_CHUNKS = "orphan_chunks"
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


def _read_full(file: BinaryIO, size: int) -> bytes:
    """`size` bytes, fewer only at the end: every chunk but the last must be whole."""
    parts = []
    wanted = size
    while wanted and (part := file.read(wanted)):
        parts.append(part)
        wanted -= len(part)
    return b"".join(parts)


def _holder(row: dict) -> FileHolder | None:
    held_by = (row.get("metadata") or {}).get("holder")
    return FileHolder(held_by) if held_by else None


@dataclass(frozen=True)
class FileLayout:
    file_id: PydanticObjectId
    length: int
    chunk_size: int
    # None for files stored before holders were recorded.
    holder: FileHolder | None = None


class FileStore:
    """One GridFS bucket, and its files collection for the bookkeeping GridFS has no call for."""

    def __init__(self, db: AsyncDatabase, bucket_name: str) -> None:
        self.bucket = AsyncGridFSBucket(db, bucket_name)
        self.files: AsyncCollection = db[f"{bucket_name}.files"]
        self.chunks: AsyncCollection = db[f"{bucket_name}.chunks"]
        # Where the orphan-chunk sweep stopped (see sweep_orphan_chunks).
        self.sweeps: AsyncCollection = db[f"{bucket_name}_sweeps"]
        self._indexed = False

    async def _ensure_indexes(self) -> None:
        """The indexes GridFS drivers create before a bucket's first write."""
        if self._indexed:
            return
        await self.chunks.create_index(
            [("files_id", ASCENDING), ("n", ASCENDING)], unique=True, name="files_id_1_n_1"
        )
        await self.files.create_index(
            [("filename", ASCENDING), ("uploadDate", ASCENDING)], name="filename_1_uploadDate_1"
        )
        # The daily quota reads one owner's files of the last 24 hours, and no others.
        await self.files.create_index(
            [("metadata.owner", ASCENDING), ("uploadDate", ASCENDING)], name="owner_uploadDate"
        )
        self._indexed = True

    async def store(
        self,
        file: BinaryIO,
        filename: str,
        *,
        holder: FileHolder,
        max_bytes: int,
        field: str = "file",
        owner: str | None = None,
        daily_quota: int = 0,
    ) -> StoredFile:
        """Stream a seekable local file into GridFS; refuse it whole if it breaks a rule.
        `holder` is the kind of record that will hold it. With an owner (the uploader) and a
        daily quota (bytes), the owner's files of the last 24 hours and this one together
        must stay within it."""
        file.seek(0)
        head = await asyncio.to_thread(file.read, SNIFF_BYTES)
        if not head:
            raise DomainError(ErrorCode.FILE_EMPTY, "the file is empty", field)
        if owner is not None and daily_quota > 0:
            await self._ensure_indexes()
            await self._check_quota(owner, daily_quota, file, field)
        content_type = await asyncio.to_thread(sniff_content_type, head, file)
        if content_type is None:
            raise DomainError(
                ErrorCode.UNSUPPORTED_FILE_TYPE,
                "only PDF, JPEG, PNG, TIFF, DOCX and ODT files are accepted",
                field,
            )
        file.seek(0)
        await self._ensure_indexes()
        file_id = ObjectId()
        digest = hashlib.sha256()
        size = 0
        try:
            while chunk := await asyncio.to_thread(_read_full, file, CHUNK_SIZE):
                if size + len(chunk) > max_bytes:
                    raise DomainError(
                        ErrorCode.FILE_TOO_LARGE,
                        "the file is larger than %(megabytes)s MB",
                        field,
                        megabytes=max_bytes // (1024 * 1024),
                    )
                digest.update(chunk)
                first = size // GRIDFS_CHUNK
                await self.chunks.insert_many(
                    [
                        {
                            "files_id": file_id,
                            "n": first + i,
                            "data": Binary(chunk[offset : offset + GRIDFS_CHUNK]),
                        }
                        for i, offset in enumerate(range(0, len(chunk), GRIDFS_CHUNK))
                    ]
                )
                size += len(chunk)
            await self.files.insert_one(
                {
                    "_id": file_id,
                    "length": size,
                    "chunkSize": GRIDFS_CHUNK,
                    "uploadDate": utcnow(),
                    "filename": filename,
                    # Hashed on the way in: the file's first fixity check is its upload.
                    "metadata": {
                        "contentType": content_type,
                        "attached": False,
                        "owner": owner,
                        "holder": holder.value,
                        "fixity": FileState.ingested(utcnow()),
                    },
                }
            )
        except BaseException:
            await self.chunks.delete_many({"files_id": file_id})
            raise
        return StoredFile(
            file_id=PydanticObjectId(file_id),
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
        cursor = await self.files.aggregate(
            [
                {"$match": {"metadata.owner": owner, "uploadDate": {"$gte": since}}},
                {"$group": {"_id": None, "used": {"$sum": "$length"}}},
            ]
        )
        totals = await cursor.to_list()
        used = int(totals[0]["used"]) if totals else 0
        if used + size > quota:
            raise DomainError(
                ErrorCode.QUOTA_EXCEEDED,
                "your uploads of the last 24 hours would pass %(megabytes)s MB; "
                "try again later or ask the cooperation unit",
                field,
                megabytes=quota // (1024 * 1024),
            )

    async def mark_attached(self, file_id: PydanticObjectId) -> None:
        """Record that a record points at the file, so the orphan sweep leaves it alone."""
        await self.files.update_one({"_id": file_id}, {"$set": {"metadata.attached": True}})

    async def delete(self, file_id: PydanticObjectId) -> None:
        with contextlib.suppress(NoFile):
            await self.bucket.delete(file_id)

    async def stat(self, file_id: PydanticObjectId) -> FileLayout | None:
        row = await self.files.find_one(
            {"_id": file_id}, {"length": 1, "chunkSize": 1, "metadata.holder": 1}
        )
        if row is None:
            return None
        return FileLayout(
            file_id=file_id,
            length=row["length"],
            chunk_size=row["chunkSize"],
            holder=_holder(row),
        )

    async def state(self, file_id: PydanticObjectId) -> FileState:
        row = await self.files.find_one({"_id": file_id}, {"metadata.fixity": 1})
        return FileState.of(row.get("metadata") if row else None)

    async def states(self, file_ids: list[PydanticObjectId]) -> dict[PydanticObjectId, FileState]:
        rows = self.files.find({"_id": {"$in": file_ids}}, {"metadata.fixity": 1})
        return {PydanticObjectId(r["_id"]): FileState.of(r.get("metadata")) async for r in rows}

    async def set_state(self, file_id: PydanticObjectId, state: FileState) -> None:
        """Record a check. Only the bookkeeping changes: the bytes are never touched."""
        await self.files.update_one(
            {"_id": file_id}, {"$set": {"metadata.fixity": state.model_dump()}}
        )

    async def read_range(self, layout: FileLayout, start: int, length: int) -> AsyncIterator[bytes]:
        """Yield `length` bytes from `start`, reading a few chunks per query: memory stays
        flat for any size, and no reply grows past the wire's message limit (the embedded
        engine would put every chunk of a cursor into one reply). The next window is read
        while the current one is sent."""
        if length <= 0:
            return
        first = start // layout.chunk_size
        last = (start + length - 1) // layout.chunk_size
        windows = iter(range(first, last + 1, CHUNKS_PER_READ))

        def fetch(window: int | None) -> asyncio.Task[list[dict]] | None:
            if window is None:
                return None
            query = {
                "files_id": layout.file_id,
                "n": {"$gte": window, "$lte": min(window + CHUNKS_PER_READ - 1, last)},
            }
            return asyncio.ensure_future(self.chunks.find(query).sort("n", 1).to_list())

        pending = fetch(next(windows, None))
        try:
            while pending is not None:
                rows = await pending
                pending = fetch(next(windows, None))
                # One piece per window: fewer, larger writes to the client, and each chunk's
                # bytes copied once (into the piece).
                pieces = []
                for row in rows:
                    offset = row["n"] * layout.chunk_size
                    pieces.append(
                        memoryview(row["data"])[max(start - offset, 0) : start + length - offset]
                    )
                yield b"".join(pieces)
        finally:
            if pending is not None:
                pending.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await pending

    async def sweep_unattached(
        self,
        grace: timedelta,
        is_referenced: Callable[[PydanticObjectId, FileHolder | None], Awaitable[bool]],
    ) -> int:
        """Delete files that no record took within `grace` (a crash between upload and
        attach). A file that a record does reference is marked attached, so it is checked once.
        """
        removed = 0
        cursor = self.files.find(
            {"metadata.attached": False, "uploadDate": {"$lt": utcnow() - grace}},
            {"_id": 1, "metadata.holder": 1},
        )
        async for row in cursor:
            file_id = PydanticObjectId(row["_id"])
            if await is_referenced(file_id, _holder(row)):
                await self.mark_attached(file_id)
            else:
                await self.delete(file_id)
                removed += 1
        return removed

    async def sweep_orphan_chunks(self, grace: timedelta) -> int:
        """Delete chunks that no file document owns, once none of them is newer than
        `grace`. GridFS writes a file's document after its last chunk, so a server killed
        while an upload streams leaves chunks behind that nothing else would ever remove.

        Chunk ids are ObjectIds made as each chunk is written: their time says how old it
        is. A sweep reads, through the _id index, only the chunks made since the previous
        sweep's cutoff, which it keeps in `sweeps`: the newest chunk of any upload falls in
        exactly one sweep's range, and then all of that upload's chunks are past the grace
        period. (Clocks of the writing processes may differ by less than `grace`.)"""
        cutoff = ObjectId.from_datetime(utcnow() - grace)
        mark = await self.sweeps.find_one({"_id": ORPHAN_CHUNKS})
        since = mark["before"] if mark else ObjectId(bytes(12))
        rows = self.chunks.find(
            {"_id": {"$gte": since, "$lt": cutoff}}, {"files_id": 1}, batch_size=SWEEP_BATCH
        ).sort("_id", ASCENDING)
        removed = 0
        owners: set[ObjectId] = set()
        async for row in rows:
            owners.add(row["files_id"])
            if len(owners) == SWEEP_BATCH:
                removed += await self._remove_orphans(owners, cutoff)
                owners = set()
        removed += await self._remove_orphans(owners, cutoff)
        await self.sweeps.update_one(
            {"_id": ORPHAN_CHUNKS}, {"$max": {"before": cutoff}}, upsert=True
        )
        return removed

    async def _remove_orphans(self, owners: set[ObjectId], cutoff: ObjectId) -> int:
        """Delete the chunks of those `owners` that have no file document."""
        if not owners:
            return 0
        present = {
            row["_id"] async for row in self.files.find({"_id": {"$in": list(owners)}}, {"_id": 1})
        }
        removed = 0
        for file_id in owners - present:
            # An upload still streaming (slower than the grace period) keeps its chunks.
            if await self.chunks.find_one({"files_id": file_id, "_id": {"$gte": cutoff}}):
                continue
            result = await self.chunks.delete_many({"files_id": file_id})
            removed += result.deleted_count
        return removed
