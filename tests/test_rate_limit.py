"""Anonymous requests are rate limited per client address; signed-in ones are not."""

from collections.abc import AsyncIterator

import httpx
import pytest

from resolvers.rate_limit import RateLimiter
from tests.api import Api

PUBLIC_QUERY = {"query": "{ publicStatistics { total } }"}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def limited(api: Api) -> AsyncIterator[Clock]:
    """A limit of 2 at once and 6 a minute (one every 10 s), on a clock the test moves."""
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
        assert refused.headers["retry-after"] == "10"
        assert refused.headers["x-request-id"]
        [error] = refused.json()["errors"]
        assert error["extensions"] == {"code": "RATE_LIMITED", "retryAfterSeconds": 10}
        # Every anonymous route counts: downloads and open data too.
        assert (await first.get("/open-data/ocds.json")).status_code == 429
        assert (await first.get("/files/0123456789abcdef01234567")).status_code == 429
        # A bad token is no way around it; health checks are never limited.
        bogus = {"Authorization": "Bearer not-a-token"}
        assert (await first.post("/graphql", json=PUBLIC_QUERY, headers=bogus)).status_code == 429
        assert (await first.get("/healthz")).status_code == 200
        # Another address has its own allowance.
        assert (await other.post("/graphql", json=PUBLIC_QUERY)).status_code == 200

        limited.now += 10
        assert (await first.post("/graphql", json=PUBLIC_QUERY)).status_code == 200
        assert (await first.post("/graphql", json=PUBLIC_QUERY)).status_code == 429


async def test_signed_in_requests_are_not_limited(api: Api, limited: Clock) -> None:
    async with client_at(api, "203.0.113.8") as client:
        for _ in range(5):
            response = await client.post("/graphql", json=PUBLIC_QUERY, headers=api.headers)
            assert response.status_code == 200
        assert (await client.post("/graphql", json=PUBLIC_QUERY)).status_code == 200


def test_forgets_the_least_recent_addresses_beyond_its_bound() -> None:
    clock = Clock()
    limiter = RateLimiter(60, 1, clock=clock, max_keys=2)
    assert limiter.take("a") is None
    assert limiter.take("a") == 1
    limiter.take("b")
    limiter.take("c")
    assert list(limiter.buckets) == ["b", "c"]
    clock.now += 0.5
    assert limiter.take("b") == 1  # half a token back: one more second to wait
