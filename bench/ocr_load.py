"""(e) The agreement list while OCR runs: p95 latency with 20 scanned pages being read, vs idle.

One server (OCR on, one worker: the default), seeded like the other parts. The list page
(50 agreements with their relations) is timed idle, then again while the server reads 20
scanned pages (five 4-page PDFs rendered like the tests' scans) until every one is DONE.
The OCR worker runs in child processes at a lower priority, with Tesseract on one thread.
"""

import asyncio
import statistics
import time
from pathlib import Path
from typing import Any

import httpx
from pymongo import AsyncMongoClient

from bench.api import Api
from bench.app_process import DATABASE_NAME, run_server
from bench.page_latency import api_page
from bench.report import Section, ms
from bench.seed import UPLOAD_DOCUMENT, seed_archive
from database import embedded_engine
from resolvers.ocr_availability import detect_availability
from settings import Settings
from tests import scans

FILES = 5
PAGES_PER_FILE = 4
IDLE_RUNS = 40
# The most time the OCR of 20 pages may take before the part gives up.
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


async def measure(workdir: Path) -> Section:
    section = Section("(e) Agreement list p95 while OCR reads 20 pages, vs idle")
    found = await detect_availability(Settings())
    if not found.available:
        section.notes.append(f"Skipped: OCR is unavailable here ({found.reason}).")
        return section
    page_texts = [scans.PAGES[n % len(scans.PAGES)] for n in range(PAGES_PER_FILE)]
    scan = scans.scanned_pdf(page_texts)
    async with (
        embedded_engine(workdir / "ocr-engine") as uri,
        run_server(
            workdir / "ocr-data", workdir / "ocr-server.log", mongodb_uri=uri, ocr_workers=1
        ) as server,
        server.admin_client() as http,
    ):
        api = Api(http)
        seeded = await seed_archive(api)
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(uri, tz_aware=True)
        db = client[DATABASE_NAME]
        try:
            # The seeded text PDFs are read first (no OCR); idle means that queue is empty.
            await wait_for_ocr(db, 0, asyncio.Event())
            for _ in range(3):
                await api_page(http, 50)
            idle = []
            for _ in range(IDLE_RUNS):
                t0 = time.perf_counter()
                await api_page(http, 50)
                idle.append(time.perf_counter() - t0)
            before = await db["document_texts"].count_documents({})
            for n in range(FILES):
                await api.upload(
                    UPLOAD_DOCUMENT,
                    "uploadAgreementDocument",
                    {
                        "agreementId": seeded.agreement_ids[n],
                        "type": "OTHER",
                        "title": f"Pindaian naskah {n + 1}",
                    },
                    (f"pindaian-{n + 1}.pdf", scan, "application/pdf"),
                )
            done = asyncio.Event()
            busy, seconds = await asyncio.gather(
                list_latencies_until(http, done), wait_for_ocr(db, before + FILES, done)
            )
            read = await db["document_texts"].count_documents({"status": "DONE", "source": "OCR"})
        finally:
            await client.close()
    section.add("agreement list, 50 items, idle (p95)", ms(p95(idle)))
    section.add(f"agreement list while OCR runs (p95 of {len(busy)})", ms(p95(busy)))
    section.add("**ratio p95 during OCR / idle**", f"**{p95(busy) / p95(idle):.2f}x**")
    section.add("OCR of 20 pages", f"{seconds:.0f} s ({read} of {FILES} files read by OCR)")
    section.notes.append(
        "Idle and busy are timed in the same run, one after the other; the machine's other "
        "load (2 shared cores) moves both."
    )
    return section
