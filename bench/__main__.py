"""`python -m bench`: measure the API and the embedded engines; print and save a report.

python -m bench [--quick | --full]   API pages, event loop, engines, files (default ~2 min)
python -m bench suite                the test suite's wall time on each engine
python -m bench load                 the locust scenario (bench/load.py)
"""

import argparse
import asyncio
import os
import platform
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from bench import engine_writes, files, ocr_load, page_latency, preservation, stall, suite_time
from bench.api import Api
from bench.app_process import DATABASE_NAME, ServerProcess, run_server
from bench.report import Section
from bench.seed import seed_archive
from database import embedded_engine
from embedded_engine import Engine

RESULTS = Path(__file__).resolve().parent / "results" / "latest.md"
PARTS = ("page", "stall", "engine", "files", "preservation", "ocr")
ENGINES: list[Engine] = ["secantus", "mongoeco"]


@dataclass(frozen=True)
class Scale:
    """How much each part does: the default and --quick fit in two minutes on 2 busy cores;
    --full measures what the goals name (100,000 documents, 100/200 MiB files, 2 GiB)."""

    # Seeded KSBs (five PKS each), timed runs per latency, seconds of load on /healthz.
    frameworks: int
    runs: int
    stall_seconds: float
    # Worker processes the event-loop part runs the server with, one after the other.
    workers: list[int]
    insert_sizes: list[int]
    # Seconds each engine may spend filling its collection.
    fill_budget: dict[Engine, float]
    file_sizes_mb: list[int]
    growth_target_mb: int
    # MiB of scans for the preservation part (--scan-mb chooses another).
    scan_mb: int
    # Scans read by OCR, pages in each, and idle list pages timed before them.
    ocr_files: int
    ocr_pages: int
    ocr_idle_runs: int


SCALES = {
    "quick": Scale(
        frameworks=9,
        runs=5,
        stall_seconds=4,
        workers=[1, 2],
        insert_sizes=[0, 200],
        fill_budget={"secantus": 10, "mongoeco": 4},
        file_sizes_mb=[20],
        growth_target_mb=60,
        scan_mb=4,
        ocr_files=1,
        ocr_pages=1,
        ocr_idle_runs=10,
    ),
    "default": Scale(
        frameworks=10,
        runs=20,
        stall_seconds=10,
        workers=[1, 2, 4],
        insert_sizes=[0, 5_000],
        fill_budget={"secantus": 60, "mongoeco": 15},
        file_sizes_mb=[50],
        growth_target_mb=150,
        scan_mb=preservation.SCAN_MB,
        ocr_files=5,
        ocr_pages=4,
        ocr_idle_runs=40,
    ),
    "full": Scale(
        frameworks=10,
        runs=30,
        stall_seconds=15,
        workers=[1, 2, 4],
        insert_sizes=[0, 10_000, 100_000],
        fill_budget={"secantus": 1200, "mongoeco": 60},
        file_sizes_mb=[100, 200],
        growth_target_mb=2048,
        scan_mb=preservation.SCAN_MB,
        ocr_files=5,
        ocr_pages=4,
        ocr_idle_runs=40,
    ),
}


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "command",
        nargs="?",
        choices=("all", "suite", "load"),
        default="all",
        help="all: the benchmarks below; suite: time the test suite on each engine; "
        "load: the locust scenario",
    )
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="smaller sizes (about a minute)")
    size.add_argument(
        "--full",
        action="store_true",
        help="100,000 documents, 100 and 200 MiB files, a bucket grown to 2 GiB (~30 min)",
    )
    parser.add_argument(
        "--scan-mb",
        type=int,
        default=int(os.environ["BENCH_SCAN_MB"]) if "BENCH_SCAN_MB" in os.environ else None,
        help="MiB of scans added to the demo data for the preservation part (default "
        f"{preservation.SCAN_MB}, 4 with --quick, or BENCH_SCAN_MB; 1024 for the 1 GB "
        "measurement)",
    )
    parser.add_argument(
        "--only", action="append", choices=PARTS, help="run only these parts (repeatable)"
    )
    parser.add_argument(
        "--file-mb",
        type=int,
        action="append",
        help="file sizes in MiB for the files part, instead of the size's own (repeatable)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the work directory and logs")
    return parser.parse_args(argv)


async def server_parts(workdir: Path, scale: Scale, parts: set[str]) -> list[Section]:
    """(a), (d), (f) and (b) share one seeded archive (OCR before the files part, whose
    random bytes are no scan to read). The bench starts the engine itself (the same child
    process the server would start) so its PyMongo client reads the same database."""
    sections = []
    async with (
        embedded_engine(workdir / "api-engine") as uri,
        run_server(
            workdir / "api-data",
            workdir / "api-server.log",
            mongodb_uri=uri,
            max_upload_mb=max(scale.file_sizes_mb) + 10,
        ) as server,
    ):
        async with server.admin_client() as client:
            seeded = await seed_archive(Api(client), frameworks=scale.frameworks)
        setup = Section("Setup")
        setup.add("seeded through GraphQL", seeded.summary())
        sections.append(setup)
        if "page" in parts:
            sections += await guarded(
                "(a) Page", lambda: page_latency.measure(server, uri, DATABASE_NAME, scale.runs)
            )
        if "stall" in parts:

            @asynccontextmanager
            async def with_workers(count: int) -> AsyncIterator[ServerProcess]:
                if count == 1:
                    yield server
                    return
                async with run_server(
                    workdir / "api-data",
                    workdir / f"api-server-{count}.log",
                    mongodb_uri=uri,
                    workers=count,
                    admin_password=server.admin_password,
                ) as several:
                    yield several

            sections += await guarded(
                "(d) Event loop",
                lambda: stall.measure(with_workers, scale.workers, seconds=scale.stall_seconds),
            )
        if "ocr" in parts:
            sections += await guarded(
                "(f) OCR",
                lambda: ocr_load.measure(
                    lambda: run_server(
                        workdir / "api-data",
                        workdir / "ocr-server.log",
                        mongodb_uri=uri,
                        ocr_workers=1,
                        admin_password=server.admin_password,
                    ),
                    uri,
                    seeded.agreement_ids,
                    files=scale.ocr_files,
                    pages=scale.ocr_pages,
                    idle_runs=scale.ocr_idle_runs,
                ),
            )
        if "files" in parts:
            sections += await guarded(
                "(b) Files",
                lambda: files.measure(
                    server,
                    uri,
                    seeded.agreement_ids[0],
                    scale.file_sizes_mb,
                    scale.growth_target_mb,
                ),
            )
    return sections


async def guarded(
    title: str, run: Callable[[], Awaitable[Section | list[Section]]]
) -> list[Section]:
    """A part that breaks is reported and the others still run. Each says how long it took,
    so the quick mode's budget can be kept part by part."""
    started = time.perf_counter()
    try:
        result = await run()
        sections = result if isinstance(result, list) else [result]
        sections[-1].notes.append(f"{title}: {time.perf_counter() - started:.0f} s of the run.")
        return sections
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
        f"SecantusDB {version('SecantusDB')}, mongoeco {version('mongoeco')}, "
        f"pymongo {version('pymongo')}, "
        f"strawberry {version('strawberry-graphql')}\n"
    )


async def main(args: argparse.Namespace) -> int:
    parts = set(args.only or PARTS)
    scale = SCALES["quick" if args.quick else "full" if args.full else "default"]
    if args.file_mb:
        scale = replace(scale, file_sizes_mb=args.file_mb)
    workdir = Path(tempfile.mkdtemp(prefix="sikerma-bench-"))
    started = time.perf_counter()
    sections: list[Section] = []
    try:
        if parts & {"page", "stall", "files", "ocr"}:
            sections += await guarded(
                "(a), (d), (b), (f) with their seeding",
                lambda: server_parts(workdir, scale, parts),
            )
        if "engine" in parts:
            sections += await guarded(
                "(c) Engines",
                lambda: engine_writes.measure(
                    workdir, ENGINES, scale.insert_sizes, scale.fill_budget
                ),
            )
        if "preservation" in parts:
            sections += await guarded(
                "(e) Preservation",
                lambda: preservation.measure(workdir, args.scan_mb or scale.scan_mb),
            )
        sections += suite_time.recorded()
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


def run(args: argparse.Namespace) -> int:
    if args.command == "suite":
        return suite_time.run(ENGINES)
    return asyncio.run(main(args))


if __name__ == "__main__":
    if sys.argv[1:2] == ["load"]:
        from bench import load

        sys.exit(load.run(sys.argv[2:]))
    sys.exit(run(parse_args(sys.argv[1:])))
