"""The access matrix: each role (and anonymous) against each query, mutation and download.

Denied calls are checked to change nothing. Records a viewer may not read are "not found".
"""

import base64
from dataclasses import dataclass
from typing import Any

import pytest

from tests.api import PDF, Api
from tests.kept import kept_fixture

ROLES = ["ANONYMOUS", "ADMIN", "REVIEWER", "EXECUTIVE", "OFFICER", "PARTNER"]


@dataclass
class World:
    admin: Api
    x: dict[str, Any]  # led by unit A, with partner P1
    y: dict[str, Any]  # led by unit B, with partner P2
    unit_a: dict[str, Any]
    p1: dict[str, Any]
    p2: dict[str, Any]
    clients: dict[str, Api]


@kept_fixture
async def world(api: Api) -> World:
    unit_a, unit_b = await api.org_unit(), await api.org_unit()
    p1, p2 = await api.partner(), await api.partner()
    x = await api.agreement(partnerIds=[p1["id"]], leadOrgUnitIds=[unit_a["id"]])
    y = await api.agreement(partnerIds=[p2["id"]], leadOrgUnitIds=[unit_b["id"]])
    for agreement in (x, y):
        doc = (await api.uploaded(agreement["id"]))["document"]
        agreement["file"] = doc["downloadUrl"]
        agreement["doc"] = doc["id"]
    clients = {"ANONYMOUS": api.as_(None), "ADMIN": api}
    for role, extra in [
        ("REVIEWER", {}),
        ("EXECUTIVE", {}),
        ("OFFICER", {"orgUnitId": unit_a["id"]}),
        ("PARTNER", {"partnerId": p1["id"]}),
    ]:
        clients[role] = (await api.user(role, **extra))[1]
    return World(api, x, y, unit_a, p1, p2, clients)


async def snapshot(api: Api) -> dict[str, Any]:
    """Everything a refused call must leave as it was."""
    db = api.database.db
    state: dict[str, Any] = {}
    for name in ("agreements", "partners", "org_units", "users", "files.files", "api_tokens"):
        rows = await db[name].find({}, {"revision": 1, "updated_at": 1}).to_list()
        state[name] = sorted(
            (str(r["_id"]), r.get("revision"), str(r.get("updated_at"))) for r in rows
        )
    return state


def top_code(body: dict[str, Any]) -> str | None:
    return body["errors"][0]["extensions"]["code"] if body.get("errors") else None


# What each role reads: agreements visible, partners visible, auditLog/users allowed.
READS = {
    "ANONYMOUS": None,
    "ADMIN": ({"x", "y"}, {"p1", "p2"}, True),
    "REVIEWER": ({"x", "y"}, {"p1", "p2"}, False),
    "EXECUTIVE": ({"x", "y"}, {"p1", "p2"}, False),
    "OFFICER": ({"x"}, {"p1", "p2"}, False),
    "PARTNER": ({"x"}, {"p1"}, False),
}


@pytest.mark.parametrize("role", ROLES)
async def test_reads_and_downloads(world: World, role: str) -> None:
    client = world.clients[role]
    names = {world.x["id"]: "x", world.y["id"]: "y", world.p1["id"]: "p1", world.p2["id"]: "p2"}
    expected = READS[role]
    listing = await client.raw("{ agreements { nodes { id } } partners { nodes { id } } }")
    admin_only = await client.raw("{ auditLog { totalCount } users { totalCount } }")
    by_id = await client.raw(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
        {"ids": [world.x["id"], world.y["id"], world.p1["id"], world.p2["id"]]},
    )
    downloads = {
        key: (await client.get(world.__dict__[key]["file"])).status_code for key in ("x", "y")
    }
    if expected is None:
        assert top_code(listing) == "UNAUTHENTICATED"
        assert top_code(admin_only) == "UNAUTHENTICATED"
        assert top_code(by_id) == "UNAUTHENTICATED"
        assert downloads == {"x": 401, "y": 401}
        return
    agreements, partners, admin = expected
    assert {names[n["id"]] for n in listing["data"]["agreements"]["nodes"]} == agreements
    assert {names[n["id"]] for n in listing["data"]["partners"]["nodes"]} == partners
    assert top_code(admin_only) == (None if admin else "FORBIDDEN")
    found = {names[n["id"]] for n in by_id["data"]["nodes"] if n}
    assert found == agreements | partners  # a guessed id of another's record is just null
    assert downloads == {k: 200 if k in agreements else 404 for k in ("x", "y")}


# Mutations: (name, selection, input builder). Each is allowed for the roles listed.
def mutations(w: World) -> list[tuple[str, str, dict[str, Any], set[str]]]:
    return [
        ("createOrgUnit", "orgUnit { id }", {"code": "NEW", "name": "Baru"}, {"ADMIN"}),
        ("createPartner", "partner { id }", {"name": "Mitra Baru", "kind": "NGO"}, {"ADMIN"}),
        ("updatePartner", "partner { id }", {"id": w.p1["id"], "city": "Bogor"}, {"ADMIN"}),
        (
            "createAgreement",
            "agreement { id }",
            {
                "number": "NEW/1",
                "title": "Baru",
                "form": "KSB",
                "cooperationType": "KSDD",
                "partnerIds": [w.p1["id"]],
                "leadOrgUnitIds": [w.unit_a["id"]],
            },
            {"ADMIN"},
        ),
        (
            "updateAgreement",
            "agreement { id }",
            {"id": w.x["id"], "scope": "Lingkup baru"},
            {"ADMIN"},
        ),
        (
            "terminateAgreement",
            "agreement { id }",
            {"agreementId": w.y["id"], "reason": "Selesai"},
            set(),
        ),
        (
            "createUser",
            "user { id }",
            {
                "email": "new@kotabogor.example",
                "displayName": "Baru",
                "role": "REVIEWER",
                "password": "Kujang-Emas-Pajajaran",
            },
            {"ADMIN"},
        ),
    ]


@pytest.mark.parametrize("role", ROLES)
async def test_mutations_are_refused_before_anything_changes(world: World, role: str) -> None:
    client = world.clients[role]
    for name, selection, data, allowed in mutations(world):
        before = await snapshot(world.admin)
        body = await client.raw(
            f"mutation($input: {name[0].upper()}{name[1:]}Input!) {{ {name}(input: $input) {{ {selection} errors {{ code }} }} }}",
            {"input": data},
        )
        if role in allowed:
            assert "errors" not in body, (name, body)
            assert body["data"][name]["errors"] == [], (name, body)
            continue
        if role == "ANONYMOUS":
            assert top_code(body) == "UNAUTHENTICATED", (name, body)
        elif name == "terminateAgreement" and role == "ADMIN":
            # Allowed to try; the draft cannot be terminated: a business rule, not access.
            assert body["data"][name]["errors"][0]["code"] == "INVALID_TRANSITION"
        else:
            assert top_code(body) == "FORBIDDEN", (name, role, body)
        assert await snapshot(world.admin) == before, (name, role)


@pytest.mark.parametrize(
    ("role", "target", "outcome"),
    [
        ("ADMIN", "y", "ok"),
        ("OFFICER", "x", "ok"),  # its unit leads x
        ("OFFICER", "y", "NOT_FOUND"),  # another unit's agreement: not even seen
        ("PARTNER", "x", "FORBIDDEN"),
        ("REVIEWER", "x", "FORBIDDEN"),
        ("EXECUTIVE", "x", "FORBIDDEN"),
        ("ANONYMOUS", "x", "UNAUTHENTICATED"),
    ],
)
async def test_uploads_follow_the_same_rules(
    world: World, role: str, target: str, outcome: str
) -> None:
    client = world.clients[role]
    before = await snapshot(world.admin)
    response = await client.upload(
        world.__dict__[target]["id"], PDF, type="REPORT", title="Laporan"
    )
    body = response.json()
    if outcome == "ok":
        assert body["data"]["uploadAgreementDocument"]["errors"] == []
        return
    if outcome == "NOT_FOUND":
        assert body["data"]["uploadAgreementDocument"]["errors"][0]["code"] == "NOT_FOUND"
    else:
        assert top_code(body) == outcome
    assert await snapshot(world.admin) == before


async def test_officer_history_records_the_real_user(world: World) -> None:
    officer = world.clients["OFFICER"]
    me = (await officer.gql("{ viewer { id displayName } }"))["viewer"]
    await officer.uploaded(world.x["id"], PDF, type="MINUTES", title="Notulen rapat")
    data = await officer.gql(
        "query($id: ID!) { node(id: $id) { ... on Agreement { chronology(first: 1) { nodes { kind recordedBy { id name } } } } } }",
        {"id": world.x["id"]},
    )
    event = data["node"]["chronology"]["nodes"][0]
    assert event["kind"] == "DOCUMENT_ADDED"
    assert event["recordedBy"]["name"] == me["displayName"]
    assert base64.b64decode(me["id"]).decode() == f"User:{event['recordedBy']['id']}"
