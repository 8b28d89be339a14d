"""`python -m bench load`: the locust scenario (bench/locustfile.py) against the real server.

On one SecantusDB engine the demo data plus generated agreements (2,000 in all, 20 history
events each, evaluations for most) are seeded; then for each worker count `python server.py
--workers N` serves on a loopback port and locust runs headless: first one user (each
request kind's single-client median), then 50 users for 60 s. Everything stays on
127.0.0.1 and each run is bounded by locust's `--run-time`. Prints a Markdown report and
writes bench/results/load.md; exits 1 if any request failed.
"""

import argparse
import asyncio
import csv
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import httpx

from bench.app_process import free_port
from bench.monitoring import generate
from bench.report import Section, ratio
from database import embedded_engine
from demo_data import load_demo_data
from observability import configure_logging
from resolvers.context import CITY_TIMEZONE
from server import create_app
from settings import Settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RESULTS = PROJECT_ROOT / "bench" / "results" / "load.md"
DATABASE_NAME = "sikerma_bench_load"
DEMO_AGREEMENTS = 30
READS = ("public catalogue", "agreement list", "agreement detail", "dashboard", "alerts")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench load", description=__doc__)
    parser.add_argument("--agreements", type=int, default=2000, help="in all (2000)")
    parser.add_argument("--users", type=int, default=50, help="concurrent users (50)")
    parser.add_argument("--seconds", type=int, default=60, help="load duration (60)")
    # Long enough for one staff user, choosing tasks at random by weight, to run each kind
    # (a kind of weight 1 in 13 was missed in a 30 s run about once in five).
    parser.add_argument("--baseline-seconds", type=int, default=90, help="one user (90)")
    parser.add_argument(
        "--workers", default="1", help="worker counts to run, comma-separated (e.g. 1,2,4)"
    )
    return parser.parse_args(argv)


async def seed(uri: str, workdir: Path, agreements: int) -> str:
    settings = Settings(
        mongodb_uri=uri,
        database_name=DATABASE_NAME,
        data_dir=workdir / "seed",
        reminder_interval_seconds=0,
    )
    app = create_app(settings)
    t0 = time.perf_counter()
    async with app.router.lifespan_context(app):
        await load_demo_data(app.state.database, only_if_empty=False)
        today = datetime.now(CITY_TIMEZONE).date()
        made, evaluated = await generate(agreements - DEMO_AGREEMENTS, 20, today)
    return (
        f"demo data + {made:,} generated agreements (20 events each) and {evaluated:,} "
        f"evaluations, seeded in {time.perf_counter() - t0:.0f} s"
    )


def start_server(uri: str, workdir: Path, workers: int, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "MONGODB_URI": uri,
        "DATABASE_NAME": DATABASE_NAME,
        "DATA_DIR": str(workdir / f"server-{workers}"),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        # Every simulated citizen comes from 127.0.0.1: one address must not be throttled.
        "ANONYMOUS_REQUESTS_PER_MINUTE": "0",
        "REMINDER_INTERVAL_SECONDS": "0",
        # The generated agreements name scans that are not stored (bench/monitoring.py): at
        # start-up each API process's OCR worker would queue every one of them and fail it,
        # and the first scheduled fixity run would check every one, all through the timing.
        # An archive in use has its scans read and checked already; OCR under load is
        # `python -m bench.ocr_load`.
        "OCR_WORKERS": "0",
        "FIXITY_INTERVAL_HOURS": "0",
    }
    log = (workdir / f"server-{workers}.log").open("wb")
    return subprocess.Popen(
        [sys.executable, "server.py", "--workers", str(workers)],
        cwd=PROJECT_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def wait_healthy(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the server exited at startup")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise RuntimeError("the server did not become healthy")


def run_locust(
    base: str, users: int, seconds: int, prefix: Path, *classes: str
) -> dict[str, dict[str, str]]:
    """Locust headless for `seconds` (with only these user classes, if any); its
    per-request-kind statistics by name."""
    subprocess.run(
        [
            sys.executable, "-m", "locust",
            "-f", str(PROJECT_ROOT / "bench" / "locustfile.py"),
            "--headless", "--only-summary",
            "--users", str(users), "--spawn-rate", str(max(users // 5, 1)),
            "--run-time", f"{seconds}s", "--stop-timeout", "10",
            "--host", base, "--csv", str(prefix), *classes,
        ],
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=seconds + 120,
        check=False,
    )  # fmt: skip
    with Path(f"{prefix}_stats.csv").open() as stats:
        return {row["Name"]: row for row in csv.DictReader(stats)}


def describe(
    workers: int, users: int, seconds: int, load: dict[str, dict[str, str]],
    single: dict[str, dict[str, str]],
) -> Section:  # fmt: skip
    section = Section(
        f"Load: {users} users for {seconds} s, {workers} worker(s)",
        columns=("requests", "failures", "req/s", "p50", "p95", "p99", "1-user p50",
                 "p95 / 1-user p50"),
    )  # fmt: skip
    for name, row in sorted(load.items()):
        if name == "Aggregated" or "(setup)" in name or name == "login":
            continue
        alone = single.get(name, {}).get("50%")
        relative = ratio(float(row["95%"]), float(alone)) if alone else "-"
        section.add(
            name, row["Request Count"], row["Failure Count"], f"{float(row['Requests/s']):.1f}",
            f"{row['50%']} ms", f"{row['95%']} ms", f"{row['99%']} ms",
            f"{alone} ms" if alone else "-", relative,
        )  # fmt: skip
    total = load["Aggregated"]
    section.add(
        "all requests (with sign-ins and set-up)", total["Request Count"], total["Failure Count"],
        f"{float(total['Requests/s']):.1f}", f"{total['50%']} ms", f"{total['95%']} ms",
        f"{total['99%']} ms",
    )  # fmt: skip
    return section


async def main(args: argparse.Namespace) -> int:
    # The app runs in this process: its request lines would bury the report.
    configure_logging(logging.WARNING)
    workdir = Path(tempfile.mkdtemp(prefix="sikerma-load-"))
    sections = []
    failures = 0
    try:
        async with embedded_engine(workdir / "engine") as uri:
            setup = Section("Setup")
            setup.add("seeded", await seed(uri, workdir, args.agreements))
            sections.append(setup)
            single: dict[str, dict[str, str]] = {}
            for workers in (int(n) for n in args.workers.split(",")):
                port = free_port()
                base = f"http://127.0.0.1:{port}"
                server = start_server(uri, workdir, workers, port)
                try:
                    await asyncio.to_thread(wait_healthy, base, server)
                    if not single:
                        # One client of each kind alone: the medians load is compared with.
                        for kind in ("Staff", "Reader"):
                            single |= await asyncio.to_thread(
                                run_locust, base, 1, args.baseline_seconds,
                                workdir / f"single-{kind}", kind,
                            )  # fmt: skip
                    load = await asyncio.to_thread(
                        run_locust, base, args.users, args.seconds, workdir / f"load-{workers}"
                    )
                finally:
                    server.terminate()
                    await asyncio.to_thread(server.wait, 60)
                sections.append(describe(workers, args.users, args.seconds, load, single))
                failures += int(load["Aggregated"]["Failure Count"])
                if int(load["Aggregated"]["Failure Count"]):
                    failed = Path(f"{workdir / f'load-{workers}'}_failures.csv")
                    text = await asyncio.to_thread(failed.read_text)
                    sections[-1].notes.append(f"failures: {text[:1500]}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    sections[-1].notes.append(
        "Locust runs on the same 2 cores as the server and the engine. Reads are: "
        + ", ".join(READS)
        + "."
    )
    command = " ".join(["python -m bench load", *sys.argv[2:]])
    report = f"## Load (`{command}`)\n\n" + "\n".join(s.markdown() for s in sections)
    print(report)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(report)
    return 1 if failures else 0


def run(argv: list[str]) -> int:
    return asyncio.run(main(parse_args(argv)))
