"""Fixity: re-hash every stored file and re-check every agreement's history.

A run reads each file a record holds and compares its sha256 with the one recorded at
upload; a mismatch marks the file CORRUPT (never deleting or rewriting it), alerts the ADMINs
and writes the audit log, and downloads refuse it from then on. The run also recomputes every
chronology chain and compares it with the heads the last run anchored, which catches a
history rewritten with freshly computed hashes, or cut short.

Runs happen on a schedule inside the server (one process at a time, through a lease in the
database), on demand (`verifyFiles`, `cli.py verify-files`), and for a single file before it
is served when its last check is older than FIXITY_MAX_AGE_HOURS.
"""

import asyncio
import hashlib
import logging
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from beanie import PydanticObjectId
from pymongo.asynchronous.database import AsyncDatabase
from strawberry.dataloader import DataLoader

from database import Database
from i18n import later
from models import Agreement, AuditEntry
from models.audit import AuditChange, AuditOutcome
from models.chronology import verify_chain
from models.clock import utcnow
from models.enums import Role
from models.errors import DomainError, ErrorCode
from models.file_owners import FILE_OWNERS
from models.file_store import FileLayout, FileStore
from models.fixity import (
    ChainAnchor,
    ChainFinding,
    ChainProblem,
    FileIntegrity,
    FileMismatch,
    FileProblem,
    FileState,
    FixityRun,
    FixityRunStatus,
    FixityTrigger,
    JobLease,
)
from models.labels import LABELS
from resolvers.access import require_admin, require_signed_in
from resolvers.context import Context
from resolvers.notifications import Message, notify, subject, users_with_role
from resolvers.pagination import Page, PageRequest, SortKey, paginate
from settings import Settings

log = logging.getLogger("sikerma.fixity")
JOB = "fixity"
# How often each API process asks whether a scheduled run is due (cheap: one update).
POLL_SECONDS = 300.0
FIRST_POLL_DELAY_SECONDS = 60.0
# A run in progress saves what it has found this often, so a crash loses little.
SAVE_EVERY_FILES = 100
FIXITY_READERS = frozenset({Role.ADMIN, Role.EXECUTIVE})


@dataclass
class Expected:
    """A stored file as the records that hold it describe it."""

    file_id: PydanticObjectId
    filename: str
    sha256: str
    owners: list[str] = field(default_factory=list)


def _add(found: dict[PydanticObjectId, Expected], ref: dict[str, Any], owner: str) -> None:
    file_id = PydanticObjectId(ref["file_id"])
    item = found.setdefault(file_id, Expected(file_id, ref["filename"], ref["sha256"]))
    if owner not in item.owners:
        item.owners.append(owner)


async def expected_files(
    db: AsyncDatabase, file_id: PydanticObjectId | None = None
) -> list[Expected]:
    """Every file a record holds (or the one asked for), with its owners, by file id."""
    found: dict[PydanticObjectId, Expected] = {}
    for owner in FILE_OWNERS:
        query = {f"{owner.path}.file_id": file_id} if file_id else {}
        async for row in db[owner.collection].find(query, {owner.path: 1}):
            for ref in owner.refs(row):
                if file_id is None or ref["file_id"] == file_id:
                    _add(found, ref, f"{owner.type_name}:{row['_id']}")
    return sorted(found.values(), key=lambda e: e.file_id)


class Throttle:
    """Keeps reading under `bytes_per_minute` by sleeping when ahead (None: no limit)."""

    def __init__(self, bytes_per_minute: float | None) -> None:
        self.per_second = bytes_per_minute / 60 if bytes_per_minute else None
        self.started = time.monotonic()
        self.read = 0

    async def took(self, count: int) -> None:
        self.read += count
        if self.per_second is None:
            return
        ahead = self.read / self.per_second - (time.monotonic() - self.started)
        if ahead > 0:
            await asyncio.sleep(ahead)


async def hash_stored(files: FileStore, layout: FileLayout, throttle: Throttle) -> str:
    digest = hashlib.sha256()
    async for piece in files.read_range(layout, 0, layout.length):
        digest.update(piece)
        await throttle.took(len(piece))
    return digest.hexdigest()


async def check_file(
    files: FileStore, expected: Expected, throttle: Throttle, request_id: str
) -> tuple[FileMismatch | None, int]:
    """Re-hash one file and record the outcome with it; (the mismatch, bytes read)."""
    layout = await files.stat(expected.file_id)
    if layout is None:
        mismatch = FileMismatch(
            file_id=expected.file_id,
            filename=expected.filename,
            owners=expected.owners,
            expected_sha256=expected.sha256,
            found_sha256=None,
            problem=FileProblem.MISSING,
        )
        await _report_file(mismatch, request_id)
        return mismatch, 0
    found = await hash_stored(files, layout, throttle)
    now = utcnow()
    if found == expected.sha256:
        await files.set_state(expected.file_id, FileState(status=FileIntegrity.OK, checked_at=now))
        return None, layout.length
    before = await files.state(expected.file_id)
    already = before.status == FileIntegrity.CORRUPT
    await files.set_state(
        expected.file_id,
        FileState(
            status=FileIntegrity.CORRUPT,
            checked_at=now,
            corrupt_since=before.corrupt_since if already and before.corrupt_since else now,
        ),
    )
    mismatch = FileMismatch(
        file_id=expected.file_id,
        filename=expected.filename,
        owners=expected.owners,
        expected_sha256=expected.sha256,
        found_sha256=found,
        problem=FileProblem.CHANGED,
    )
    if not already:
        await _report_file(mismatch, request_id)
    return mismatch, layout.length


async def _report_file(mismatch: FileMismatch, request_id: str) -> None:
    """The audit entry and the ADMINs' alert for a file found damaged (once per file)."""
    target = f"File:{mismatch.file_id}"
    await _audit(
        "fileFixityFailed",
        [target, *mismatch.owners],
        AuditChange(target=target, field="integrity", before="OK", after="CORRUPT"),
        request_id,
    )
    what = (
        later("missing")
        if mismatch.problem == FileProblem.MISSING
        else later("damaged (its content changed)")
    )
    owner_type, _, owner_id = mismatch.owners[0].partition(":") if mismatch.owners else ("", "", "")
    await _alert(
        Message(
            kind="FILE_CORRUPT",
            title=later(
                "[URGENT] File %(what)s: %(filename)s", what=what, filename=mismatch.filename
            ),
            body=later(
                "The fixity check found the file %(filename)s %(what)s. Recorded sha256 "
                "%(expected)s, found %(found)s. The file is not served until it is restored "
                "from a backup.",
                filename=mismatch.filename,
                what=what,
                expected=mismatch.expected_sha256,
                found=mismatch.found_sha256 or "-",
            ),
            subject_id=subject(owner_type, owner_id) if owner_type else None,
        ),
        f"fixity:{mismatch.file_id}",
    )


async def _report_chain(finding: ChainFinding, request_id: str) -> None:
    target = f"Agreement:{finding.agreement_id}"
    await _audit(
        "chronologyFixityFailed",
        [target],
        AuditChange(target=target, field="chronology", before="INTACT", after=finding.problem),
        request_id,
    )
    await _alert(
        Message(
            kind="CHRONOLOGY_TAMPERED",
            title=later("[URGENT] The chronology of %(number)s changed", number=finding.number),
            # The problem's label and description: the check's own detail is for the log.
            body=later(
                "Fixity check: %(problem)s. %(explanation)s",
                problem=finding.problem,
                explanation=later(LABELS["ChainProblem"][finding.problem.name][1]),
            ),
            subject_id=subject("Agreement", finding.agreement_id),
        ),
        f"chain:{finding.agreement_id}:{finding.problem}",
    )


async def _audit(operation: str, targets: list[str], change: AuditChange, request_id: str) -> None:
    await AuditEntry(
        actor_kind="system",
        actor_name="fixity check",
        operation=operation,
        target_ids=sorted(set(targets)),
        changes=[change],
        outcome=AuditOutcome.ERROR,
        error_codes=[ErrorCode.FILE_CORRUPT.value],
        request_id=request_id,
    ).insert()


async def _alert(message: Message, key: str) -> None:
    await notify(await users_with_role(Role.ADMIN), message, email=True, dedupe_key=key)


async def check_chains(
    previous: dict[str, ChainAnchor], request_id: str
) -> tuple[int, list[ChainFinding], dict[str, ChainAnchor]]:
    """Recompute every agreement's chain; compare it with its anchor from the last run."""
    checked, findings, anchors = 0, [], {}
    projection = {"number": 1, "chronology": 1}
    seen: set[str] = set()
    async for row in Agreement.get_pymongo_collection().find({}, projection):
        key = str(row["_id"])
        seen.add(key)
        chain = row.get("chronology") or []
        before = previous.get(key)
        checked += 1
        finding = _chain_finding(chain, before)
        if finding is None:
            anchors[key] = ChainAnchor(
                number=row["number"], length=len(chain), head=chain[-1]["hash"]
            )
            continue
        problem, detail = finding
        if before is not None:
            anchors[key] = before
        item = ChainFinding(
            agreement_id=row["_id"], number=row["number"], problem=problem, detail=detail
        )
        findings.append(item)
        await _report_chain(item, request_id)
    for key, before in previous.items():
        if key not in seen:
            anchors[key] = before
            item = ChainFinding(
                agreement_id=PydanticObjectId(key),
                number=before.number,
                problem=ChainProblem.TRUNCATED,
                detail="the agreement and its whole history are gone",
            )
            findings.append(item)
            await _report_chain(item, request_id)
    return checked, findings, anchors


def _chain_finding(
    chain: Sequence[dict[str, Any]], before: ChainAnchor | None
) -> tuple[ChainProblem, str] | None:
    check = verify_chain(chain)
    if not check.intact:
        return ChainProblem.BROKEN, f"event {check.checked}: {check.problem}"
    if before is None:
        return None
    if len(chain) < before.length:
        return (
            ChainProblem.TRUNCATED,
            f"the history had {before.length} events, now {len(chain)}",
        )
    if chain[before.length - 1]["hash"] != before.head:
        return (
            ChainProblem.REWRITTEN,
            f"event {before.length} no longer has the hash anchored earlier: "
            "the history was rewritten",
        )
    return None


async def last_anchors() -> dict[str, ChainAnchor]:
    last = (
        await FixityRun.find({"status": FixityRunStatus.FINISHED.value})
        .sort("-started_at")
        .first_or_none()
    )
    return last.anchors if last else {}


async def run_fixity(
    database: Database,
    settings: Settings,
    trigger: FixityTrigger,
    *,
    started_by: str = "",
    reason: str = "",
) -> FixityRun | None:
    """One full run. A scheduled run happens only when due and not already running
    elsewhere (None otherwise); an on-demand one refuses while another runs."""
    holder = f"{trigger.value}:{uuid.uuid4().hex}"
    lease = timedelta(minutes=settings.fixity_lease_minutes)
    await JobLease.ensure(JOB, utcnow())
    scheduled = trigger == FixityTrigger.SCHEDULE
    claimed = await JobLease.claim(JOB, holder, utcnow() + lease, only_if_due=scheduled)
    if claimed is None:
        if scheduled:
            return None
        raise DomainError(
            ErrorCode.FIXITY_RUN_IN_PROGRESS, "a fixity run is in progress; try again later"
        )
    run = FixityRun(trigger=trigger, started_by=started_by, reason=reason[:500])
    await run.insert()
    request_id = f"fixity-{run.id}"
    budget = settings.fixity_max_mb_per_minute * 1024 * 1024
    throttle = Throttle(budget or None)
    try:
        previous = await last_anchors()
        for number, expected in enumerate(await expected_files(database.db), start=1):
            mismatch, read = await check_file(database.files, expected, throttle, request_id)
            run.files_checked += 1
            run.bytes_read += read
            if mismatch is not None:
                run.mismatches.append(mismatch)
            if not await JobLease.renew(JOB, holder, utcnow() + lease):
                raise RuntimeError("another process took the fixity run over")
            if number % SAVE_EVERY_FILES == 0:
                await run.save()
        run.chains_checked, run.chain_findings, run.anchors = await check_chains(
            previous, request_id
        )
        run.status = FixityRunStatus.FINISHED
    except BaseException as error:
        run.status = FixityRunStatus.FAILED
        run.error = f"{type(error).__name__}: {error}"[:500]
        raise
    finally:
        run.finished_at = utcnow()
        await run.save()
        finished = run.status == FixityRunStatus.FINISHED
        interval = timedelta(hours=settings.fixity_interval_hours)
        await JobLease.release(JOB, holder, run.started_at + interval if finished else None)
    log.info(
        "fixity run %s: %d files, %d bytes, %d mismatches, %d chain findings",
        run.id,
        run.files_checked,
        run.bytes_read,
        len(run.mismatches),
        len(run.chain_findings),
    )
    return run


async def run_periodically(database: Database, settings: Settings) -> None:
    """Start a scheduled run whenever one is due, until cancelled. A failed run is logged and
    the lease lets the next poll (here or in another process) try again."""
    delay = FIRST_POLL_DELAY_SECONDS
    while True:
        await asyncio.sleep(delay)
        delay = POLL_SECONDS
        try:
            await run_fixity(database, settings, FixityTrigger.SCHEDULE)
        except Exception:
            log.exception("the scheduled fixity run failed")


# --- the API ---------------------------------------------------------------------------


async def verify_files(ctx: Context, reason: str) -> FixityRun:
    require_admin(ctx.viewer)
    run = await run_fixity(
        ctx.database, ctx.settings, FixityTrigger.ADMIN, started_by=ctx.viewer.name, reason=reason
    )
    assert run is not None  # only scheduled runs are skipped
    return run


def require_fixity_reader(ctx: Context) -> None:
    if require_signed_in(ctx.viewer) not in FIXITY_READERS:
        raise DomainError(ErrorCode.FORBIDDEN, "only ADMIN and EXECUTIVE see fixity runs")


async def list_runs(ctx: Context, request: PageRequest) -> Page[FixityRun]:
    require_fixity_reader(ctx)
    return await paginate(
        FixityRun,
        {},
        SortKey("started_at", descending=True),
        request,
        default_size=ctx.settings.default_page_size,
        max_size=ctx.settings.max_page_size,
    )


async def last_run(ctx: Context) -> FixityRun | None:
    """The newest run, for the dashboard of those who may see runs (None for the others)."""
    if ctx.viewer.role not in FIXITY_READERS:
        return None
    return await FixityRun.find().sort("-started_at").first_or_none()


async def file_state(ctx: Context, file_id: PydanticObjectId) -> FileState:
    """A file's fixity state, loaded together with the other files of the request."""
    loader = ctx.loaders.file_state
    if loader is None:
        files = ctx.database.files

        async def load(ids: Sequence[PydanticObjectId]) -> list[FileState]:
            found = await files.states(list(ids))
            return [found.get(i, FileState()) for i in ids]

        loader = ctx.loaders.file_state = DataLoader(load_fn=load)
    return await loader.load(file_id)


async def check_before_serve(ctx: Context, file_id: PydanticObjectId) -> None:
    """Refuse a file known to be corrupt; re-hash it first if its last check is too old."""
    files = ctx.database.files
    state = await files.state(file_id)
    if state.status == FileIntegrity.CORRUPT:
        raise _corrupt(state.corrupt_since)
    max_age = timedelta(hours=ctx.settings.fixity_max_age_hours)
    if state.checked_at is not None and state.checked_at >= utcnow() - max_age:
        return
    for expected in await expected_files(ctx.database.db, file_id):
        mismatch, _ = await check_file(files, expected, Throttle(None), ctx.request_id)
        if mismatch is not None:
            raise _corrupt((await files.state(file_id)).corrupt_since)


def _corrupt(since: datetime | None) -> DomainError:
    if since is None:
        return DomainError(
            ErrorCode.FILE_CORRUPT,
            "the stored file no longer matches its recorded sha256; it is kept untouched for "
            "the cooperation unit to restore from a backup",
        )
    return DomainError(
        ErrorCode.FILE_CORRUPT,
        "the stored file no longer matches its recorded sha256 since %(since)s; it is kept "
        "untouched for the cooperation unit to restore from a backup",
        since=since.date(),
    )
