"""/healthz answers from the process with the database as last seen; /readyz asks now."""

import time
from collections.abc import Iterator
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from resolvers.database_health import DatabaseHealth
from tests.api import Api
from tests.servers import free_port


@pytest.fixture
def health(api: Api) -> Iterator[DatabaseHealth]:
    health: DatabaseHealth = api.client.app.state.database_health  # type: ignore[attr-defined]
    working = health.db
    yield health
    health.db = working
    health.available = True


async def test_healthz_reports_the_last_check_without_waiting_on_the_database(
    api: Api, health: DatabaseHealth
) -> None:
    answer = await api.as_(None).get("/healthz")
    assert answer.status_code == 200
    assert answer.json()["status"] == "ok"
    assert answer.json()["databaseCheckedSecondsAgo"] >= 0
    # A database that takes its time to answer (here: nobody listens, and the driver waits
    # up to 10 s for a server) does not hold up /healthz.
    gone: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        f"mongodb://127.0.0.1:{free_port()}", serverSelectionTimeoutMS=10_000
    )
    health.db = gone["sikerma"]
    t0 = time.perf_counter()
    answer = await api.as_(None).get("/healthz")
    assert time.perf_counter() - t0 < 1
    assert answer.status_code == 200
    await gone.close()


async def test_readyz_pings_now_and_healthz_then_reports_the_failure(
    api: Api, health: DatabaseHealth
) -> None:
    assert (await api.as_(None).get("/readyz")).json()["status"] == "ok"
    gone: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        f"mongodb://127.0.0.1:{free_port()}", serverSelectionTimeoutMS=300
    )
    health.db = gone["sikerma"]
    answer = await api.as_(None).get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["status"] == "unavailable"
    answer = await api.as_(None).get("/healthz")
    assert answer.status_code == 503
    assert answer.json()["status"] == "unavailable"
    await gone.close()
