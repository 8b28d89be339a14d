"""(b) Server memory while a large scan is uploaded and downloaded.

The server runs as `python server.py` with its own embedded engine (a child process), so each
process's RSS is its own. A flat server RSS means the file streams (multipart spooled to disk,
GridFS in chunks); growth near the file size would mean the file is held in memory.
"""

import asyncio
import hashlib
import os
import statistics
import time
from pathlib import Path
from typing import Any

import httpx

from bench import procmem
from bench.api import Api
from bench.app_process import run_server
from bench.report import Section, mib
from bench.seed import UPLOAD_DOCUMENT, one_agreement, small_pdf
from bench.stall import probe_during

MIB = 1024 * 1024


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


class PhasePeaks:
    """Peak RSS of the server and its engine during one phase."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = pids
        # Python rarely returns freed memory to the system, so a phase starts where the last
        # one left off; its own growth is measured from here.
        self.start = {name: procmem.rss_mib(pid) for name, pid in pids.items()}
        self.kernel_marks = all(procmem.reset_peak(pid) for pid in pids.values())
        self.sampler = procmem.PeakSampler(pids)
        self.marks: dict[str, float | None] = {}

    def __enter__(self) -> "PhasePeaks":
        self.sampler.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.sampler.__exit__(*exc)
        # Read now: the next phase resets the kernel's mark.
        self.marks = {
            name: procmem.peak_mib(pid) if self.kernel_marks else None
            for name, pid in self.pids.items()
        }

    def peak(self, name: str) -> float | None:
        values = [v for v in (self.sampler.peaks.get(name), self.marks[name]) if v is not None]
        return max(values) if values else None


def _describe_peak(
    section: Section, phase: str, name: str, peaks: PhasePeaks, idle: float | None, size: float
) -> None:
    peak, start = peaks.peak(name), peaks.start[name]
    if peak is None or idle is None or start is None:
        section.add(f"{name} peak RSS {phase}", mib(peak))
        return
    section.add(
        f"{name} peak RSS {phase}",
        f"{peak:.0f} MiB: idle +{peak - idle:.0f} MiB ({peak / idle:.2f}x idle, growth "
        f"{(peak - idle) / size:.0%} of the file); +{peak - start:.0f} MiB within the phase",
    )


async def measure(workdir: Path, upload_mb: int) -> Section:
    section = Section(f"(b) Memory: upload and download of a {upload_mb} MiB PDF-like file")
    big = workdir / "big.pdf"
    await asyncio.to_thread(write_pdf_like, big, upload_mb)
    file_mb = big.stat().st_size / MIB
    async with run_server(
        workdir / "memory-data", workdir / "memory-server.log", max_upload_mb=upload_mb + 10
    ) as server:
        engine = server.engine_pid()
        pids = {"server": server.pid} | ({"engine": engine} if engine is not None else {})
        async with server.admin_client(request_timeout=None) as client:
            api = Api(client)
            agreement_id = await one_agreement(api)
            # Warm-up: import and allocate what any upload needs, so idle means ready.
            await api.upload(
                UPLOAD_DOCUMENT,
                "uploadAgreementDocument",
                {"agreementId": agreement_id, "type": "MINUTES", "title": "Pemanasan"},
                ("warmup.pdf", small_pdf("warm-up"), "application/pdf"),
            )
            idle = {name: await asyncio.to_thread(settled_rss, pid) for name, pid in pids.items()}
            uploaded: dict[str, Any] = {}

            async def upload() -> None:
                # An open file: httpx streams the multipart body from disk.
                with big.open("rb") as stream:
                    payload = await api.upload(
                        UPLOAD_DOCUMENT,
                        "uploadAgreementDocument",
                        {"agreementId": agreement_id, "type": "SIGNED_KSB", "title": "Naskah"},
                        ("naskah-besar.pdf", stream, "application/pdf"),
                    )
                uploaded.update(payload["document"])

            with PhasePeaks(pids) as up_peaks:
                t0 = time.perf_counter()
                up_probe = await probe_during(server.base_url, upload)
                up_seconds = time.perf_counter() - t0

            received = 0
            digest = hashlib.sha256()

            async def download() -> None:
                nonlocal received
                async with client.stream("GET", uploaded["downloadUrl"]) as response:
                    response.raise_for_status()
                    async for chunk in response.aiter_raw():
                        received += len(chunk)
                        digest.update(chunk)

            down_error = ""
            with PhasePeaks(pids) as down_peaks:
                t0 = time.perf_counter()
                try:
                    down_probe = await probe_during(server.base_url, download)
                except httpx.HTTPError as error:
                    # Keep the upload's numbers; say why the download broke.
                    down_error = f"{type(error).__name__}: {error}; server: {server.last_error()}"
                    down_probe = None
                down_seconds = time.perf_counter() - t0

    for name in pids:
        section.add(f"{name} idle RSS", mib(idle[name]))
    for phase, peaks in (("during upload", up_peaks), ("during download", down_peaks)):
        for name in pids:
            _describe_peak(section, phase, name, peaks, idle[name], file_mb)
    section.add(
        "upload time (HTTP + GridFS)", f"{up_seconds:.1f} s ({file_mb / up_seconds:.1f} MiB/s)"
    )
    up_probe.describe(section, "during upload")
    if down_error:
        section.add("download", f"FAILED after {received / MIB:.0f} MiB")
        section.notes.append(f"WARNING: the download failed: `{down_error}`")
    else:
        section.add(
            "download time (streamed to nowhere)",
            f"{down_seconds:.1f} s ({file_mb / down_seconds:.1f} MiB/s)",
        )
        if down_probe is not None:
            down_probe.describe(section, "during download")
        if received == uploaded["size"] and digest.hexdigest() == uploaded["sha256"]:
            section.notes.append("The downloaded bytes match the stored size and sha256.")
        else:
            section.notes.append(
                f"WARNING: the download ({received} bytes) does not match the upload "
                f"({uploaded['size']} bytes, sha256 {uploaded['sha256'][:12]}…)"
            )
    if not up_peaks.kernel_marks:
        section.notes.append("Peaks are sampled every 50 ms (the kernel refused a VmHWM reset).")
    else:
        section.notes.append("Peaks are the kernel's VmHWM per phase (reset via clear_refs).")
    if engine is None:
        section.notes.append("The engine process was not found; only the server is reported.")
    return section
