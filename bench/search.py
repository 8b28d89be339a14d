"""The cost of stored search keys: keys per agreement, insert cost with and without their
multikey index, and a text search against a single-key lookup, on one engine in one run.

    .venv/bin/python -m bench.search [--documents 500] [--uri mongodb://...]

Without `--uri` it starts the embedded engine in a temporary directory. The documents carry
the search keys of the demo agreements' texts (title, purpose, scope) and a number of their
own. Prints ratios measured in this run and the plan the engine chose for each query shape
(`explain`); never fails on a timing.
"""

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from contextlib import AbstractAsyncContextManager, nullcontext
from pathlib import Path
from typing import Any

from pymongo import AsyncMongoClient

from database import embedded_engine
from demo_data import AGREEMENTS
from models.search import keys_filter, search_keys

DATABASE = "sikerma_bench_search"
QUERIES = ["kesehatan", "kerja sama", "pendidikan anak"]


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__)
    parser.add_argument("--documents", type=int, default=500, help="documents per collection")
    parser.add_argument("--uri", default=None, help="a running engine (default: embedded)")
    return parser.parse_args(argv)


async def _insert_each(collection: Any, docs: list[dict[str, Any]]) -> float:
    """Seconds per insert, one document at a time (as the API writes)."""
    await collection.delete_many({})
    start = time.perf_counter()
    for doc in docs:
        await collection.insert_one(dict(doc))
    return (time.perf_counter() - start) / len(docs)


async def _timed(collection: Any, flt: dict[str, Any]) -> tuple[float, int, str]:
    start = time.perf_counter()
    rows = await collection.find(flt, {"_id": 1}).sort("_id", -1).limit(21).to_list()
    seconds = time.perf_counter() - start
    plan = await collection.database.command(
        "explain", {"find": collection.name, "filter": flt}, verbosity="queryPlanner"
    )
    stage = plan.get("queryPlanner", {}).get("winningPlan", {})
    stages = [stage.get("stage", "?")]
    while "inputStage" in stage:
        stage = stage["inputStage"]
        stages.append(stage.get("stage", "?"))
    return seconds, len(rows), " > ".join(stages)


async def measure(uri: str, count: int) -> None:
    client: AsyncMongoClient = AsyncMongoClient(uri, serverSelectionTimeoutMS=10_000)
    await client.drop_database(DATABASE)
    db = client[DATABASE]
    texts = [(a.title, a.purpose, a.scope) for a in AGREEMENTS]
    per_agreement = [len(search_keys(*t)) for t in texts]
    print(
        f"keys per demo agreement ({len(texts)}): median {statistics.median(per_agreement)}, "
        f"max {max(per_agreement)}"
    )
    docs = [
        {"n": i, "search_keys": search_keys(*texts[i % len(texts)], f"nomor {i}")}
        for i in range(count)
    ]
    await db.keyed.create_index("search_keys")
    # Alternate, so that a machine growing busier does not favour one side.
    plain, keyed = [], []
    for _ in range(2):
        plain.append(await _insert_each(db.plain, docs))
        keyed.append(await _insert_each(db.keyed, docs))
    p, k = min(plain), min(keyed)
    print(
        f"insert, {count} documents: {p * 1000:.1f} ms without the index, {k * 1000:.1f} ms "
        f"with it: {k / p:.2f}x"
    )
    base, _, base_plan = await _timed(db.keyed, {"search_keys": "kesehatan"})
    print(f"one key, equality: {base * 1000:.1f} ms ({base_plan})")
    for query in QUERIES:
        seconds, rows, plan = await _timed(db.keyed, keys_filter(query))
        print(
            f"text {query!r}: {seconds * 1000:.1f} ms, {seconds / base:.1f}x the single key, "
            f"{rows} rows ({plan})"
        )
    await client.drop_database(DATABASE)
    await client.close()


async def main(args: argparse.Namespace) -> int:
    engine: AbstractAsyncContextManager[str] = (
        nullcontext(args.uri)
        if args.uri
        else embedded_engine(Path(tempfile.mkdtemp(prefix="bench-search-")))
    )
    async with engine as uri:
        await measure(uri, args.documents)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args(sys.argv[1:]))))
