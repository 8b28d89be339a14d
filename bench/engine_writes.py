"""(c) The embedded engines' write cost as a collection grows, side by side.

Each engine runs as the child process the server starts (`database.embedded_engine`), and
everything goes over the wire with PyMongo's AsyncMongoClient, as the app writes: the
collection gets the app's agreement indexes, is filled with `insert_many` in batches up to
each size, and at each size single `insert_one` calls are timed. Filling is set-up, bounded by
a time budget per engine; an engine that cannot reach a size within it is measured where it
got to, and the report says so.

Then the write an agreement gets most, a chronology event pushed onto it, is timed on an
agreement that carries its search keys (with their multikey indexes) and on one that keeps
them apart (models/agreement_keys.py): an engine rewrites every index entry of a document it
writes, so this is what keeping them apart saves. Last, a compare-and-set on one document of
the filled collection, as one findAndModify and as the app writes it (an update, then a read:
docs/engines.md, *findAndModify writes through a scan*).
"""

import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import bson
from bson import ObjectId
from pymongo import AsyncMongoClient, ReturnDocument

from bench.report import Section, ms, ratio
from database import embedded_engine
from embedded_engine import Engine
from models.agreement import Agreement
from models.agreement_keys import SEARCH_FIELDS
from models.searchable import search_indexes, text_keys

DATABASE_NAME = "sikerma_bench"
COLLECTION = "agreements"
FILL_BATCH = 500
SAMPLES = 15
READ_SAMPLES = 5
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
        "number": f"PKS/{n:07d}/2024",
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


class EngineRun:
    """One engine's numbers: per size, the documents reached and the single-insert median."""

    def __init__(self) -> None:
        self.medians: dict[int, tuple[int, float]] = {}
        self.fill_rates: list[float] = []
        # Per size: the median of a first page (20 newest) and of a lookup by _id.
        self.reads: dict[int, tuple[float, float]] = {}
        # The median of an event pushed onto an agreement: its keys on it, and apart.
        self.updates: tuple[float, float] = (0.0, 0.0)
        # At the documents reached: the median of a compare-and-set as a findAndModify, and
        # as an update and a read.
        self.revision_writes: tuple[int, float, float] = (0, 0.0, 0.0)


async def timed_reads(collection: Any) -> tuple[float, float]:
    """A list's first page (sorted on an index, limited) and a point lookup by _id: on a
    server that uses its indexes neither grows with the collection."""
    pages, points = [], []
    newest = await collection.find_one({}, {"_id": 1}, sort=[("_id", -1)])
    for _ in range(READ_SAMPLES):
        t0 = time.perf_counter()
        await collection.find({}).sort([("updated_at", -1), ("_id", -1)]).limit(20).to_list()
        pages.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        await collection.find_one({"_id": newest["_id"]})
        points.append(time.perf_counter() - t0)
    return statistics.median(pages), statistics.median(points)


async def timed_inserts(collection: Any, first_number: int) -> float:
    singles = []
    for n in range(first_number, first_number + SAMPLES):
        document = agreement_document(n)
        t0 = time.perf_counter()
        await collection.insert_one(document)
        singles.append(time.perf_counter() - t0)
    return statistics.median(singles)


async def timed_events(database: Any) -> tuple[float, float]:
    """An event pushed onto an agreement that carries its search keys, and onto one that
    does not: each alone in a collection with the app's indexes (and, for the first, the
    keys' multikey indexes)."""
    medians = []
    for name, keyed in (("keyed_agreements", True), ("agreements_apart", False)):
        collection = database[name]
        indexes = [*Agreement.Settings.indexes, *(search_indexes() if keyed else [])]
        await collection.create_indexes(indexes)
        document = agreement_document(0)
        if keyed:
            document.update(text_keys([document[field] for field in SEARCH_FIELDS]))
        await collection.insert_one(document)
        event = document["chronology"][0]
        times = []
        for n in range(SAMPLES):
            t0 = time.perf_counter()
            await collection.find_one_and_update(
                {"_id": document["_id"], "revision": document["revision"] + n},
                {"$push": {"chronology": {**event, "id": ObjectId()}}, "$inc": {"revision": 1}},
            )
            times.append(time.perf_counter() - t0)
        medians.append(statistics.median(times))
    return medians[0], medians[1]


async def timed_revision_writes(collection: Any) -> tuple[float, float]:
    """One document's revision moved on by a findAndModify, and by an update on `_id` and
    revision followed by a read of the document (models/base.py `compare_and_set`)."""
    target = await collection.find_one({}, {"_id": 1, "revision": 1}, sort=[("_id", 1)])
    revision = target["revision"]
    together, apart = [], []
    for _ in range(SAMPLES):
        current = {"_id": target["_id"], "revision": revision}
        t0 = time.perf_counter()
        await collection.find_one_and_update(
            current, {"$inc": {"revision": 1}}, return_document=ReturnDocument.AFTER
        )
        together.append(time.perf_counter() - t0)
        current = {"_id": target["_id"], "revision": revision + 1}
        t0 = time.perf_counter()
        await collection.update_one(current, {"$inc": {"revision": 1}})
        await collection.find_one({"_id": target["_id"]})
        apart.append(time.perf_counter() - t0)
        revision += 2
    return statistics.median(together), statistics.median(apart)


async def fill(collection: Any, count: int, size: int, deadline: float) -> int:
    """Insert documents count..size in batches until the deadline; the count reached."""
    while count < size and time.monotonic() < deadline:
        batch = min(FILL_BATCH, size - count)
        await collection.insert_many(
            [agreement_document(count + i) for i in range(batch)], ordered=False
        )
        count += batch
    return count


async def run_engine(
    engine: Engine, data_dir: Path, sizes: list[int], budget_seconds: float
) -> EngineRun:
    """Fill without the secondary indexes and build them once the size is reached (how a
    restore loads data; an engine maintains indexes per document several times slower), then
    time single inserts with every index in place."""
    result = EngineRun()
    deadline = time.monotonic() + budget_seconds
    async with embedded_engine(data_dir, engine) as uri:
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(uri, tz_aware=True)
        try:
            collection = client[DATABASE_NAME][COLLECTION]
            count = 0
            # The timed inserts are numbered apart from the filled ones (unique index).
            measured = 10**6
            for size in sizes:
                t0, start = time.perf_counter(), count
                await collection.drop_indexes()
                count = await fill(collection, count, size, deadline)
                await collection.create_indexes(Agreement.Settings.indexes)
                if count > start:
                    result.fill_rates.append((count - start) / (time.perf_counter() - t0))
                result.medians[size] = (count, await timed_inserts(collection, measured))
                result.reads[size] = await timed_reads(collection)
                count += SAMPLES
                measured += SAMPLES
                if count < size:
                    break
            result.revision_writes = (count, *await timed_revision_writes(collection))
            result.updates = await timed_events(client[DATABASE_NAME])
        finally:
            await client.close()
    return result


async def measure(
    workdir: Path, engines: list[Engine], sizes: list[int], budgets: dict[Engine, float]
) -> Section:
    section = Section(
        "(c) Embedded engines: write and read cost vs collection size", columns=tuple(engines)
    )
    runs = {
        engine: await run_engine(engine, workdir / f"inserts-{engine}", sizes, budgets[engine])
        for engine in engines
    }
    for size in sizes:
        cells = []
        for engine in engines:
            found = runs[engine].medians.get(size)
            if found is None:
                cells.append("not reached")
            elif found[0] < size:
                cells.append(f"{ms(found[1])} (at {found[0]:,}: fill budget spent)")
            else:
                cells.append(ms(found[1]))
        section.add(f"insert_one at {size:,} docs (median of {SAMPLES})", *cells)
    for size in sizes:
        section.add(
            f"first page (20, sorted on an index) / find by _id at {size:,} docs",
            *(
                f"{ms(runs[e].reads[size][0])} / {ms(runs[e].reads[size][1])}"
                if size in runs[e].reads and runs[e].medians[size][0] >= size
                else "not reached"
                for e in engines
            ),
        )
    first, last = sizes[0], sizes[-1]
    cells = []
    for engine in engines:
        medians = runs[engine].medians
        reached = last in medians and medians[last][0] >= last
        cells.append(ratio(medians[last][1], medians[first][1]) if reached else "n/a")
    section.add(f"cost at {last:,} / cost at {first:,} (goal ≤ 2x)", *cells)
    section.add(
        f"an event pushed onto an agreement: its search keys on it / apart (median of {SAMPLES})",
        *(
            f"{ms(runs[e].updates[0])} / {ms(runs[e].updates[1])} "
            f"({ratio(runs[e].updates[0], runs[e].updates[1])})"
            for e in engines
        ),
    )
    section.add(
        f"a revision write: findAndModify / update, then find (median of {SAMPLES})",
        *(
            f"{ms(runs[e].revision_writes[1])} / {ms(runs[e].revision_writes[2])} "
            f"at {runs[e].revision_writes[0]:,} docs "
            f"({ratio(runs[e].revision_writes[1], runs[e].revision_writes[2])})"
            for e in engines
        ),
    )
    section.add(
        f"fill rate (insert_many of {FILL_BATCH:,}, then index build)",
        *(
            f"{statistics.median(runs[e].fill_rates):,.0f} docs/s" if runs[e].fill_rates else "-"
            for e in engines
        ),
    )
    section.notes.append(
        f"Documents are ~{len(bson.encode(agreement_document(0))) / 1024:.1f} KiB of BSON, in a "
        "collection with the app's agreement indexes; seconds each engine may spend filling: "
        + ", ".join(f"{engine} {budgets[engine]:.0f}" for engine in engines)
        + "."
    )
    return section
