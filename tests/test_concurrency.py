"""Concurrent requests on the same records: each race has one winner and coded answers for
the rest, never an INTERNAL_ERROR or a duplicate. Transactions that collide are retried."""

import asyncio
from typing import Any

import httpx
import pytest

from tests.api import Api
from tests.monitoring import active_agreement
from tests.proposals import cast, reach, stored
from tests.test_chronology import ADD
from tests.test_partner_registration import REGISTERED, registration

pytestmark = pytest.mark.requires("concurrent_transactions")


def from_address(api: Api, n: int) -> Api:
    """A client at its own address: online registration is throttled per address."""
    transport = httpx.ASGITransport(app=api.client.app, client=(f"192.0.2.{n}", 40000 + n))  # type: ignore[attr-defined]
    return Api(
        httpx.AsyncClient(transport=transport, base_url="http://test"), api.database, api.commands
    )


async def test_twenty_partners_register_at_once(api: Api) -> None:
    clients = [from_address(api, n) for n in range(1, 21)]
    try:
        answers = await asyncio.gather(
            *(
                c.mutate("registerPartner", REGISTERED, registration(n))
                for n, c in enumerate(clients, start=1)
            )
        )
    finally:
        await asyncio.gather(*(c.client.aclose() for c in clients))
    assert [a["errors"] for a in answers] == [[]] * 20
    assert await api.count("partners", {"registration_status": "UNVERIFIED"}) == 20
    assert await api.count("users", {"role": "PARTNER"}) == 20


async def test_one_of_ten_concurrent_approvals_wins(api: Api) -> None:
    c = await cast(api)
    proposal = await reach(c, "IN_REVIEW")
    selection = "agreement { id } proposal { status }"
    answers = await asyncio.gather(
        *(
            c.admin.mutate("approveProposal", selection, {"proposalId": proposal["id"]})
            for _ in range(10)
        )
    )
    winners = [a for a in answers if not a["errors"]]
    losers = [e["code"] for a in answers for e in a["errors"]]
    assert len(winners) == 1
    assert winners[0]["proposal"]["status"] == "APPROVED"
    assert len(losers) == 9
    assert set(losers) <= {"CONFLICT", "INVALID_TRANSITION"}, losers
    assert await api.count("agreements") == 1
    stored_proposal = await stored(api, "proposals")
    assert stored_proposal["status"] == "APPROVED"
    assert [h["to_status"] for h in stored_proposal["history"]].count("APPROVED") == 1


async def test_twenty_retries_of_one_event_record_it_once(api: Api) -> None:
    agreement = await active_agreement(api)
    data: dict[str, Any] = {
        "agreementId": agreement["id"],
        "kind": "MEETING",
        "occurredAt": "2026-03-12T09:00:00+07:00",
        "title": "Rapat koordinasi triwulan",
        "idempotencyKey": "rapat-2026-03-12-koordinasi",
    }
    answers = await asyncio.gather(*(api.gql(ADD, {"input": data}) for _ in range(20)))
    payloads = [a["addChronologyEvent"] for a in answers]
    assert [p["errors"] for p in payloads] == [[]] * 20
    assert len({p["event"]["id"] for p in payloads}) == 1
    assert all(p["event"] == payloads[0]["event"] for p in payloads)
    row = await stored(api, "agreements", {"_id": {"$exists": True}})
    assert [e["title"] for e in row["chronology"]].count("Rapat koordinasi triwulan") == 1
