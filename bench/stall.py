"""(d) Event-loop stall: /healthz latency while other work runs.

/healthz is cheap (one `ping` to the engine), so its latency under load shows how long the
server's event loop, or the engine it pings, is busy with something else.
"""

import asyncio
import contextlib
import statistics
import time
from collections.abc import Awaitable, Callable
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

    def describe(self, section: Section, label: str) -> None:
        if not self.latencies:
            section.add(f"/healthz {label}", "no samples")
            return
        slow = sum(1 for x in self.latencies if x > STALL_TIMEOUT)
        section.add(f"/healthz {label} (median)", ms(statistics.median(self.latencies)))
        section.add(f"/healthz {label} (max)", ms(max(self.latencies)))
        if slow or self.failures:
            section.add(
                f"/healthz {label}: slower than {STALL_TIMEOUT:.0f} s / failed",
                f"{slow} / {self.failures} of {len(self.latencies)}",
            )


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


async def measure(server: ServerProcess, *, clients: int = 4, seconds: float = 15.0) -> Section:
    section = Section("(d) Event-loop stall: /healthz latency under load")

    async def idle() -> None:
        await asyncio.sleep(3)

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

    (await probe_during(server.base_url, idle)).describe(section, "idle")
    (await probe_during(server.base_url, page_load)).describe(
        section, f"while {clients} clients fetch 50-item pages"
    )
    section.add("50-item pages served under that load", f"{served / seconds:.1f} /s")
    section.notes.append(
        "The page work is Python in the server's one event loop (GraphQL execution, model "
        "validation, JSON), so /healthz waits behind it; the engine runs in its own process. "
        "The engine-side stall (a large upload) is in the memory section."
    )
    return section
