"""(c) The embedded engine's write cost as the collection grows.

Single `insert_one` calls over the wire (PyMongo AsyncMongoClient → the engine child process,
as the app writes) into an agreements collection with the app's indexes, at several sizes.

Filling goes through mongoeco's in-process API instead of the wire: over the wire every
inserted document, batched or not, is checked against a scan of the collection, so filling
10,000 documents that way takes most of an hour; the in-process bulk insert does not scan.
The fill is only set-up; what is measured is the wire insert at each size.
"""

import asyncio
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import bson
from bson import ObjectId
from pymongo import AsyncMongoClient

from bench.app_process import DATABASE_NAME
from bench.report import Section, ms
from database import ENGINE_FILE, embedded_engine
from models.agreement import Agreement

COLLECTION = "agreements"
FILL_BATCH = 500
SAMPLES = 7
MANY_BATCH = 10
LOREM = (
    "Kerja sama peningkatan kapasitas aparatur dan pertukaran data untuk layanan publik "
    "yang lebih baik di Kota Bogor, dengan evaluasi berkala oleh perangkat daerah. "
)


def agreement_document(n: int) -> dict[str, Any]:
    """A stored agreement as the app writes it: ~2 KB of BSON, with history and a scan."""
    now = datetime.now(UTC)
    actor = {"id": "bench", "name": "Bench"}
    return {
        "_id": ObjectId(),
        "number": f"PKS/{n:06d}/2024",
        "party_numbers": [{"party": "Mitra", "number": f"M-{n}"}],
        "title": f"Perjanjian kerja sama nomor {n} bidang pendidikan",
        "title_key": f"perjanjian kerja sama nomor {n} bidang pendidikan",
        "purpose": LOREM * 2,
        "scope": LOREM,
        "field": "Pendidikan",
        "form": "PKS",
        "cooperation_type": "KSDPK",
        "partner_ids": [ObjectId(), ObjectId()],
        "lead_org_unit_ids": [ObjectId()],
        "parent_id": ObjectId(),
        "signed_on": now - timedelta(days=n % 3000),
        "starts_on": now - timedelta(days=n % 3000),
        "ends_on": now + timedelta(days=n % 3000),
        "funding_source": "APBD",
        "archive_location": "Lemari 3, rak 2",
        "visibility": "INTERNAL",
        "status": "DRAFT",
        "documents": [
            {
                "id": ObjectId(),
                "file_id": ObjectId(),
                "type": "SIGNED_PKS",
                "title": "Naskah",
                "filename": f"pks-{n}.pdf",
                "content_type": "application/pdf",
                "size": 123456,
                "sha256": "ab" * 32,
                "version": 1,
                "uploaded_by": actor,
                "uploaded_at": now,
            }
        ],
        "chronology": [
            {
                "id": ObjectId(),
                "kind": kind,
                "title": title,
                "description": "",
                "occurred_at": now,
                "recorded_at": now,
                "recorded_by": actor,
                "document_ids": [],
                "prev_hash": "0" * 64,
                "hash": "f" * 64,
            }
            for kind, title in (("CREATED", "Data dicatat"), ("DOCUMENT_ADDED", "Dokumen"))
        ],
        "created_at": now,
        "updated_at": now,
        "revision": 2,
    }


def fill_in_process(data_dir: Path, start: int, target: int, deadline: float) -> int:
    """Bulk-insert documents start..target through mongoeco in-process; the count reached."""
    from mongoeco import MongoClient
    from mongoeco.engines.sqlite import SQLiteEngine

    client = MongoClient(engine=SQLiteEngine(str(data_dir / ENGINE_FILE)))
    try:
        collection = client[DATABASE_NAME][COLLECTION]
        count = start
        while count < target and time.monotonic() < deadline:
            batch = min(FILL_BATCH, target - count)
            collection.insert_many([agreement_document(count + i) for i in range(batch)])
            count += batch
        return count
    finally:
        client.close()


async def wire_inserts(data_dir: Path, first_number: int) -> tuple[list[float], float, int]:
    """Single inserts, then one small batch, over the wire; (single times, per-doc in batch,
    documents added)."""
    async with embedded_engine(data_dir) as uri:
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(uri, tz_aware=True)
        try:
            collection = client[DATABASE_NAME][COLLECTION]
            singles = []
            for i in range(SAMPLES):
                doc = agreement_document(first_number + i)
                t0 = time.perf_counter()
                await collection.insert_one(doc)
                singles.append(time.perf_counter() - t0)
            batch = [agreement_document(first_number + SAMPLES + i) for i in range(MANY_BATCH)]
            t0 = time.perf_counter()
            await collection.insert_many(batch)
            per_doc = (time.perf_counter() - t0) / MANY_BATCH
        finally:
            await client.close()
    return singles, per_doc, SAMPLES + MANY_BATCH


async def create_indexes(data_dir: Path) -> None:
    async with embedded_engine(data_dir) as uri:
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(uri)
        try:
            await client[DATABASE_NAME][COLLECTION].create_indexes(Agreement.Settings.indexes)
        finally:
            await client.close()


async def measure(workdir: Path, sizes: list[int], budget_seconds: float) -> Section:
    section = Section("(c) Embedded engine: insert cost vs collection size")
    data_dir = workdir / "engine-writes"
    deadline = time.monotonic() + budget_seconds
    await create_indexes(data_dir)
    count = 0
    numbers = 10**7  # numbers of measured inserts, apart from the filled ones (unique index)
    for k, size in enumerate(sizes):
        if time.monotonic() > deadline:
            skipped = ", ".join(f"{s:,}" for s in sizes[k:])
            section.notes.append(f"Not measured at {skipped}: the time budget was spent.")
            break
        t0 = time.perf_counter()
        reached = await asyncio.to_thread(fill_in_process, data_dir, count, size, deadline)
        fill_seconds = time.perf_counter() - t0
        singles, per_doc, added = await wire_inserts(data_dir, numbers)
        numbers += added
        section.add(
            f"insert_one at {reached:,} docs (median of {SAMPLES})",
            f"{ms(statistics.median(singles))} (min {ms(min(singles))}, max {ms(max(singles))})",
        )
        section.add(f"insert_many of {MANY_BATCH} at {reached:,} docs, per doc", ms(per_doc))
        section.add(f"in-process bulk fill to {reached:,}", f"{fill_seconds:.1f} s")
        count = reached + added
        if reached < size:
            section.notes.append(
                f"The {budget_seconds / 60:.0f}-minute budget ran out while filling to "
                f"{size:,}; measured at {reached:,} documents instead."
            )
            break
    section.notes.append(
        f"Documents are ~{len(bson.encode(agreement_document(0))) / 1024:.1f} KiB of BSON, in a "
        "collection with the app's agreement indexes (unique number, text, sort keys)."
    )
    return section
