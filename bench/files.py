"""(b) Files: GridFS upload and download through the API vs the driver, on one engine.

The server runs as `python server.py` (real uvicorn) on an engine the bench starts itself, so
the bench's own PyMongo client reaches the same engine: each file is uploaded and downloaded
once through HTTP (GraphQL multipart upload, `/files/{id}`) and once with PyMongo's
`AsyncGridFSBucket`. The server's peak RSS during the upload shows whether the file streams
(spooled to disk, written to GridFS a few chunks at a time) or is held in memory. Then the
per-MB cost of a driver upload as the bucket grows, from empty to the target size.
"""

import asyncio
import hashlib
import os
import statistics
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from gridfs import AsyncGridFSBucket
from pymongo import AsyncMongoClient

from bench import procmem
from bench.api import Api
from bench.app_process import DATABASE_NAME, ServerProcess
from bench.report import Section, mib, ratio
from bench.seed import UPLOAD_DOCUMENT
from database import FILES_BUCKET

MIB = 1024 * 1024
# The growth curve uploads files of this size until the bucket holds the target.
STEP_MB = 50
READ_BLOCK = MIB
# Downloads take a second or two: each side is timed this many times, taking turns, and the
# median counts, so a moment of other load on the shared machine does not decide the ratio.
DOWNLOAD_ROUNDS = 3


def write_pdf_like(path: Path, size_mb: int) -> None:
    """A file the server accepts as a PDF (it sniffs the first bytes), `size_mb` MiB long.

    Every MiB differs (a counter in front of random bytes) so no layer can deduplicate it.
    """
    block = os.urandom(MIB)
    with path.open("wb") as out:
        out.write(b"%PDF-1.4\n")
        for n in range(size_mb):
            out.write(n.to_bytes(8, "big") + block[8:])


def settled_rss(pid: int) -> float | None:
    """Median RSS over a second, so a momentary blip does not become the baseline."""
    samples = []
    for _ in range(5):
        value = procmem.rss_mib(pid)
        if value is not None:
            samples.append(value)
        time.sleep(0.2)
    return statistics.median(samples) if samples else None


class PeakRss:
    """Peak RSS of one process while a block runs (the kernel's VmHWM, else sampled)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.kernel = procmem.reset_peak(pid)
        self.sampler = procmem.PeakSampler({"p": pid})
        self.peak: float | None = None

    def __enter__(self) -> "PeakRss":
        self.sampler.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.sampler.__exit__(*exc)
        values = [self.sampler.peaks.get("p"), procmem.peak_mib(self.pid) if self.kernel else None]
        present = [v for v in values if v is not None]
        self.peak = max(present) if present else None


async def driver_upload(bucket: AsyncGridFSBucket, path: Path) -> Any:
    with path.open("rb") as source:
        return await bucket.upload_from_stream(path.name, source)


async def driver_download(bucket: AsyncGridFSBucket, file_id: Any) -> str:
    """The file's sha256, read with the driver (hashed as the API's download is)."""
    stream = await bucket.open_download_stream(file_id)
    digest = hashlib.sha256()
    while block := await stream.read(READ_BLOCK):
        digest.update(block)
    return digest.hexdigest()


async def api_download(http: Any, url: str) -> str:
    """The file's sha256, read through `/files/{id}`."""
    digest = hashlib.sha256()
    async with http.stream("GET", url) as response:
        response.raise_for_status()
        async for block in response.aiter_raw():
            digest.update(block)
    return digest.hexdigest()


async def timed[T](read: Callable[[], Awaitable[T]]) -> tuple[float, T]:
    t0 = time.perf_counter()
    result = await read()
    return time.perf_counter() - t0, result


def rate(size_mb: float, seconds: float) -> str:
    return f"{seconds:.1f} s ({size_mb / seconds:.1f} MiB/s)"


async def measure(
    server: ServerProcess, uri: str, agreement_id: str, sizes_mb: list[int], growth_target_mb: int
) -> Section:
    """On a running server whose engine is at `uri`, attaching files to `agreement_id`."""
    section = Section(
        "(b) Files: GridFS through the API vs the driver (SecantusDB)",
        columns=("API (HTTP)", "driver", "API / driver"),
    )
    workdir = server.log_path.parent
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(uri)
    bucket = AsyncGridFSBucket(client[DATABASE_NAME], FILES_BUCKET)
    try:
        async with server.admin_client(request_timeout=None) as http:
            api = Api(http)
            idle = await asyncio.to_thread(settled_rss, server.pid)
            section.add("server idle RSS", mib(idle))
            for size_mb in sizes_mb:
                await _one_size(
                    section, workdir, server.pid, api, http, bucket, agreement_id, size_mb, idle
                )
        await _growth(section, workdir, bucket, growth_target_mb)
    finally:
        await client.close()
    section.notes.append(
        "Each file is random bytes behind a PDF header; both sides hash what they download "
        "and the hashes are checked against the file's. Upload through the API: multipart "
        "body spooled to disk by the server, then written to GridFS a few chunks per insert."
    )
    return section


async def _one_size(
    section: Section,
    workdir: Path,
    server_pid: int,
    api: Api,
    http: Any,
    bucket: AsyncGridFSBucket,
    agreement_id: str,
    size_mb: int,
    idle: float | None,
) -> None:
    path = workdir / f"scan-{size_mb}.pdf"
    await asyncio.to_thread(write_pdf_like, path, size_mb)
    with PeakRss(server_pid) as peak:
        t0 = time.perf_counter()
        with path.open("rb") as stream:
            payload = await api.upload(
                UPLOAD_DOCUMENT,
                "uploadAgreementDocument",
                {"agreementId": agreement_id, "type": "SIGNED_KSB", "title": f"{size_mb} MiB"},
                (path.name, stream, "application/pdf"),
            )
        api_up = time.perf_counter() - t0
    document = payload["document"]
    t0 = time.perf_counter()
    file_id = await driver_upload(bucket, path)
    driver_up = time.perf_counter() - t0
    api_times, driver_times = [], []
    for _ in range(DOWNLOAD_ROUNDS):
        seconds, api_digest = await timed(lambda: api_download(http, document["downloadUrl"]))
        api_times.append(seconds)
        seconds, driver_digest = await timed(lambda: driver_download(bucket, file_id))
        driver_times.append(seconds)
    api_down, driver_down = statistics.median(api_times), statistics.median(driver_times)
    if driver_digest != document["sha256"]:
        section.notes.append(f"WARNING: the driver's {size_mb} MiB download does not match")
    path.unlink()
    section.add(
        f"upload {size_mb} MiB",
        rate(size_mb, api_up),
        rate(size_mb, driver_up),
        f"{driver_up / api_up:.0%} of the driver's throughput",
    )
    section.add(
        f"download {size_mb} MiB (median of {DOWNLOAD_ROUNDS})",
        rate(size_mb, api_down),
        rate(size_mb, driver_down),
        f"{driver_down / api_down:.0%} of the driver's throughput",
    )
    growth = "n/a" if peak.peak is None or idle is None else f"+{peak.peak - idle:.0f} MiB"
    section.add(f"server peak RSS during the {size_mb} MiB upload (vs idle)", growth)
    if api_digest != document["sha256"]:
        section.notes.append(f"WARNING: the {size_mb} MiB download does not match its sha256")


async def _growth(
    section: Section, workdir: Path, bucket: AsyncGridFSBucket, target_mb: int
) -> None:
    """Per-MB cost of a driver upload as the bucket fills (it already holds the files above)."""
    path = workdir / "step.pdf"
    await asyncio.to_thread(write_pdf_like, path, STEP_MB)
    costs: list[float] = []
    stored = 0
    while stored < target_mb:
        t0 = time.perf_counter()
        await driver_upload(bucket, path)
        costs.append((time.perf_counter() - t0) / STEP_MB)
        stored += STEP_MB
    path.unlink()
    section.add(
        f"driver upload per MiB: first {STEP_MB} MiB / last {STEP_MB} MiB of {stored:,} MiB",
        f"{costs[0] * 1000:.0f} ms / {costs[-1] * 1000:.0f} ms",
        "",
        f"last / first: {ratio(costs[-1], costs[0])}",
    )
