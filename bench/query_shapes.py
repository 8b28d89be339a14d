"""Which query shapes the embedded engine answers without reading the whole collection.

    .venv/bin/python -m bench.query_shapes [--engine secantus] [--sizes 100,2000]

One collection of stored agreements (`engine_writes.agreement_document`, with the app's
agreement indexes) is filled to each size, and each shape below is timed over the wire as the
app sends it. A shape is flat when its time at the largest size stays near its time at the
smallest: then its cost follows the documents it returns, not the collection. Each shape
returns the same number of documents at every size except the ones named "grows", which
show what a growing match costs. Prints a Markdown report and writes it to
bench/results/query_shapes.md; never fails on a timing.
"""

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pymongo import AsyncMongoClient

from bench.engine_writes import agreement_document
from bench.report import Section, ms, ratio
from database import embedded_engine
from embedded_engine import Engine
from models.agreement import Agreement
from models.date_ranges import dated

RESULTS = Path(__file__).resolve().parent / "results" / "query_shapes.md"
SAMPLES = 7
PAGE = 20

Shape = Callable[[Any], Awaitable[Any]]


def numbered(n: int) -> str:
    return agreement_document(n)["number"]


def in_days(days: int) -> datetime:
    """Before the end of the documents numbered below `days` (`ends_on` is n days on)."""
    return datetime.now(UTC) + timedelta(days=days)


def stored(n: int) -> dict[str, Any]:
    """Document n: every tenth one EXPIRED (a match that grows with the collection), the
    rest ACTIVE; `form` is "NK" for the first 20 only (an equality that stays small)."""
    document = agreement_document(n)
    document["status"] = "EXPIRED" if n % 10 == 0 else "ACTIVE"
    document["form"] = "NK" if n < PAGE else "PKS"
    return document


async def grouped(collection: Any, match: dict[str, Any]) -> list[dict[str, Any]]:
    cursor = await collection.aggregate(
        [{"$match": match}, {"$group": {"_id": "$form", "n": {"$sum": 1}}}]
    )
    return await cursor.to_list()


SHAPES: dict[str, Shape] = {
    "equality on a unique index, 1 match": lambda c: c.find_one({"number": numbered(7)}),
    "equality on an indexed field, 20 match": lambda c: c.find({"form": "NK"}).to_list(),
    "$in on an indexed field, 20 values": lambda c: c.find(
        {"number": {"$in": [numbered(n) for n in range(PAGE)]}}
    ).to_list(),
    "range on an indexed field, 20 inside": lambda c: c.find(
        {"number": {"$gte": numbered(0), "$lt": numbered(PAGE)}}
    ).to_list(),
    "equality + range on a compound index, 20 inside": lambda c: c.find(
        {"form": "NK", "number": {"$gte": numbered(0)}}
    ).to_list(),
    "equality on a compound index's first field + $ne, 20 match": lambda c: c.find(
        {"form": "NK", "status": {"$ne": "DRAFT"}}
    ).to_list(),
    "the same under a top-level $and": lambda c: c.find(
        {"$and": [{"form": "NK"}, {"status": {"$ne": "DRAFT"}}]}
    ).to_list(),
    "equality + dates before a day (lower bound), ~20 inside": lambda c: c.find(
        {"status": "ACTIVE", "ends_on": dated({"$lt": in_days(PAGE)})}
    ).to_list(),
    "the same with $ne: null for a lower bound": lambda c: c.find(
        {"status": "ACTIVE", "ends_on": {"$lt": in_days(PAGE), "$ne": None}}
    ).to_list(),
    "equality on an indexed field, grows (a tenth)": lambda c: c.find(
        {"status": "EXPIRED"}
    ).to_list(),
    "sort on an index + limit 20, no filter": lambda c: (
        c.find({}).sort([("updated_at", -1), ("_id", -1)]).limit(PAGE).to_list()
    ),
    "sort on an index + limit 20, equality that grows": lambda c: (
        c.find({"status": "ACTIVE"}).sort([("ends_on", 1)]).limit(PAGE).to_list()
    ),
    "sort + limit 20 inside a range of 20": lambda c: (
        c.find({"number": {"$gte": numbered(0), "$lt": numbered(PAGE)}})
        .sort([("number", -1)])
        .limit(PAGE)
        .to_list()
    ),
    "count_documents, equality, 20 match": lambda c: c.count_documents({"form": "NK"}),
    "count_documents, no filter": lambda c: c.count_documents({}),
    "estimated_document_count": lambda c: c.estimated_document_count(),
    "aggregate $match (equality, 20) + $group": lambda c: grouped(c, {"form": "NK"}),
    "aggregate $match (equality that grows) + $group": lambda c: grouped(c, {"status": "ACTIVE"}),
}


async def timed(shape: Shape, collection: Any) -> float:
    await shape(collection)
    times = []
    for _ in range(SAMPLES):
        t0 = time.perf_counter()
        await shape(collection)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


async def measure(engine: Engine, sizes: list[int], workdir: Path) -> Section:
    results: dict[int, dict[str, float]] = {}
    async with embedded_engine(workdir / "engine", engine) as uri:
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(uri, tz_aware=True)
        try:
            collection = client["sikerma_bench_shapes"]["agreements"]
            await collection.create_indexes([*Agreement.Settings.indexes, *shape_indexes()])
            count = 0
            for size in sizes:
                while count < size:
                    batch = min(500, size - count)
                    await collection.insert_many([stored(count + i) for i in range(batch)])
                    count += batch
                results[size] = {
                    name: await timed(shape, collection) for name, shape in SHAPES.items()
                }
        finally:
            await client.close()
    small, large = sizes[0], sizes[-1]
    section = Section(
        f"Query shapes on {engine}: median of {SAMPLES} at {small:,} and {large:,} agreements",
        columns=(f"at {small:,}", f"at {large:,}", "ratio"),
    )
    for name in SHAPES:
        before, after = results[small][name], results[large][name]
        section.add(name, ms(before), ms(after), ratio(after, before))
    return section


def shape_indexes() -> list[Any]:
    from pymongo import ASCENDING, IndexModel

    return [
        IndexModel([("form", ASCENDING), ("number", ASCENDING)], name="form_number"),
        # The listing rows' index for expiring agreements.
        IndexModel([("status", ASCENDING), ("ends_on", ASCENDING)], name="status_ends_on"),
    ]


async def main(args: argparse.Namespace) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="sikerma-bench-shapes-"))
    try:
        section = await measure(args.engine, args.sizes, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    report = f"## Benchmark: query shapes\n\n{section.markdown()}"
    print(report)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(report)
    return 0


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.query_shapes", description=__doc__)
    parser.add_argument("--engine", default="secantus", choices=["secantus", "mongoeco"])
    parser.add_argument(
        "--sizes",
        type=lambda text: [int(part) for part in text.split(",")],
        default=[100, 2000],
        help="collection sizes, comma-separated (100,2000)",
    )
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args(sys.argv[1:]))))
