"""Fixity: the integrity of each stored file, the runs that check them, and `verifyFiles`."""

from datetime import datetime

import strawberry
from beanie import PydanticObjectId

from models.fixity import (
    ChainProblem,
    FileIntegrity,
    FileProblem,
    FileState,
    FixityRun,
    FixityRunStatus,
    FixityTrigger,
)
from resolvers import fixity
from resolvers.pagination import PageRequest
from schema.audit import audited_mutation
from schema.context import Info
from schema.errors import UserError, query
from schema.relay import Connection

FileIntegrityEnum = strawberry.enum(
    FileIntegrity,
    name="FileIntegrity",
    description="OK: the bytes hashed to the recorded sha256 at the last check. CORRUPT: they "
    "did not; the file is kept untouched and downloads refuse it (FILE_CORRUPT). UNCHECKED: "
    "stored before checks were recorded, and not checked since.",
)
FixityTriggerEnum = strawberry.enum(FixityTrigger, name="FixityTrigger")
FixityRunStatusEnum = strawberry.enum(FixityRunStatus, name="FixityRunStatus")
FileProblemEnum = strawberry.enum(FileProblem, name="FileProblem")
ChainProblemEnum = strawberry.enum(
    ChainProblem,
    name="ChainProblem",
    description="BROKEN: the chain does not recompute. REWRITTEN: it recomputes, but an event "
    "anchored by an earlier run has another hash. TRUNCATED: it lost events.",
)


@strawberry.type(name="FileIntegrityState", description="The fixity of a stored file.")
class FileIntegrityState:
    status: FileIntegrityEnum  # type: ignore[valid-type]
    last_checked_at: datetime | None = strawberry.field(
        description="When its bytes were last hashed (at upload, by a run, or before serving)."
    )
    corrupt_since: datetime | None = strawberry.field(
        description="When the mismatch was first found."
    )

    @classmethod
    def from_model(cls, state: FileState) -> "FileIntegrityState":
        return cls(
            status=state.status, last_checked_at=state.checked_at, corrupt_since=state.corrupt_since
        )


async def integrity_of(info: Info, file_id: PydanticObjectId) -> FileIntegrityState:
    return FileIntegrityState.from_model(await fixity.file_state(info.context, file_id))


@strawberry.type
class FixityMismatch:
    file_id: strawberry.ID
    filename: str
    owners: list[str] = strawberry.field(description="`Type:id` of the records holding it.")
    expected_sha256: str
    found_sha256: str | None = strawberry.field(description="None when the file is missing.")
    problem: FileProblemEnum  # type: ignore[valid-type]


@strawberry.type
class ChronologyFinding:
    agreement_id: strawberry.ID = strawberry.field(description="The agreement's global id.")
    number: str
    problem: ChainProblemEnum  # type: ignore[valid-type]
    detail: str


@strawberry.type(name="FixityRun", description="One check of every stored file and history.")
class FixityRunType:
    id: strawberry.ID
    started_at: datetime
    finished_at: datetime | None
    duration_seconds: float | None
    trigger: FixityTriggerEnum  # type: ignore[valid-type]
    started_by: str
    reason: str
    status: FixityRunStatusEnum  # type: ignore[valid-type]
    files_checked: int
    bytes_read: float = strawberry.field(description="Bytes (a Float: archives outgrow Int).")
    mismatches: list[FixityMismatch]
    chains_checked: int
    chronology_findings: list[ChronologyFinding]
    error: str

    @classmethod
    def from_model(cls, run: FixityRun) -> "FixityRunType":
        return cls(
            id=strawberry.ID(str(run.id)),
            started_at=run.started_at,
            finished_at=run.finished_at,
            duration_seconds=run.duration_seconds,
            trigger=run.trigger,
            started_by=run.started_by,
            reason=run.reason,
            status=run.status,
            files_checked=run.files_checked,
            bytes_read=float(run.bytes_read),
            mismatches=[
                FixityMismatch(
                    file_id=strawberry.ID(str(m.file_id)),
                    filename=m.filename,
                    owners=m.owners,
                    expected_sha256=m.expected_sha256,
                    found_sha256=m.found_sha256,
                    problem=m.problem,
                )
                for m in run.mismatches
            ],
            chains_checked=run.chains_checked,
            chronology_findings=[
                ChronologyFinding(
                    agreement_id=strawberry.ID(
                        str(strawberry.relay.GlobalID("Agreement", str(f.agreement_id)))
                    ),
                    number=f.number,
                    problem=f.problem,
                    detail=f.detail,
                )
                for f in run.chain_findings
            ],
            error=run.error,
        )


@strawberry.input
class VerifyFilesInput:
    reason: str = strawberry.field(
        default="", description="Why the check is asked for (kept with the run)."
    )


@strawberry.type
class VerifyFilesPayload:
    run: FixityRunType | None
    errors: list[UserError]


@strawberry.type
class FixityQueries:
    @strawberry.field(description="Fixity runs, newest first (ADMIN, EXECUTIVE).")
    async def fixity_runs(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[FixityRunType]:
        page = await query(fixity.list_runs(info.context, PageRequest(first=first, after=after)))
        return Connection[FixityRunType].of(page, FixityRunType.from_model)


@strawberry.type
class FixityMutations:
    @audited_mutation(
        description="Re-hash every stored file and re-check every history now (ADMIN). Runs "
        "to the end before answering, under FIXITY_MAX_MB_PER_MINUTE."
    )
    async def verify_files(self, info: Info, input: VerifyFilesInput) -> VerifyFilesPayload:
        run = await fixity.verify_files(info.context, input.reason)
        return VerifyFilesPayload(run=FixityRunType.from_model(run), errors=[])
