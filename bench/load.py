"""`python -m bench load`: the locust scenario (bench/locustfile.py) against the real server.

On one SecantusDB engine the demo data plus generated agreements (2,000 in all, 20 history
events each, evaluations for most) are seeded; then for each worker count `python server.py
--workers N` serves on a loopback port. First each request kind runs alone, timed with the
CPU the engine and the API spend on it; then locust runs headless: one user of each kind
(each request kind's single-client median), then 50 users for 60 s after 20 s of warm-up
in which they arrive and set up (reported apart: bench/load_requests.py `ARRIVAL`).
Everything stays on 127.0.0.1 and each run is bounded by locust's `--run-time`. Prints a
Markdown report and writes bench/results/load.md; exits 1 if any request failed.
"""

import argparse
import asyncio
import csv
import logging
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import httpx
from beanie import PydanticObjectId

from bench import load_requests as mix
from bench import procmem
from bench.app_process import free_port
from bench.monitoring import generate
from bench.report import Section, ms, ratio
from database import embedded_engine
from demo_data import load_demo_data
from models import Agreement, Evaluation
from models.actor import ActorRef
from models.enums import AgreementStatus, PeriodLength
from models.periods import Period
from observability import configure_logging
from resolvers.context import CITY_TIMEZONE
from resolvers.monitoring import was_in_force
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
    # Fifty users start within five seconds, each signing in and reading its set-up lists:
    # the queue that leaves took about fifteen seconds to drain (2026-12-03).
    parser.add_argument(
        "--warm-up", type=int, default=20, help="seconds before the load is measured (20)"
    )
    # Long enough for one staff user, choosing tasks at random by weight, to run each kind
    # (a kind of weight 1 in 13 was missed in a 30 s run about once in five).
    parser.add_argument("--baseline-seconds", type=int, default=90, help="one user (90)")
    parser.add_argument(
        "--runs", type=int, default=40, help="runs of each request alone for its CPU (40)"
    )
    parser.add_argument(
        "--workers", default="1", help="worker counts to run, comma-separated (e.g. 1,2,4)"
    )
    return parser.parse_args(argv)


async def seed(uri: str, workdir: Path, agreements: int, drafts: int) -> tuple[str, str]:
    """The archive, and this period's evaluation drafts; what was seeded, and the period."""
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
        period = Period.containing(today, PeriodLength(settings.evaluation_period))
        drafted = await draft_evaluations(drafts, period)
    seeded = (
        f"demo data + {made:,} generated agreements (20 events each), {evaluated:,} "
        f"evaluations and {drafted} drafts for {period.code}, seeded in "
        f"{time.perf_counter() - t0:.0f} s"
    )
    return seeded, period.code


async def draft_evaluations(count: int, period: Period) -> int:
    """The period's evaluation drafts of `count` ACTIVE agreements in force, one for each
    simulated officer to keep updating (bench/locustfile.py), written one at a time through
    the evaluations' own write path (their marks on the rows, the counters). Created by the
    crowd itself in its first seconds, fifty at once, they were a burst of transactions
    retrying on the same counters, at the start of the measured minute."""
    actor = ActorRef(id=str(PydanticObjectId()), name="Bench")
    evaluated = {e.agreement_id for e in await Evaluation.find({"period": period.code}).to_list()}
    made = 0
    async for agreement in Agreement.find({"status": AgreementStatus.ACTIVE}).sort("number"):
        if made == count:
            break
        if agreement.id in evaluated or not was_in_force(agreement, period):
            continue
        draft = Evaluation.build(agreement_id=agreement.id, period=period.code, evaluator=actor)
        await draft.create_checked()
        made += 1
    return made


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
    base: str, period: str, users: int, seconds: int, prefix: Path, *classes: str,
    warm_up: int = 0,
) -> dict[str, dict[str, str]]:  # fmt: skip
    """Locust headless for `warm_up` + `seconds` (with only these user classes, if any), the
    staff updating drafts for `period`; its per-request-kind statistics by name."""
    subprocess.run(
        [
            sys.executable, "-m", "locust",
            "-f", str(PROJECT_ROOT / "bench" / "locustfile.py"),
            "--headless", "--only-summary",
            "--users", str(users), "--spawn-rate", str(max(users // 5, 1)),
            "--run-time", f"{warm_up + seconds}s", "--stop-timeout", "10",
            "--host", base, "--csv", str(prefix), *classes,
        ],
        cwd=PROJECT_ROOT,
        env={**os.environ, "LOAD_WARM_UP_SECONDS": str(warm_up), "LOAD_PERIOD": period},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=warm_up + seconds + 120,
        check=False,
    )  # fmt: skip
    with Path(f"{prefix}_stats.csv").open() as stats:
        return {row["Name"]: row for row in csv.DictReader(stats)}


def now() -> str:
    return datetime.now(UTC).isoformat()


def cost_alone(base: str, server: int, period: str, runs: int) -> Section:
    """Each request kind alone, `runs` times in a row: its time, and the CPU the engine and
    the API processes spent on it (what a crowd queues for)."""
    engine = [
        pid
        for pid in procmem.process_tree(os.getpid())
        if b"embedded_engine.py" in Path(f"/proc/{pid}/cmdline").read_bytes()
    ]
    api = procmem.process_tree(server)
    with httpx.Client(base_url=base, timeout=60) as client:

        def ask(query: str, variables: dict[str, Any], token: str | None = None) -> Any:
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            response = client.post(
                "/graphql", json={"query": query, "variables": variables}, headers=headers
            )
            body = response.json()
            if response.status_code != 200 or "errors" in body:
                raise RuntimeError(f"{response.status_code}: {body}")
            return body["data"]

        token = ask(mix.LOGIN, {"i": mix.CREDENTIALS})["login"]["accessToken"]
        page = ask(mix.LIST, {"f": mix.LIST_FILTERS[0], "first": 50}, token)
        ids = [a["id"] for a in page["agreements"]["nodes"]]
        drafts = {"period": period, "status": ["DRAFT"]}
        draft = ask(mix.FIND_EVALUATIONS, {"f": drafts}, token)["evaluations"]["nodes"][0]["id"]

        def note() -> Any:
            event = {"agreementId": random.choice(ids), "kind": "NOTE", "title": "Catatan"}
            return ask(mix.ADD_EVENT, {"i": {**event, "occurredAt": now()}}, token)

        def findings() -> Any:
            change = {"id": draft, "findings": str(random.random())}
            return ask(mix.UPDATE_EVALUATION, {"i": change}, token)

        kinds: dict[str, Callable[[], Any]] = {
            "public catalogue": partial(ask, mix.PUBLIC, {"first": 20}),
            **{
                f"agreement list, {next(iter(f))}": partial(
                    ask, mix.LIST, {"f": f, "first": 50}, token
                )
                for f in mix.LIST_FILTERS
            },
            "agreement detail (nested)": lambda: ask(mix.DETAIL, {"id": random.choice(ids)}, token),
            "dashboard": partial(ask, mix.DASHBOARD, {}, token),
            "alerts": partial(ask, mix.ALERTS, {}, token),
            "chronology write": note,
            "evaluation write": findings,
        }
        section = Section(
            f"Each request alone ({runs} in a row): time and CPU per request",
            columns=("time", "engine CPU", "API CPU"),
        )
        for name, request in kinds.items():
            for _ in range(3):
                request()
            engine_before, api_before = procmem.cpu_seconds(engine), procmem.cpu_seconds(api)
            started = time.perf_counter()
            for _ in range(runs):
                request()
            section.add(
                name,
                ms((time.perf_counter() - started) / runs),
                ms((procmem.cpu_seconds(engine) - engine_before) / runs),
                ms((procmem.cpu_seconds(api) - api_before) / runs),
            )
    section.notes.append(
        "CPU from /proc (10 ms ticks, averaged over the runs). The engine is one Python "
        "process, whose threads share one interpreter lock: it uses at most one core, and "
        "its CPU per request is what a crowd queues for."
    )
    return section


def describe(
    workers: int, args: argparse.Namespace, load: dict[str, dict[str, str]],
    single: dict[str, dict[str, str]],
) -> Section:  # fmt: skip
    section = Section(
        f"Load: {args.users} users for {args.seconds} s after {args.warm_up} s of warm-up, "
        f"{workers} worker(s)",
        columns=("requests", "failures", "req/s", "p50", "p95", "p99", "1-user p50",
                 "p95 / 1-user p50"),
    )  # fmt: skip
    for name, row in sorted(load.items()):
        if name == "Aggregated" or "(setup)" in name or name == "login":
            continue
        alone = single.get(name, {}).get("50%")
        relative = ratio(float(row["95%"]), float(alone)) if alone else "-"
        # Locust's own rate divides by the whole run, warm-up and load together.
        span = args.warm_up if name == mix.ARRIVAL else args.seconds
        section.add(
            name, row["Request Count"], row["Failure Count"],
            f"{int(row['Request Count']) / span:.1f}",
            f"{row['50%']} ms", f"{row['95%']} ms", f"{row['99%']} ms",
            f"{alone} ms" if alone else "-", relative,
        )  # fmt: skip
    total = load["Aggregated"]
    section.add(
        "all requests (with sign-ins, set-up and warm-up)",
        total["Request Count"], total["Failure Count"],
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
            seeded, period = await seed(uri, workdir, args.agreements, args.users)
            setup.add("seeded", seeded)
            sections.append(setup)
            single: dict[str, dict[str, str]] = {}
            for workers in (int(n) for n in args.workers.split(",")):
                port = free_port()
                base = f"http://127.0.0.1:{port}"
                server = start_server(uri, workdir, workers, port)
                try:
                    await asyncio.to_thread(wait_healthy, base, server)
                    if not single:
                        sections.append(
                            await asyncio.to_thread(cost_alone, base, server.pid, period, args.runs)
                        )
                        # One client of each kind alone: the medians load is compared with.
                        for kind in ("Staff", "Reader"):
                            single |= await asyncio.to_thread(
                                run_locust, base, period, 1, args.baseline_seconds,
                                workdir / f"single-{kind}", kind,
                            )  # fmt: skip
                    load = await asyncio.to_thread(
                        run_locust, base, period, args.users, args.seconds,
                        workdir / f"load-{workers}",
                        warm_up=args.warm_up,
                    )  # fmt: skip
                finally:
                    server.terminate()
                    await asyncio.to_thread(server.wait, 60)
                sections.append(describe(workers, args, load, single))
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
