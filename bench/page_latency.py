"""(a) One page of 50 agreements with their relations: GraphQL over HTTP vs PyMongo alone.

Both read the same engine. The direct side issues the queries the API's DataLoaders issue
(the page, then partners, org units, parents and children with `$in`), returning raw
documents: the ratio is what the API layer (HTTP, GraphQL, validation into models,
serialisation) costs on top of the database round trips.
"""

import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from bench.app_process import ServerProcess
from bench.report import Section, ms

PAGE_QUERY = """query Page($first: Int!) {
  agreements(first: $first) {
    nodes {
      id number title form status cooperationType signedOn endsOn
      partners { id name kind city }
      leadOrgUnits { id code name shortName }
      parent { id number title }
      children { id number title status }
      documents { id type title filename contentType size sha256 downloadUrl }
    }
  }
}"""
WARMUP = 3


async def api_page(client: httpx.AsyncClient, size: int) -> list[str]:
    response = await client.post(
        "/graphql", json={"query": PAGE_QUERY, "variables": {"first": size}}
    )
    response.raise_for_status()
    body = response.json()
    if body.get("errors"):
        raise RuntimeError(f"page query failed: {body['errors']}")
    return [node["number"] for node in body["data"]["agreements"]["nodes"]]


async def direct_page(db: AsyncDatabase, size: int) -> list[str]:
    """The same data as PAGE_QUERY, in the same number of round trips the API needs."""
    agreements = db["agreements"]
    page = (
        await agreements.find({}).sort([("updated_at", -1), ("_id", -1)]).limit(size + 1).to_list()
    )[:size]
    page_ids = [a["_id"] for a in page]
    partner_ids = list({p for a in page for p in a["partner_ids"]})
    unit_ids = list({u for a in page for u in a["lead_org_unit_ids"]})
    # Parents already on the page need no query, as in the API (its loader is primed).
    parent_ids = list({a["parent_id"] for a in page if a.get("parent_id")} - set(page_ids))
    await db["partners"].find({"_id": {"$in": partner_ids}}).to_list()
    await db["org_units"].find({"_id": {"$in": unit_ids}}).to_list()
    if parent_ids:
        await agreements.find({"_id": {"$in": parent_ids}}).to_list()
    await agreements.find({"parent_id": {"$in": page_ids}}).sort("number").to_list()
    return [a["number"] for a in page]


async def timed(fn: Callable[[], Awaitable[Any]]) -> float:
    t0 = time.perf_counter()
    await fn()
    return time.perf_counter() - t0


async def measure(server: ServerProcess, engine_uri: str, database: str, runs: int) -> Section:
    section = Section("(a) Page of 50 agreements with relations: GraphQL/HTTP vs PyMongo")
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(engine_uri, tz_aware=True)
    try:
        db = client[database]
        async with server.admin_client() as http:
            api_numbers = await api_page(http, 50)
            direct_numbers = await direct_page(db, 50)
            if api_numbers != direct_numbers:
                section.notes.append(
                    "WARNING: the API page and the direct page list different agreements"
                )
            for _ in range(WARMUP):
                await api_page(http, 50)
                await direct_page(db, 50)
            api_times: list[float] = []
            direct_times: list[float] = []
            # Interleaved, so a slow spell of the machine affects both sides alike.
            for _ in range(runs):
                api_times.append(await timed(lambda: api_page(http, 50)))
                direct_times.append(await timed(lambda: direct_page(db, 50)))
            api_10 = statistics.median(
                [await timed(lambda: api_page(http, 10)) for _ in range(runs)]
            )
            direct_10 = statistics.median(
                [await timed(lambda: direct_page(db, 10)) for _ in range(runs)]
            )
            body = await http.post(
                "/graphql", json={"query": PAGE_QUERY, "variables": {"first": 50}}
            )
            size = len(body.content)
    finally:
        await client.close()
    api_50 = statistics.median(api_times)
    direct_50 = statistics.median(direct_times)
    section.add("GraphQL over HTTP, 50 items (median)", ms(api_50))
    section.add("GraphQL over HTTP, 50 items (p90)", ms(_p90(api_times)))
    section.add("PyMongo direct, 50 items (median)", ms(direct_50))
    section.add("PyMongo direct, 50 items (p90)", ms(_p90(direct_times)))
    section.add("**ratio GraphQL / PyMongo, 50 items**", f"**{api_50 / direct_50:.1f}x**")
    section.add("GraphQL over HTTP, 10 items (median)", ms(api_10))
    section.add("PyMongo direct, 10 items (median)", ms(direct_10))
    section.add("ratio GraphQL / PyMongo, 10 items", f"{api_10 / direct_10:.1f}x")
    section.add(
        "latency per extra item (10 → 50), GraphQL / PyMongo",
        f"{ms((api_50 - api_10) / 40)} / {ms((direct_50 - direct_10) / 40)}",
    )
    section.add("response size, 50 items", f"{size / 1024:.0f} KiB")
    section.notes.append(
        f"{runs} runs each after {WARMUP} warm-up runs; the direct side makes "
        "5 round trips (page, partners, org units, parents, children) and returns raw BSON "
        "documents without validation or serialisation; each API request also checks its "
        "access token (user and session lookups)."
    )
    return section


def _p90(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=10)[-1]
