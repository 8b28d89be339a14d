"""`python -m bench`: measure the API and the embedded engine; print and save a report."""

import argparse
import asyncio
import os
import platform
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from bench import engine_writes, memory, ocr_load, page_latency, preservation, stall
from bench.api import Api
from bench.app_process import DATABASE_NAME, run_server
from bench.report import Section
from bench.seed import seed_archive
from database import embedded_engine

RESULTS = Path(__file__).resolve().parent / "results" / "latest.md"
PARTS = ("page", "stall", "engine", "memory", "preservation", "ocr")
ENGINE_BUDGET_SECONDS = 600.0


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="skip the 10,000-document step; upload 20 MiB"
    )
    parser.add_argument("--runs", type=int, default=30, help="timed runs per latency (30)")
    parser.add_argument(
        "--upload-mb",
        type=int,
        default=None,
        help="size of the memory test's file (default 100, or 20 with --quick); the embedded "
        "engine's upload time grows with the square of the size: 200 MiB took ~30 minutes "
        "on 2 busy cores",
    )
    parser.add_argument(
        "--scan-mb",
        type=int,
        default=int(os.environ.get("BENCH_SCAN_MB", preservation.SCAN_MB)),
        help="MiB of scans added to the demo data for the preservation part (default "
        f"{preservation.SCAN_MB}, or BENCH_SCAN_MB; 1024 for the 1 GB measurement)",
    )
    parser.add_argument(
        "--only", action="append", choices=PARTS, help="run only these parts (repeatable)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the work directory and logs")
    return parser.parse_args(argv)


async def api_parts(workdir: Path, runs: int, parts: set[str]) -> list[Section]:
    """(a) and (d) share one seeded server. The bench starts the engine itself (the same
    child process the server would start) so its PyMongo client reads the same database."""
    sections = []
    async with (
        embedded_engine(workdir / "api-engine") as uri,
        run_server(workdir / "api-data", workdir / "api-server.log", mongodb_uri=uri) as server,
    ):
        async with server.admin_client() as client:
            seeded = await seed_archive(Api(client))
        setup = Section("Setup")
        setup.add("seeded through GraphQL", seeded.summary())
        sections.append(setup)
        if "page" in parts:
            sections.append(await page_latency.measure(server, uri, DATABASE_NAME, runs))
        if "stall" in parts:
            sections.append(await stall.measure(server))
    return sections


async def guarded(
    title: str, run: Callable[[], Awaitable[Section | list[Section]]]
) -> list[Section]:
    """A part that breaks is reported and the others still run."""
    try:
        result = await run()
        return result if isinstance(result, list) else [result]
    except Exception as error:
        traceback.print_exc()
        failed = Section(f"{title}: FAILED")
        failed.notes.append(f"`{type(error).__name__}: {str(error)[:2000]}`")
        return [failed]


def header(args: argparse.Namespace, seconds: float) -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return (
        "## Benchmark results\n\n"
        f"- when: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; command: "
        f"`{' '.join(['python -m bench', *sys.argv[1:]])}`; run time {seconds / 60:.1f} min\n"
        f"- machine: {os.cpu_count()} CPUs ({cpu}); Python {platform.python_version()}; "
        f"mongoeco {version('mongoeco')}, pymongo {version('pymongo')}, "
        f"strawberry {version('strawberry-graphql')}\n"
    )


async def main(args: argparse.Namespace) -> int:
    parts = set(args.only or PARTS)
    upload_mb = args.upload_mb or (20 if args.quick else 100)
    sizes = [100, 1_000] if args.quick else [100, 1_000, 10_000]
    workdir = Path(tempfile.mkdtemp(prefix="sikerma-bench-"))
    started = time.perf_counter()
    sections: list[Section] = []
    try:
        if parts & {"page", "stall"}:
            sections += await guarded("API", lambda: api_parts(workdir, args.runs, parts))
        if "engine" in parts:
            sections += await guarded(
                "(c) Engine",
                lambda: engine_writes.measure(workdir, sizes, ENGINE_BUDGET_SECONDS),
            )
        if "memory" in parts:
            sections += await guarded("(b) Memory", lambda: memory.measure(workdir, upload_mb))
        if "preservation" in parts:
            sections += await guarded(
                "(e) Preservation", lambda: preservation.measure(workdir, args.scan_mb)
            )
        if "ocr" in parts:
            sections += await guarded("(f) OCR", lambda: ocr_load.measure(workdir))
    finally:
        if args.keep:
            print(f"work directory kept: {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    report = header(args, time.perf_counter() - started) + "".join(
        "\n" + s.markdown() for s in sections
    )
    print(report)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(report)
    print(f"written to {RESULTS.relative_to(Path.cwd(), walk_up=True)}", file=sys.stderr)
    return 1 if any(s.title.endswith("FAILED") for s in sections) else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args(sys.argv[1:]))))
