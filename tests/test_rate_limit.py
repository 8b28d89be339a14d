"""Anonymous requests are rate limited per client address, one count for every API process;
signed-in ones are not."""

import os
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from resolvers.rate_limit import RateLimiter
from tests.api import Api
from tests.conftest import ENGINE
from tests.servers import server_process

PUBLIC_QUERY = {"query": "{ publicStatistics { total } }"}


class Clock:
    # Starts at the real time: the database drops a window once its time has passed.
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def limited(api: Api) -> AsyncIterator[Clock]:
    """A limit of 2 at once and 6 a minute (2 in any 20 s), on a clock the test moves."""
    clock = Clock()
    state = api.client.app.state  # type: ignore[attr-defined]
    suite_limiter = state.rate_limiter
    state.rate_limiter = RateLimiter(6, 2, clock=clock)
    yield clock
    state.rate_limiter = suite_limiter


def client_at(api: Api, address: str) -> httpx.AsyncClient:
    app = api.client.app  # type: ignore[attr-defined]
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://test")


async def test_anonymous_requests_are_limited_per_address(api: Api, limited: Clock) -> None:
    async with client_at(api, "203.0.113.7") as first, client_at(api, "198.51.100.2") as other:
        for _ in range(2):
            assert (await first.post("/graphql", json=PUBLIC_QUERY)).status_code == 200
        refused = await first.post("/graphql", json=PUBLIC_QUERY)
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "20"
        assert refused.headers["x-request-id"]
        [error] = refused.json()["errors"]
        assert error["extensions"] == {"code": "RATE_LIMITED", "retryAfterSeconds": 20}
        # Every anonymous route counts: downloads and open data too.
        assert (await first.get("/open-data/ocds.json")).status_code == 429
        assert (await first.get("/files/0123456789abcdef01234567")).status_code == 429
        # A bad token is no way around it; health checks are never limited.
        bogus = {"Authorization": "Bearer not-a-token"}
        assert (await first.post("/graphql", json=PUBLIC_QUERY, headers=bogus)).status_code == 429
        assert (await first.get("/healthz")).status_code == 200
        # Another address has its own allowance.
        assert (await other.post("/graphql", json=PUBLIC_QUERY)).status_code == 200

        limited.now += 20
        assert (await first.post("/graphql", json=PUBLIC_QUERY)).status_code == 200
        assert (await first.post("/graphql", json=PUBLIC_QUERY)).status_code == 200
        assert (await first.post("/graphql", json=PUBLIC_QUERY)).status_code == 429


async def test_signed_in_requests_are_not_limited(api: Api, limited: Clock) -> None:
    async with client_at(api, "203.0.113.8") as client:
        for _ in range(5):
            response = await client.post("/graphql", json=PUBLIC_QUERY, headers=api.headers)
            assert response.status_code == 200
        assert (await client.post("/graphql", json=PUBLIC_QUERY)).status_code == 200


async def test_the_window_moves(api: Api, limited: Clock) -> None:
    async with client_at(api, "203.0.113.9") as client:
        assert (await client.post("/graphql", json=PUBLIC_QUERY)).status_code == 200
        limited.now += 15
        assert (await client.post("/graphql", json=PUBLIC_QUERY)).status_code == 200
        refused = await client.post("/graphql", json=PUBLIC_QUERY)
        assert refused.headers["retry-after"] == "5"  # when the first request leaves the window
        limited.now += 5
        assert (await client.post("/graphql", json=PUBLIC_QUERY)).status_code == 200
        assert (await client.post("/graphql", json=PUBLIC_QUERY)).status_code == 429


@pytest.fixture
def two_servers(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two API processes on one database, allowing 3 anonymous requests in any 30 s."""
    env = {k: v for k, v in os.environ.items() if k != "MONGODB_URI"}
    env.update(
        DATA_DIR=str(tmp_path),
        EMBEDDED_ENGINE=ENGINE,
        ANONYMOUS_REQUESTS_PER_MINUTE="6",
        ANONYMOUS_BURST="3",
    )
    with server_process(env) as (first, _), server_process(env) as (second, _):
        yield first, second


def test_every_process_spends_one_budget(two_servers: tuple[str, str]) -> None:
    answers = [
        httpx.post(f"{two_servers[n % 2]}/graphql", json=PUBLIC_QUERY, timeout=60) for n in range(6)
    ]
    assert [a.status_code for a in answers] == [200, 200, 200, 429, 429, 429]
    for refused in answers[3:]:
        [error] = refused.json()["errors"]
        assert error["extensions"]["code"] == "RATE_LIMITED"
        assert 1 <= int(refused.headers["retry-after"]) <= 30
