"""OCR of stored scans: the queue runner, the text status shown with each document, the
ADMIN's re-run, and downloads of the searchable PDFs.

Every API process with OCR installed (and OCR_WORKERS > 0) runs a runner: OCR_WORKERS loops,
each claiming one job at a time from the `document_texts` queue (models/document_text.py)
and reading the file in a child process (resolvers/ocr_worker.py) at a lower priority. The
API's event loop only copies bytes to and from GridFS and waits. A worker renews its lease
while the child works; when the server dies, the lease runs out and any runner takes the job
again. A file the child cannot read is FAILED with its reason at once; a child that crashes
or is killed is retried up to OCR_MAX_ATTEMPTS times.
"""

import asyncio
import contextlib
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from beanie import PydanticObjectId

from database import Database
from models import Agreement, Proposal
from models.document_text import DocumentPage, DocumentText, TextSource, TextStatus
from models.documents import DocumentRef, StoredFile
from models.errors import DomainError, ErrorCode
from models.file_owners import FileHolder
from models.search import search_keys
from resolvers import agreements, proposals
from resolvers.access import require_admin
from resolvers.context import Context
from settings import Settings

log = logging.getLogger("sikerma.ocr")

PROJECT_DIR = Path(__file__).resolve().parent.parent
# The searchable PDF is made from a file within the upload limit; it may grow a little.
RENDITION_MAX_BYTES = 4 * 1024 * 1024 * 1024
STDERR_TAIL = 400
RESULT_FILE = "result.json"
SEARCHABLE_FILE = "searchable.pdf"


# --- queueing -------------------------------------------------------------------------------


async def enqueue(stored: StoredFile) -> None:
    """Queue a scan just attached to a record (the use cases that attach files call this)."""
    await DocumentText.enqueue(stored)


async def enqueue_missing() -> int:
    """Queue every attached scan that has no job yet: an upload whose process stopped
    between attaching the file and queueing it, or files stored before OCR existed."""
    known = {
        row["file_id"]
        async for row in DocumentText.get_pymongo_collection().find({}, {"file_id": 1})
    }
    queued = 0
    for model, field in ((Agreement, "documents"), (Proposal, "attachments")):
        cursor = model.get_pymongo_collection().find(
            {}, {f"{field}.{name}": 1 for name in ("file_id", "content_type", "filename")}
        )
        async for row in cursor:
            for doc in row.get(field, []):
                if doc["file_id"] in known:
                    continue
                known.add(doc["file_id"])
                stored = StoredFile(
                    file_id=doc["file_id"],
                    filename=doc["filename"],
                    content_type=doc["content_type"],
                    size=0,
                    sha256="",
                )
                await DocumentText.enqueue(stored)
                queued += 1
    return queued


# --- the runner -----------------------------------------------------------------------------


@dataclass
class Outcome:
    """What the child reported, or why there is no report."""

    result: dict[str, object] | None
    crash: str = ""  # the child stopped without a result (retried)
    timed_out: bool = False
    lost: bool = False  # another runner took the job over


class OcrRunner:
    def __init__(self, database: Database, settings: Settings) -> None:
        self.database = database
        self.settings = settings
        self.lease = timedelta(seconds=settings.ocr_lease_seconds)
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._run(), name=f"ocr-worker-{n}")
            for n in range(self.settings.ocr_workers)
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []

    async def _run(self) -> None:
        try:
            queued = await enqueue_missing()
            if queued:
                log.info("queued %d stored scans for OCR", queued)
        except Exception:
            # The next start tries again; the jobs queued on upload do not depend on it.
            log.exception("could not queue the stored scans that have no OCR job")
        while True:
            try:
                if await self.run_next():
                    continue
            except Exception:
                # The database may be away for a while; keep trying.
                log.exception("the OCR runner failed; trying again shortly")
            await asyncio.sleep(self.settings.ocr_poll_seconds)

    async def run_until_idle(self) -> int:
        """Work through every job that is due now; how many were taken."""
        taken = 0
        while await self.run_next():
            taken += 1
        return taken

    async def run_next(self) -> bool:
        """Claim and read one due file; False when none is due."""
        job = await DocumentText.claim(self.lease)
        if job is None:
            return False
        settings = self.settings
        if job.attempts > settings.ocr_max_attempts:
            await self._failed(job, f"OCR stopped before finishing {job.attempts - 1} times")
            return True
        layout = await self.database.files.stat(job.file_id)
        if layout is None:
            await self._failed(job, "the stored file is missing")
            return True
        with tempfile.TemporaryDirectory(prefix="sikerma-ocr-") as folder:
            workdir = Path(folder)
            source = workdir / "original"
            with source.open("wb") as copy:
                async for chunk in self.database.files.read_range(layout, 0, layout.length):
                    await asyncio.to_thread(copy.write, chunk)
            try:
                outcome = await self._read(job, source, workdir)
            except asyncio.CancelledError:
                # The server is stopping: the job goes back at once, this try not counted.
                await asyncio.shield(job.release(timedelta(0), uncount=True))
                raise
            await self._record(job, outcome, workdir)
        return True

    async def _read(self, job: DocumentText, source: Path, workdir: Path) -> Outcome:
        settings = self.settings
        errors = workdir / "stderr.txt"
        with errors.open("wb") as stderr:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "resolvers.ocr_worker",
                str(source),
                job.content_type,
                str(workdir / RESULT_FILE),
                str(workdir / SEARCHABLE_FILE),
                str(settings.ocr_max_megapixels),
                cwd=PROJECT_DIR,
                env={**os.environ, "OMP_THREAD_LIMIT": "1"},
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        started = time.monotonic()
        renew_every = settings.ocr_lease_seconds / 3
        try:
            while True:
                try:
                    await asyncio.wait_for(process.wait(), timeout=renew_every)
                    break
                except TimeoutError:
                    if time.monotonic() - started > settings.ocr_timeout_seconds:
                        return Outcome(None, timed_out=True)
                    if not await job.renew(self.lease):
                        return Outcome(None, lost=True)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
        result_file = workdir / RESULT_FILE
        if process.returncode != 0 or not result_file.exists():
            tail = errors.read_text(errors="replace").strip().splitlines()[-1:] or [""]
            return Outcome(None, crash=f"exit code {process.returncode}: {tail[0]}"[:STDERR_TAIL])
        return Outcome(json.loads(result_file.read_text(encoding="utf-8")))

    async def _record(self, job: DocumentText, outcome: Outcome, workdir: Path) -> None:
        settings = self.settings
        if outcome.lost:
            log.info("OCR of file %s was taken over by another worker", job.file_id)
            return
        if outcome.timed_out:
            limit = settings.ocr_timeout_seconds
            await self._failed(job, f"OCR took longer than {limit:.0f} seconds")
            return
        result = outcome.result
        if result is None:
            if job.attempts >= settings.ocr_max_attempts:
                await self._failed(job, f"OCR stopped with an error ({outcome.crash})")
            else:
                log.warning("OCR of file %s stopped (%s); retrying", job.file_id, outcome.crash)
                await job.release(timedelta(seconds=settings.ocr_retry_seconds * job.attempts))
            return
        if result["status"] != TextStatus.DONE:
            await self._failed(job, str(result["reason"]))
            return
        pages = [str(text) for text in result["pages"]]  # type: ignore[attr-defined]
        rendition = None
        searchable = workdir / SEARCHABLE_FILE
        if searchable.exists():
            with searchable.open("rb") as file:
                rendition = await self.database.files.store(
                    file,
                    _rendition_name(job.filename),
                    holder=FileHolder.RENDITION,
                    max_bytes=RENDITION_MAX_BYTES,
                )
        await _store_pages(job.file_id, pages)
        stored = await job.finish(
            TextStatus.DONE,
            source=TextSource(str(result["source"])),
            page_count=len(pages),
            rendition=rendition,
        )
        if not stored:
            if rendition is not None:
                await self.database.files.delete(rendition.file_id)
            return
        if rendition is not None:
            await self.database.files.mark_attached(rendition.file_id)
        if job.rendition is not None:
            await self.database.files.delete(job.rendition.file_id)

    async def _failed(self, job: DocumentText, reason: str) -> None:
        log.warning("OCR of file %s failed: %s", job.file_id, reason)
        if await job.finish(TextStatus.FAILED, reason=reason[:1000]):
            # An earlier result (before an ADMIN's re-run) no longer stands.
            await DocumentPage.find({"file_id": job.file_id}).delete()
            if job.rendition is not None:
                await self.database.files.delete(job.rendition.file_id)


def _rendition_name(filename: str) -> str:
    return f"{Path(filename).stem}.ocr.pdf"[-255:]


async def _store_pages(file_id: PydanticObjectId, pages: list[str]) -> None:
    """Replace the file's page texts (a re-run may find a different number of pages)."""
    await DocumentPage.find({"file_id": file_id}).delete()
    rows = [
        DocumentPage(file_id=file_id, number=n, text=text, keys=search_keys(text))
        for n, text in enumerate(pages, start=1)
        if text
    ]
    if rows:
        await DocumentPage.insert_many(rows)


# --- what the API shows ---------------------------------------------------------------------


@dataclass(frozen=True)
class TextView:
    """A document's text as the API reports it (UNAVAILABLE: no OCR here to finish it)."""

    status: str
    reason: str
    page_count: int | None
    source: TextSource | None
    rendition: StoredFile | None


UNAVAILABLE = "UNAVAILABLE"


async def text_of(ctx: Context, file_id: PydanticObjectId) -> TextView | None:
    """None for files that are not scans (DOCX, ODT)."""
    job = await ctx.loaders.document_text.load(file_id)
    if job is None:
        return None
    status = job.status.value
    reason = job.reason
    if job.status == TextStatus.PENDING and not ctx.ocr.available:
        status, reason = UNAVAILABLE, ctx.ocr.reason
    return TextView(status, reason, job.page_count, job.source, job.rendition)


async def rerun(
    ctx: Context, document_id: PydanticObjectId
) -> tuple[DocumentRef, Agreement | Proposal]:
    """Read a document's text again (after a failure, or with a newer OCR)."""
    require_admin(ctx.viewer)
    found: tuple[DocumentRef, Agreement | Proposal] | None = await agreements.find_document_by_id(
        ctx, document_id
    ) or await proposals.find_attachment_by_id(ctx, document_id)
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no such document", "documentId")
    doc = found[0]
    if await DocumentText.requeue(doc.file_id) is None:
        raise DomainError(ErrorCode.INVALID, "only scans (PDF and images) are read", "documentId")
    return found


# --- downloads and the orphan sweep ---------------------------------------------------------


async def find_rendition(
    ctx: Context, file_id: PydanticObjectId
) -> tuple[Agreement | Proposal, StoredFile] | None:
    """A searchable PDF, with the same access rule as the document it was made from."""
    job = await DocumentText.find_one({"rendition.file_id": file_id})
    if job is None or job.rendition is None:
        return None
    owner: tuple[Agreement | Proposal, DocumentRef] | None = await agreements.find_document(
        ctx, job.file_id
    ) or await proposals.find_attachment(ctx, job.file_id)
    return (owner[0], job.rendition) if owner else None


async def is_file_referenced(file_id: PydanticObjectId) -> bool:
    return await DocumentText.find({"rendition.file_id": file_id}).count() > 0
