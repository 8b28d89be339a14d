"""Sensitive fields never reach a reader outside their audience, on any path: the TKKSD's
review notes (agreement chronology, timeline, CSV export) and a co-partner's contacts and
address (agreement partners, proposal partners)."""

from typing import Any

from tests.proposals import Cast, cast, reach

NOTE = "Selaras dengan prioritas daerah"
CHRONOLOGY = "query($id: ID!) { node(id: $id) { ... on Agreement { chronology(first: 50) { nodes { kind title description internalNote } } } } }"
TIMELINE = "{ timeline(first: 100) { nodes { kind title description internalNote } } }"


async def approved_agreement(c: Cast) -> str:
    proposal = await reach(c, "APPROVED", "OFFICER", partnerIds=[c.p1["id"], c.p2["id"]])
    return str(proposal["agreement"]["id"])


def review_events(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in events if e["title"].startswith("Telaah TKKSD")]


async def test_review_notes_reach_the_city_but_not_the_partner(api) -> None:
    c = await cast(api)
    agreement_id = await approved_agreement(c)
    for client, sees in ((c.admin, True), (c.reviewer, True), (c.partner, False)):
        data = await client.gql(CHRONOLOGY, {"id": agreement_id})
        events = data["node"]["chronology"]["nodes"]
        reviews = review_events(events)
        assert len(reviews) == 1, events
        text = repr(events)
        assert (NOTE in text) is sees, (sees, events)
        assert (reviews[0]["internalNote"] != "") is sees
        timeline = (await client.gql(TIMELINE))["timeline"]["nodes"]
        assert (NOTE in repr(timeline)) is sees, timeline
        export = await client.get("/exports/chronology.csv")
        assert export.status_code == 200, export.text
        assert (NOTE in export.text) is sees, export.text
    # What the partner sees says only that a review took place.
    data = await c.partner.gql(CHRONOLOGY, {"id": agreement_id})
    review = review_events(data["node"]["chronology"]["nodes"])[0]
    assert review == {
        "kind": "REVIEWED",
        "title": "Telaah TKKSD",
        "description": "",
        "internalNote": "",
    }


async def test_recommendation_is_not_in_the_partners_titles(api) -> None:
    c = await cast(api)
    agreement_id = await approved_agreement(c)
    data = await c.admin.gql(CHRONOLOGY, {"id": agreement_id})
    internal = review_events(data["node"]["chronology"]["nodes"])[0]["internalNote"]
    verdict = internal.splitlines()[0]
    assert verdict
    seen = await c.partner.gql(CHRONOLOGY, {"id": agreement_id})
    assert verdict not in repr(seen)
    export = await c.partner.get("/exports/chronology.csv")
    assert verdict not in export.text


PARTNERS = "query($id: ID!) { node(id: $id) { ... on Agreement { partners { id address contacts { name email phone } } } } }"


async def test_partner_does_not_read_a_co_partners_contacts(api) -> None:
    c = await cast(api)
    contact = {"name": "Bu Rina", "email": "rina@mitra.example", "phone": "0812345678"}
    for p in (c.p1, c.p2):
        await api.ok(
            "updatePartner",
            "partner { id }",
            {"id": p["id"], "address": f"Jl. Rahasia {p['id'][:4]}", "contacts": [contact]},
        )
    agreement = await api.agreement(partnerIds=[c.p1["id"], c.p2["id"]])
    data = await c.partner.gql(PARTNERS, {"id": agreement["id"]})
    partners = {p["id"]: p for p in data["node"]["partners"]}
    own, other = partners[c.p1["id"]], partners[c.p2["id"]]
    assert own["contacts"] == [contact]
    assert own["address"]
    assert other["contacts"] == []
    assert other["address"] == ""
    # The city reads both.
    data = await api.gql(PARTNERS, {"id": agreement["id"]})
    assert all(p["contacts"] == [contact] for p in data["node"]["partners"])
