"""(f) The agreement list while OCR runs: p95 latency with scanned pages being read, vs idle.

A server with OCR on (one worker: the default) on the archive the other parts seeded. The
list page (50 agreements with their relations) is timed idle, then again while the server
reads `files` scanned PDFs of `pages` pages each (rendered like the tests' scans; five of
four by default) until every one is DONE.
The OCR worker runs in child processes at a lower priority, with Tesseract on one thread.
"""

import asyncio
import statistics
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import httpx
from pymongo import AsyncMongoClient

from bench.api import Api
from bench.app_process import DATABASE_NAME, ServerProcess
from bench.page_latency import api_page
from bench.report import Section, ms
from bench.seed import UPLOAD_DOCUMENT
from resolvers.ocr_availability import detect_availability
from settings import Settings
from tests import scans

# The most time the OCR of the scans may take before the part gives up.
OCR_BUDGET_SECONDS = 1800.0


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[-1]


async def list_latencies_until(http: httpx.AsyncClient, done: asyncio.Event) -> list[float]:
    latencies = []
    while not done.is_set():
        t0 = time.perf_counter()
        await api_page(http, 50)
        latencies.append(time.perf_counter() - t0)
    return latencies


async def wait_for_ocr(db: Any, expected: int, done: asyncio.Event) -> float:
    """Seconds until every queued scan is read (or failed)."""
    started = time.perf_counter()
    while time.perf_counter() - started < OCR_BUDGET_SECONDS:
        pending = await db["document_texts"].count_documents({"status": "PENDING"})
        finished = await db["document_texts"].count_documents({"status": {"$ne": "PENDING"}})
        if pending == 0 and finished >= expected:
            break
        await asyncio.sleep(0.5)
    done.set()
    return time.perf_counter() - started


async def set_seeded_texts_aside(db: Any) -> int:
    """Mark the queued text jobs of the seeded documents FAILED (an ADMIN's re-run would
    read them), so that the OCR server starts with an empty queue; how many."""
    result = await db["document_texts"].update_many(
        {"status": "PENDING"},
        {"$set": {"status": "FAILED", "reason": "set aside by the benchmark"}},
    )
    return int(result.modified_count)


async def measure(
    ocr_server: Callable[[], AbstractAsyncContextManager[ServerProcess]],
    engine_uri: str,
    agreement_ids: list[str],
    *,
    files: int,
    pages: int,
    idle_runs: int,
) -> Section:
    """`ocr_server()` serves the seeded archive at `engine_uri` with OCR on; the scans are
    attached to the first `files` of `agreement_ids`."""
    scanned = f"{files * pages} page{'s' if files * pages > 1 else ''}"
    section = Section(f"(f) Agreement list p95 while OCR reads {scanned}, vs idle")
    found = await detect_availability(Settings())
    if not found.available:
        section.notes.append(f"Skipped: OCR is unavailable here ({found.reason}).")
        return section
    page_texts = [scans.PAGES[n % len(scans.PAGES)] for n in range(pages)]
    scan = scans.scanned_pdf(page_texts)
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(engine_uri, tz_aware=True)
    db = client[DATABASE_NAME]
    try:
        set_aside = await set_seeded_texts_aside(db)
        async with ocr_server() as server, server.admin_client() as http:
            api = Api(http)
            # Idle means an empty queue.
            await wait_for_ocr(db, 0, asyncio.Event())
            for _ in range(3):
                await api_page(http, 50)
            idle = []
            for _ in range(idle_runs):
                t0 = time.perf_counter()
                await api_page(http, 50)
                idle.append(time.perf_counter() - t0)
            before = await db["document_texts"].count_documents({})
            for n in range(files):
                await api.upload(
                    UPLOAD_DOCUMENT,
                    "uploadAgreementDocument",
                    {
                        "agreementId": agreement_ids[n],
                        "type": "OTHER",
                        "title": f"Pindaian naskah {n + 1}",
                    },
                    (f"pindaian-{n + 1}.pdf", scan, "application/pdf"),
                )
            done = asyncio.Event()
            busy, seconds = await asyncio.gather(
                list_latencies_until(http, done), wait_for_ocr(db, before + files, done)
            )
            read = await db["document_texts"].count_documents({"status": "DONE", "source": "OCR"})
    finally:
        await client.close()
    section.add("agreement list, 50 items, idle (p95)", ms(p95(idle)))
    section.add(f"agreement list while OCR runs (p95 of {len(busy)})", ms(p95(busy)))
    section.add("**ratio p95 during OCR / idle**", f"**{p95(busy) / p95(idle):.2f}x**")
    section.add(
        f"OCR of {scanned}",
        f"{seconds:.0f} s ({read} of {files} files read by OCR)",
    )
    section.notes.append(
        "Idle and busy are timed in the same run, one after the other; the machine's other "
        "load (2 shared cores) moves both."
    )
    section.notes.append(
        f"The {set_aside} seeded documents (text PDFs, queued when the other parts uploaded "
        "them) were set aside before the OCR server started: reading their text takes a child "
        "process each, and is not what this part measures."
    )
    return section
