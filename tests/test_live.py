"""Subscriptions over graphql-transport-ws against real server processes: two API
processes on one database, a change made through one reaches a subscriber on the other."""

import asyncio
import json
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from database import embedded_engine
from tests.servers import server_process

# Two API processes share one SecantusDB engine started here, on either suite's run.
pytestmark = pytest.mark.own_engine

ADMIN = ("admin@sikerma.example", "Demo-Admin-Sikerma-2026")
PARTNER = ("partner@sikerma.example", "Demo-Partner-Sikerma-2026")
NOTIFICATIONS = "subscription { myNotifications { unreadCount latest { kind title } } }"
ALERTS = "subscription { myAlerts { total critical warning info } }"


@contextmanager
def api_process(uri: str, *args: str) -> Iterator[str]:
    env = {**os.environ, "MONGODB_URI": uri}
    # No OCR workers: reading the story's scans would compete with the browser for the CPU
    # (OCR has its own tests).
    env.update(LIVE_POLL_SECONDS="0.3", REMINDER_INTERVAL_SECONDS="0", OCR_WORKERS="0")
    with server_process(env, *args) as (base, _):
        yield base


@pytest.fixture(scope="module")
async def servers(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[tuple[str, str]]:
    async with embedded_engine(Path(tmp_path_factory.mktemp("live-engine"))) as uri:
        with api_process(uri, "--demo") as first, api_process(uri) as second:
            yield first, second


async def call(base: str, query: str, variables: Any = None, token: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(timeout=60) as client:
        response = await client.post(
            f"{base}/graphql", json={"query": query, "variables": variables}, headers=headers
        )
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


async def login(base: str, who: tuple[str, str]) -> str:
    data = await call(
        base,
        "mutation($i: LoginInput!) { login(input: $i) { accessToken errors { code } } }",
        {"i": {"email": who[0], "password": who[1]}},
    )
    assert data["login"]["errors"] == []
    return str(data["login"]["accessToken"])


class Subscriber:
    def __init__(self, socket: websockets.ClientConnection) -> None:
        self.socket = socket

    async def next(self) -> dict[str, Any]:
        message = json.loads(await asyncio.wait_for(self.socket.recv(), 20))
        assert message["type"] in {"next", "error", "complete"}, message
        return message


async def subscribe(base: str, query: str, token: str | None) -> Any:
    url = base.replace("http://", "ws://") + "/graphql"
    socket = await websockets.connect(
        url, subprotocols=[websockets.Subprotocol("graphql-transport-ws")]
    )
    params = {"Authorization": f"Bearer {token}"} if token else {}
    await socket.send(json.dumps({"type": "connection_init", "payload": params}))
    ack = json.loads(await asyncio.wait_for(socket.recv(), 20))
    assert ack["type"] == "connection_ack", ack
    await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
    return socket


async def test_the_badge_follows_changes_made_through_another_process(
    servers: tuple[str, str],
) -> None:
    first, second = servers
    token = await login(first, ADMIN)
    async with await subscribe(second, NOTIFICATIONS, token) as socket:
        live = Subscriber(socket)
        start = (await live.next())["payload"]["data"]["myNotifications"]["unreadCount"]

        registered = await call(
            first,
            "mutation($i: RegisterPartnerInput!) { registerPartner(input: $i) { errors { code } } }",
            {
                "i": {
                    "name": "Yayasan Langsung Tahu",
                    "kind": "NGO",
                    "contactName": "Rina",
                    "email": "rina@langsung.example",
                    "password": "Kata-Sandi-Yang-Panjang-2026",
                }
            },
        )
        assert registered["registerPartner"]["errors"] == []
        message = await live.next()
        assert message["type"] == "next", message
        assert "errors" not in message["payload"], message
        update = message["payload"]["data"]["myNotifications"]
        assert update["unreadCount"] == start + 1
        assert update["latest"] == {
            "kind": "PARTNER_REGISTERED",
            "title": "Pendaftaran mitra baru: Yayasan Langsung Tahu",
        }

        await call(
            first,
            "mutation { markNotificationsRead(input: {}) { unreadCount errors { code } } }",
            token=token,
        )
        # Marking many read is one update_many; a read while it runs may see part of it, so
        # the counts may step down, but they end at zero.
        counts = [start + 1]
        while counts[-1] != 0:
            counts.append((await live.next())["payload"]["data"]["myNotifications"]["unreadCount"])
        assert counts == sorted(counts, reverse=True)


async def test_anonymous_subscribers_are_refused(servers: tuple[str, str]) -> None:
    async with await subscribe(servers[1], NOTIFICATIONS, None) as socket:
        message = await Subscriber(socket).next()
    assert message["type"] in {"error", "next"}
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_the_stream_ends_when_the_session_is_signed_out(servers: tuple[str, str]) -> None:
    first, second = servers
    token = await login(first, PARTNER)
    async with await subscribe(second, NOTIFICATIONS, token) as socket:
        live = Subscriber(socket)
        assert (await live.next())["type"] == "next"
        await call(first, "mutation { logout { errors { code } } }", token=token)
        message = await live.next()
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_alert_counts_match_the_alerts_query(servers: tuple[str, str]) -> None:
    first, second = servers
    token = await login(first, ADMIN)
    listed = await call(first, "{ alerts(first: 100) { totalCount } }", token=token)
    async with await subscribe(second, ALERTS, token) as socket:
        counts = (await Subscriber(socket).next())["payload"]["data"]["myAlerts"]
    assert counts["total"] == listed["alerts"]["totalCount"] > 0
    assert counts["critical"] + counts["warning"] + counts["info"] == counts["total"]


async def test_alerts_are_for_monitoring_readers_only(servers: tuple[str, str]) -> None:
    token = await login(servers[0], PARTNER)
    async with await subscribe(servers[1], ALERTS, token) as socket:
        message = await Subscriber(socket).next()
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"
