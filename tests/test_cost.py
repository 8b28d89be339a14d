"""The query cost: computed before execution, reported in every response, enforced."""

from collections.abc import Iterator
from typing import Any

import pytest

from settings import Settings
from tests.api import Api


def cost_of(body: dict[str, Any]) -> int:
    return int(body["extensions"]["cost"]["requested"])


@pytest.fixture
def limit_of_100(api: Api) -> Iterator[None]:
    settings: Settings = api.client.app.state.settings  # type: ignore[attr-defined]
    limit = settings.max_query_cost
    settings.max_query_cost = 100
    yield
    settings.max_query_cost = limit


@pytest.mark.parametrize(
    ("query", "variables", "cost"),
    [
        ("{ viewer { id } }", None, 1),
        ("{ orgUnits(first: 5) { totalCount } }", None, 1),
        ("{ agreements(first: 50) { totalCount nodes { number partners { name } } } }", None, 101),
        (
            "query($n: Int) { agreements(first: $n) { nodes { partners { name } } } }",
            {"n": 7},
            15,
        ),
        # No page size given: a full page (100).
        ("{ agreements { nodes { number } } }", None, 101),
        # Nested connections multiply.
        (
            "{ agreements(first: 10) { nodes { chronology(first: 5) { nodes { recordedBy { name } } } } } }",
            None,
            1 + 10 * (1 + 1 + 5 * (1 + 1)),
        ),
        (
            "query { agreements(first: 4) { edges { node { ...Parts } } } } fragment Parts on Agreement { partners { name } leadOrgUnits { name } }",
            None,
            1 + 4 * (1 + 1 + 2),
        ),
        (
            "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Agreement { partners { name } } } }",
            {"ids": ["QWdyZWVtZW50OjE=", "QWdyZWVtZW50OjI=", "QWdyZWVtZW50OjM="]},
            1 + 3 * 1,
        ),
    ],
)
async def test_cost_is_computed_and_reported(
    api: Api, query: str, variables: dict[str, Any] | None, cost: int
) -> None:
    body = (await api.post({"query": query, "variables": variables or {}})).json()
    assert body["extensions"]["cost"] == {"requested": cost, "limit": 10_000}


async def test_every_response_reports_its_cost(api: Api) -> None:
    refused = (
        await api.as_(None).post({"query": "{ agreements(first: 3) { totalCount } }"})
    ).json()
    assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert cost_of(refused) == 1
    invalid = (await api.post({"query": "{ agreements(first: 3) { nope } }"})).json()
    assert invalid["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "cost" in invalid["extensions"]
    mutation = await api.raw(
        'mutation { createOrgUnit(input: {code: "K", name: "K"}) { orgUnit { id } errors { code } } }'
    )
    assert cost_of(mutation) == 3


async def test_a_costly_query_is_refused_before_it_runs(api: Api, limit_of_100: None) -> None:
    await api.org_unit()
    api.commands.reset()
    body = (
        await api.post(
            {"query": "{ orgUnits(first: 100) { nodes { code } } agreements { nodes { id } } }"}
        )
    ).json()
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"] == {"code": "QUERY_TOO_COSTLY", "cost": 202, "limit": 100}
    # Only the credentials were read: no query of the archive ran.
    assert set(api.commands.data_commands()) <= {"find"}
    assert len(api.commands.data_commands()) <= 2

    costly_mutation = (
        'mutation { createOrgUnit(input: {code: "MAHAL", name: "Mahal"}) { orgUnit { id } errors { code } } '
        + " ".join(
            f'a{i}: createPartner(input: {{name: "P{i}", kind: NGO}}) {{ partner {{ contacts {{ name }} identifiers {{ value }} }} errors {{ code }} }}'
            for i in range(25)
        )
        + " }"
    )
    refused = (await api.post({"query": costly_mutation})).json()
    assert refused["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert await api.count("org_units") == 1
    assert await api.count("partners") == 0
    cheap = await api.gql("{ orgUnits(first: 10) { nodes { code } } }")
    assert len(cheap["orgUnits"]["nodes"]) == 1
