"""The API as a whole: the published SDL, request limits, error codes, round-trip bounds."""

from pathlib import Path

import pytest

from schema import build_schema
from tests.api import ADMIN_EMAIL, Api

SDL = Path(__file__).resolve().parent.parent / "schema.graphql"

NESTED_PAGE = """query($n: Int!) { agreements(first: $n, orderBy: {field: NUMBER, direction: ASC}) {
  totalCount
  nodes { number partners { name } leadOrgUnits { name } parent { number }
          children { number } documents { filename downloadUrl } }
} }"""


def test_published_sdl_matches_the_code(settings: object) -> None:
    current = build_schema(settings).as_str() + "\n"  # type: ignore[arg-type]
    assert SDL.read_text() == current, "schema.graphql is stale: run `python cli.py export-schema`"


async def test_nested_page_costs_a_bounded_number_of_commands(api: Api) -> None:
    partners = [await api.partner() for _ in range(3)]
    units = [await api.org_unit() for _ in range(3)]
    ksbs = []
    for i in range(5):
        ksb = await api.agreement(
            number=f"K-{i:02d}",
            partnerIds=[partners[i % 3]["id"]],
            leadOrgUnitIds=[units[i % 3]["id"]],
        )
        await api.uploaded(ksb["id"])
        ksbs.append(ksb)
    for i in range(45):
        await api.agreement(
            number=f"P-{i:02d}",
            form="PKS",
            parentId=ksbs[i % 5]["id"],
            partnerIds=[partners[i % 3]["id"], partners[(i + 1) % 3]["id"]],
            leadOrgUnitIds=[units[i % 3]["id"]],
        )

    counts = {}
    for size in (5, 50):
        api.commands.reset()
        data = await api.gql(NESTED_PAGE, {"n": size})
        assert len(data["agreements"]["nodes"]) == size
        counts[size] = len(api.commands.data_commands())
    page = data["agreements"]["nodes"]
    assert page[0]["children"]
    assert page[-1]["parent"]
    assert counts[50] <= 8, api.commands.data_commands()
    assert counts[50] == counts[5]


async def test_a_list_loads_its_agreements_only_for_fields_its_rows_lack(api: Api) -> None:
    """A list shows its listing rows; a field only the agreement holds loads the page's
    agreements, in one more query however many there are."""
    for n in range(3):
        await api.agreement(purpose=f"Tujuan {n}", endsOn="2030-01-31")
    listed = "{ agreements(orderBy: {field: NUMBER, direction: ASC}) { nodes { %s } } }"
    commands = {}
    for fields in ("number title status endsOn isExpiring", "number purpose"):
        api.commands.reset()
        nodes = (await api.gql(listed % fields))["agreements"]["nodes"]
        commands[fields] = len(api.commands.data_commands())
    assert [n["purpose"] for n in nodes] == ["Tujuan 0", "Tujuan 1", "Tujuan 2"]
    assert commands["number purpose"] == commands["number title status endsOn isExpiring"] + 1


@pytest.mark.parametrize(
    ("query", "code"),
    [
        (
            "{ agreements { nodes { " + "parent { " * 12 + "id" + " }" * 12 + " } } }",
            "QUERY_TOO_DEEP",
        ),
        (
            "{ " + " ".join(f"a{i}: orgUnits {{ totalCount }}" for i in range(31)) + " }",
            "TOO_MANY_ALIASES",
        ),
        ("{ orgUnits { totalCount " + "__typename " * 5000 + "} }", "TOO_MANY_TOKENS"),
        ("{ agreements { nodes { nope } } }", "GRAPHQL_VALIDATION_FAILED"),
        ("{ agreements(", "GRAPHQL_PARSE_FAILED"),
        ('{ agreements(filter: {endsBefore: "31-12-2024"}) { totalCount } }', "BAD_USER_INPUT"),
    ],
)
async def test_request_errors_are_coded(api: Api, query: str, code: str) -> None:
    body = await api.post({"query": query})
    errors = body.json()["errors"]
    assert errors[0]["extensions"]["code"] == code, errors
    # The same text again is parsed and validated from the caches: refused the same way.
    again = (await api.post({"query": query})).json()["errors"]
    assert [e["extensions"]["code"] for e in again] == [e["extensions"]["code"] for e in errors]


async def test_bad_variable_value_is_coded(api: Api) -> None:
    response = await api.post(
        {
            "query": "query($d: Date) { agreements(filter: {endsBefore: $d}) { totalCount } }",
            "variables": {"d": "not-a-date"},
        },
    )
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_every_response_has_a_request_id(api: Api) -> None:
    response = await api.client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert len(response.headers["x-request-id"]) == 32
    echoed = await api.client.get("/healthz", headers={"X-Request-ID": "mobile-123"})
    assert echoed.headers["x-request-id"] == "mobile-123"


async def test_graphiql_is_served(api: Api) -> None:
    response = await api.client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


async def test_unexpected_errors_are_masked_with_the_request_id(api: Api) -> None:
    """A stored record that no longer fits the model (damaged by hand) is a server fault."""
    agreement = await api.agreement()
    await api.database.db.agreements.update_one(
        {"number": agreement["number"]}, {"$unset": {"form": ""}}
    )
    response = await api.post(
        {"query": "{ agreements { nodes { number purpose } } }"},
        headers={"X-Request-ID": "trace-42"},
    )
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "INTERNAL_ERROR", "requestId": "trace-42"}
    assert "trace-42" in error["message"]
    assert "validation" not in error["message"].lower()
    assert "Traceback" not in response.text


async def test_security_headers_and_cors(api: Api) -> None:
    response = await api.post({"query": "{ viewer { id } }"})
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert "default-src 'none'" in response.headers["content-security-policy"]
    # No origin is allowed unless configured: a foreign page gets no CORS grant.
    preflight = await api.client.options(
        "/graphql",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in preflight.headers


async def test_errors_outside_graphql_are_masked_and_coded_too(api: Api) -> None:
    """Authentication runs before GraphQL; a damaged account record fails it there."""
    await api.database.db.users.update_one({"email": ADMIN_EMAIL}, {"$set": {"role": "RUSAK"}})
    response = await api.post({"query": "{ me { email } }"}, headers={"X-Request-ID": "trace-43"})
    assert response.status_code == 500
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "INTERNAL_ERROR", "requestId": "trace-43"}
    assert "trace-43" in error["message"]
    assert response.headers["x-request-id"] == "trace-43"
    assert "RUSAK" not in response.text
