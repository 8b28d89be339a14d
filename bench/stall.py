"""(d) Event-loop stall: /healthz latency while other work runs.

/healthz answers from the process (the database as a background ping last saw it), so its
latency under load shows how long the server's event loop is busy with something else, or
waits for a core.
"""

import asyncio
import contextlib
import statistics
import time
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field

import httpx

from bench.app_process import ServerProcess
from bench.page_latency import PAGE_QUERY
from bench.report import Section, ms

PROBE_INTERVAL = 0.1
# A probe that takes longer than this counts as a stall a load balancer would notice.
STALL_TIMEOUT = 5.0


@dataclass
class Probe:
    """Samples /healthz until stopped."""

    latencies: list[float] = field(default_factory=list)
    failures: int = 0

    async def run(self, client: httpx.AsyncClient, stop: asyncio.Event) -> None:
        while not stop.is_set():
            t0 = time.perf_counter()
            try:
                response = await client.get("/healthz", timeout=60)
                if response.status_code != 200:
                    self.failures += 1
            except httpx.TransportError:
                self.failures += 1
            self.latencies.append(time.perf_counter() - t0)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), PROBE_INTERVAL)

    def p99(self) -> float:
        if len(self.latencies) < 2:
            return max(self.latencies)
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[-1]

    def slow(self) -> int:
        return sum(1 for x in self.latencies if x > STALL_TIMEOUT)


async def probe_during(base_url: str, work: Callable[[], Awaitable[None]]) -> Probe:
    """Run `work` while probing /healthz in parallel."""
    probe = Probe()
    stop = asyncio.Event()
    async with httpx.AsyncClient(base_url=base_url) as client:
        task = asyncio.create_task(probe.run(client, stop))
        try:
            await work()
        finally:
            stop.set()
            await task
    return probe


async def under_pages(server: ServerProcess, clients: int, seconds: float) -> tuple[Probe, float]:
    """/healthz probed while `clients` fetch 50-item pages for `seconds`; (probe, pages/s)."""
    served = 0

    async def page_load() -> None:
        nonlocal served
        deadline = time.monotonic() + seconds
        async with server.admin_client() as client:

            async def worker() -> None:
                nonlocal served
                while time.monotonic() < deadline:
                    # Only the bytes: parsing JSON here would slow the probe on this loop.
                    response = await client.post(
                        "/graphql", json={"query": PAGE_QUERY, "variables": {"first": 50}}
                    )
                    response.raise_for_status()
                    served += 1

            await asyncio.gather(*(worker() for _ in range(clients)))

    probe = await probe_during(server.base_url, page_load)
    return probe, served / seconds


async def measure(
    servers: Callable[[int], AbstractAsyncContextManager[ServerProcess]],
    worker_counts: list[int],
    *,
    clients: int = 4,
    seconds: float = 15.0,
) -> Section:
    """/healthz idle and under page load, with the server run by each number of workers."""
    section = Section(
        f"(d) Event loop: /healthz while {clients} clients fetch 50-item pages",
        columns=tuple(f"{n} worker{'s' if n > 1 else ''}" for n in worker_counts),
    )

    async def idle() -> None:
        await asyncio.sleep(3)

    rows: dict[str, list[str]] = {}
    for count in worker_counts:
        async with servers(count) as server:
            calm = await probe_during(server.base_url, idle)
            busy, rate = await under_pages(server, clients, seconds)
        for label, value in (
            ("/healthz idle (median)", ms(statistics.median(calm.latencies))),
            ("/healthz under load (median)", ms(statistics.median(busy.latencies))),
            ("/healthz under load (p99; goal ≤ 100 ms)", ms(busy.p99())),
            ("/healthz under load (max)", ms(max(busy.latencies))),
            ("/healthz failures or slower than 5 s", str(busy.failures + busy.slow())),
            ("50-item pages served under that load", f"{rate:.1f} /s"),
        ):
            rows.setdefault(label, []).append(value)
    for label, values in rows.items():
        section.add(label, *values)
    section.notes.append(
        "Page work is Python in each worker's event loop (GraphQL execution, validation, "
        "JSON); one worker answers /healthz only between pieces of that work. With more "
        "workers another process answers; all share one engine process and the 2 cores, "
        "and so does this bench's own client."
    )
    return section
