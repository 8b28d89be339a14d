"""Growth: `dashboard`, `alerts` and the first page of every list at 100 and at 2,000
agreements (the demo data plus generated agreements with 20 chronology events each): median
latency, the ratio between the two, and database commands per request.

    .venv/bin/python -m bench.monitoring [--small 70] [--agreements 1970] [--runs 10]

The app runs in this process (over its ASGI interface, as the tests drive it) so that a
command listener sees every command it sends; the embedded engine runs as its own child
process, as in production. The demo data is loaded through the use cases; the generated
agreements (valid records with intact hash chains, built by the models) and their
evaluations are inserted in bulk (then listed, as `cli.py rebuild-listings` does), because
entering 40,000 events one by one through the embedded engine would take hours (`--data-dir`
keeps the data for the next run). Prints a Markdown report and writes it to
bench/results/monitoring.md; never fails on a timing.
"""

import argparse
import asyncio
import logging
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from beanie import PydanticObjectId

from bench.report import Section, ms, ratio
from database import embedded_engine
from demo_data import DEMO_USERS, load_demo_data
from models import Agreement, Evaluation, OrgUnit, Partner
from models.actor import ActorRef
from models.agreement_listing import rebuild_listings
from models.chronology import GENESIS_HASH, event, start_of_day
from models.documents import DocumentRef
from models.enums import (
    AgreementForm,
    AgreementStatus,
    ChronologyKind,
    CooperationType,
    DocumentType,
    EvaluationStatus,
    Indicator,
    PeriodLength,
    Recommendation,
)
from models.periods import Period
from observability import CommandLog, configure_logging
from resolvers.context import CITY_TIMEZONE
from resolvers.monitoring import was_in_force
from server import create_app
from settings import Settings

RESULTS = Path(__file__).resolve().parent / "results" / "monitoring.md"
DATABASE = "sikerma_bench_monitoring"
SMALL_DATABASE = "sikerma_bench_monitoring_small"
DEMO_AGREEMENTS = 30
BATCH = 200
WARMUP = 3
EVENT_KINDS = [
    ChronologyKind.CORRESPONDENCE,
    ChronologyKind.MEETING,
    ChronologyKind.NOTE,
    ChronologyKind.EVALUATED,
    ChronologyKind.HANDOVER,
    ChronologyKind.DOCUMENT_ADDED,
]
DASHBOARD = """{ dashboard {
  agreementCount byStatus { key count } byCooperationType { key count } byForm { key count }
  byField { key count } byPartnerKind { key count } bySigningYear { key count }
  byLeadOrgUnit { orgUnit { name } count } expiringByMonth { month count }
  averageScoreByOrgUnit { orgUnit { name } averageScore evaluations }
  evaluationProgress { period due done inProgress notStarted overduePrevious } } }"""
ALERTS = """{ alerts(first: 50) { totalCount
  nodes { kind severity message dueOn agreement { number title partners { name } } } } }"""
# The first page of every list a user opens, as the web app asks for it.
QUERIES = {
    "dashboard": DASHBOARD,
    "alerts (first 50)": ALERTS,
    "agreements (first 20)": """{ agreements(first: 20) { totalCount nodes { number title
      status endsOn partners { name } leadOrgUnits { name } } } }""",
    "agreements, filtered (first 20)": """{ agreements(first: 20, filter: {status: [ACTIVE],
      cooperationType: [KSDPK, KSDD]}) { totalCount nodes { number title } } }""",
    "public catalogue (first 20)": """{ publicAgreements(first: 20) { totalCount
      nodes { number title } } }""",
    "evaluations (first 20)": """{ evaluations(first: 20) { totalCount nodes { period status
      overallScore agreement { number } } } }""",
    "evaluations due (first 20)": """{ evaluationsDue(first: 20) { totalCount
      nodes { period agreement { number } } } }""",
    "proposals (first 20)": "{ proposals(first: 20) { totalCount nodes { trackingCode title } } }",
    "partners (first 20)": "{ partners(first: 20) { totalCount nodes { name kind } } }",
    "audit log (first 20)": "{ auditLog(first: 20) { nodes { operation at } } }",
}


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.monitoring", description=__doc__)
    parser.add_argument(
        "--agreements", type=int, default=1970, help="generated for the large stage (1970)"
    )
    parser.add_argument("--small", type=int, default=70, help="generated for the small (70)")
    parser.add_argument("--events", type=int, default=20, help="chronology events each (20)")
    parser.add_argument("--runs", type=int, default=10, help="timed runs per query (10)")
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="keep the engine's data here and reuse it next time (generating 2,000 "
        "agreements through the embedded engine takes about 20 minutes)",
    )
    return parser.parse_args(argv)


async def generate(count: int, events_each: int, today: date) -> tuple[int, int]:
    """`count` agreements of the demo's departments and partners, most ACTIVE, ending over
    the next years (some within weeks), each with a sealed chain of `events_each` events;
    and last period's evaluations for most of the ACTIVE ones. Returns (agreements,
    evaluations) inserted."""
    rng = random.Random(2018)
    units = [u.id for u in await OrgUnit.find({"active": True}).to_list()]
    partners = [p.id for p in await Partner.find({}).to_list()]
    actor = ActorRef(id=str(PydanticObjectId()), name="Bench")
    previous = Period.containing(today, PeriodLength.SEMESTER).previous()
    made_agreements = made_evaluations = 0
    for first in range(0, count, BATCH):
        agreements = []
        for n in range(first, min(first + BATCH, count)):
            signed = today - timedelta(days=rng.randint(30, 30 * 365))
            ends = max(today + timedelta(days=rng.randint(-200, 10 * 365)), signed)
            status = rng.choices(
                [AgreementStatus.ACTIVE, AgreementStatus.EXPIRED, AgreementStatus.TERMINATED],
                weights=[8, 1, 1],
            )[0]
            agreement = Agreement.build(
                id=PydanticObjectId(),  # known before the insert: the evaluations name it
                number=f"BENCH/{n:05d}/{signed.year}",
                title=f"Kerja sama uji beban {n}",
                purpose="Meningkatkan layanan publik melalui program bersama yang terukur.",
                field=rng.choice(["Pendidikan", "Kesehatan", "Perhubungan", "Lingkungan Hidup"]),
                form=rng.choice([AgreementForm.KSB, AgreementForm.NK]),
                cooperation_type=rng.choice(list(CooperationType)),
                partner_ids=rng.sample(partners, rng.randint(1, 2)),
                lead_org_unit_ids=[rng.choice(units)],
                signed_on=signed,
                starts_on=signed,
                ends_on=ends,
                status=status,
            )
            scan = DocumentRef(
                file_id=PydanticObjectId(),
                filename=f"naskah-{n}.pdf",
                content_type="application/pdf",
                size=120_000,
                sha256="0" * 64,
                type=DocumentType.SIGNED_KSB,
                title="Naskah bertanda tangan",
                uploaded_by=actor,
            )
            agreement.documents = [scan]
            span = max((min(today, ends) - signed).days, 1)
            history = sorted(
                (
                    event(
                        rng.choice(EVENT_KINDS),
                        f"Peristiwa {k + 1} kerja sama {n}",
                        actor,
                        description="Catatan perjalanan kerja sama untuk uji beban.",
                        occurred_at=start_of_day(signed + timedelta(days=rng.randint(0, span))),
                    )
                    for k in range(events_each - 1)
                ),
                key=lambda e: e.occurred_at,
            )
            chain, previous_hash = [], GENESIS_HASH
            for item in [event(ChronologyKind.CREATED, "Data dicatat", actor), *history]:
                item = item.sealed(previous_hash)
                chain.append(item)
                previous_hash = item.hash
            agreement.chronology = chain
            agreements.append(agreement)
        await Agreement.insert_many(agreements)
        made_agreements += len(agreements)
        print(f"  {made_agreements:,} agreements inserted", file=sys.stderr, flush=True)

        evaluations = []
        for agreement in agreements:
            due = agreement.status == AgreementStatus.ACTIVE and was_in_force(agreement, previous)
            if not due or rng.random() < 0.25:
                continue
            visit = previous.start + timedelta(days=rng.randint(10, 150))
            evaluations.append(
                Evaluation.build(
                    agreement_id=agreement.id,
                    period=previous.code,
                    evaluator=actor,
                    visit_date=visit,
                    scores=[{"indicator": i, "score": rng.randint(2, 5)} for i in Indicator],
                    findings="Kegiatan berjalan sesuai rencana.",
                    recommendation=rng.choice(list(Recommendation)),
                    follow_up_actions=[
                        {
                            "what": "Menyampaikan laporan capaian",
                            "owner": "Mitra",
                            "due_on": visit + timedelta(days=rng.randint(30, 300)),
                            "done_at": None if rng.random() < 0.5 else start_of_day(today),
                        }
                    ],
                    status=EvaluationStatus.SUBMITTED,
                )
            )
        if evaluations:
            await Evaluation.insert_many(evaluations)
            made_evaluations += len(evaluations)
    # Inserted in bulk, past the write path that lists an agreement: listed here at once.
    await rebuild_listings()
    return made_agreements, made_evaluations


async def measure(
    client: httpx.AsyncClient, log: CommandLog, query: str, runs: int
) -> tuple[list[float], int, dict[str, Any]]:
    """Timed runs of one query; the data commands one run costs; its answer."""

    async def once() -> dict[str, Any]:
        response = await client.post("/graphql", json={"query": query})
        body: dict[str, Any] = response.json()
        if "errors" in body:
            raise RuntimeError(f"query failed: {body['errors']}")
        return body["data"]

    for _ in range(WARMUP):
        await once()
    log.reset()
    data = await once()
    commands = len(log.data_commands())
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        await once()
        times.append(time.perf_counter() - started)
    return times, commands, data


Results = dict[str, tuple[list[float], int, dict[str, Any]]]


async def stage(
    uri: str, workdir: Path, database_name: str, generated: int, args: argparse.Namespace
) -> tuple[Results, str | None]:
    """Seed one database (unless it holds this data already), then measure on it."""
    log = CommandLog()
    settings = Settings(
        mongodb_uri=uri,
        database_name=database_name,
        data_dir=workdir / "data",
        reminder_interval_seconds=0,
        anonymous_requests_per_minute=0,
        # The generated agreements name scans that are not stored: an OCR worker would
        # queue each of them at start-up and write to the engine throughout the timing.
        ocr_workers=0,
        fixity_interval_hours=0,
    )
    note = None
    app = create_app(settings, listeners=[log])
    async with app.router.lifespan_context(app):
        database = app.state.database
        expected = DEMO_AGREEMENTS + generated
        if await database.db.agreements.count_documents({}) != expected:
            for name in await database.db.list_collection_names():
                await database.db[name].delete_many({})
            await load_demo_data(database, only_if_empty=False)
            if generated:
                t0 = time.perf_counter()
                today = datetime.now(CITY_TIMEZONE).date()
                made, evaluated = await generate(generated, args.events, today)
                note = (
                    f"generated {made:,} agreements ({made * args.events:,} events) and "
                    f"{evaluated:,} evaluations in {time.perf_counter() - t0:.0f} s"
                )
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://bench", timeout=600
        ) as client:
            admin = DEMO_USERS[0]
            login = await client.post(
                "/graphql",
                json={
                    "query": "mutation($e: String!, $p: String!) { login(input: "
                    "{email: $e, password: $p}) { accessToken } }",
                    "variables": {"e": admin["email"], "p": admin["password"]},
                },
            )
            token = login.json()["data"]["login"]["accessToken"]
            client.headers["Authorization"] = f"Bearer {token}"
            return {
                name: await measure(client, log, query, args.runs)
                for name, query in QUERIES.items()
            }, note


async def main(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    # The app runs in this process: its request lines would bury the report.
    configure_logging(logging.WARNING)
    workdir = args.data_dir or Path(tempfile.mkdtemp(prefix="sikerma-bench-monitoring-"))
    sizes = (DEMO_AGREEMENTS + args.small, DEMO_AGREEMENTS + args.agreements)
    section = Section(
        f"Growth: each request at {sizes[0]:,} and {sizes[1]:,} agreements "
        f"({args.events} events each)",
        columns=(
            f"median at {sizes[0]:,}",
            f"median at {sizes[1]:,}",
            "ratio (goal ≤ 2x)",
            "database commands",
        ),
    )
    try:
        async with embedded_engine(workdir / "engine") as uri:
            stages = []
            for database_name, generated in (
                (SMALL_DATABASE, args.small),
                (DATABASE, args.agreements),
            ):
                results, note = await stage(uri, workdir, database_name, generated, args)
                stages.append(results)
                if note:
                    section.notes.append(note)
    finally:
        if args.data_dir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    small, large = stages
    for name in QUERIES:
        before, after = statistics.median(small[name][0]), statistics.median(large[name][0])
        section.add(
            name,
            ms(before),
            ms(after),
            ratio(after, before),
            f"{small[name][1]} / {large[name][1]}",
        )
    section.notes.append(
        f"{args.runs} timed runs per query after {WARMUP} warm-up runs, in this process over "
        "ASGI (no network), SecantusDB in its child process; commands are the data commands "
        "PyMongo sent for one request (sign-in checks included)."
    )
    report = (
        f"## Benchmark: growth\n\n- command: `python -m bench.monitoring "
        f"{' '.join(sys.argv[1:])}`; run time {(time.perf_counter() - started) / 60:.1f} min\n\n"
        + section.markdown()
    )
    print(report)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(report)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args(sys.argv[1:]))))
