"""Fixity: the record of every check that the stored files and histories are still intact.

A file's own state (last checked, CORRUPT since when) lives with the file, in the GridFS
files collection (`metadata.fixity`), because one file can belong to a proposal and to the
agreement it led to. A run (`FixityRun`) keeps what it checked and found, and the head hash of
every agreement's chronology, so that a later run can tell a rewritten or truncated chain.
`JobLease` lets one API process at a time run a scheduled job.
"""

import contextlib
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

import pymongo
from beanie import Document, PydanticObjectId
from pydantic import BaseModel, Field
from pymongo import IndexModel, ReturnDocument
from pymongo.errors import DuplicateKeyError

from models.clock import utcnow


class FileIntegrity(StrEnum):
    UNCHECKED = "UNCHECKED"  # stored before fixity was recorded, and not checked since
    OK = "OK"
    CORRUPT = "CORRUPT"


class FixityTrigger(StrEnum):
    SCHEDULE = "SCHEDULE"
    ADMIN = "ADMIN"  # the verifyFiles mutation
    COMMAND_LINE = "COMMAND_LINE"


class FixityRunStatus(StrEnum):
    RUNNING = "RUNNING"
    FINISHED = "FINISHED"
    FAILED = "FAILED"  # stopped by an error; what it checked until then is kept


class FileProblem(StrEnum):
    CHANGED = "CHANGED"  # the bytes no longer hash to the sha256 recorded at upload
    MISSING = "MISSING"  # a record names a file the store no longer has


class ChainProblem(StrEnum):
    BROKEN = "BROKEN"  # the chain does not recompute (verifyChronology fails)
    REWRITTEN = "REWRITTEN"  # recomputes, but the event anchored earlier has another hash
    TRUNCATED = "TRUNCATED"  # shorter than when it was anchored


class FileState(BaseModel):
    """`metadata.fixity` of a stored file."""

    status: FileIntegrity = FileIntegrity.UNCHECKED
    checked_at: datetime | None = None
    corrupt_since: datetime | None = None

    @classmethod
    def of(cls, metadata: dict[str, Any] | None) -> "FileState":
        return cls.model_validate((metadata or {}).get("fixity") or {})

    @classmethod
    def ingested(cls, at: datetime) -> dict[str, Any]:
        """The state of a file hashed while it was stored."""
        return cls(status=FileIntegrity.OK, checked_at=at).model_dump()


class FileMismatch(BaseModel):
    file_id: PydanticObjectId
    filename: str
    owners: list[str]  # `Type:id` of the records that hold the file
    expected_sha256: str
    found_sha256: str | None  # None when the file is missing
    problem: FileProblem


class ChainAnchor(BaseModel):
    number: str  # the agreement's, to name it should it disappear
    length: int
    head: str  # the hash of the last event


class ChainFinding(BaseModel):
    agreement_id: PydanticObjectId
    number: str
    problem: ChainProblem
    detail: str


class FixityRun(Document):
    started_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None
    trigger: FixityTrigger
    started_by: str = ""  # the ADMIN's name, for on-demand runs
    reason: str = ""
    status: FixityRunStatus = FixityRunStatus.RUNNING
    files_checked: int = 0
    bytes_read: int = 0
    mismatches: list[FileMismatch] = []
    chains_checked: int = 0
    chain_findings: list[ChainFinding] = []
    # Agreement id (as a string: BSON keys) → its chain head when this run ended. A chain
    # found broken keeps the anchor of the run before, so it is reported again next time.
    anchors: dict[str, ChainAnchor] = {}
    error: str = ""

    class Settings:
        name = "fixity_runs"
        indexes: ClassVar = [
            IndexModel([("started_at", pymongo.DESCENDING), ("_id", pymongo.DESCENDING)]),
            IndexModel([("status", pymongo.ASCENDING), ("started_at", pymongo.DESCENDING)]),
        ]

    @property
    def duration_seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class JobLease(Document):
    """One document per scheduled job: when it is due next, and who runs it until when.

    A process claims the job with one atomic update that only matches an unheld (or
    expired) lease, so two API processes never run it at once; one that died while holding it
    lets another take over once the lease runs out."""

    id: str  # type: ignore[assignment]
    due_at: datetime
    holder: str | None = None
    held_until: datetime | None = None

    class Settings:
        name = "job_leases"

    @classmethod
    async def ensure(cls, name: str, due_at: datetime) -> None:
        # Two first-ever upserts can race: the loser finds the document made by the other.
        with contextlib.suppress(DuplicateKeyError):
            await cls.get_pymongo_collection().update_one(
                {"_id": name}, {"$setOnInsert": {"due_at": due_at, "holder": None}}, upsert=True
            )

    @classmethod
    async def claim(
        cls, name: str, holder: str, until: datetime, *, only_if_due: bool
    ) -> "JobLease | None":
        now = utcnow()
        query: dict[str, Any] = {
            "_id": name,
            "$or": [{"holder": None}, {"held_until": {"$lte": now}}],
        }
        if only_if_due:
            query["due_at"] = {"$lte": now}
        raw = await cls.get_pymongo_collection().find_one_and_update(
            query,
            {"$set": {"holder": holder, "held_until": until}},
            return_document=ReturnDocument.AFTER,
        )
        return cls.model_validate(raw) if raw is not None else None

    @classmethod
    async def renew(cls, name: str, holder: str, until: datetime) -> bool:
        found = await cls.get_pymongo_collection().update_one(
            {"_id": name, "holder": holder}, {"$set": {"held_until": until}}
        )
        return found.matched_count == 1

    @classmethod
    async def release(cls, name: str, holder: str, due_at: datetime | None) -> None:
        changes: dict[str, Any] = {"holder": None, "held_until": None}
        if due_at is not None:
            changes["due_at"] = due_at
        await cls.get_pymongo_collection().update_one(
            {"_id": name, "holder": holder}, {"$set": changes}
        )
