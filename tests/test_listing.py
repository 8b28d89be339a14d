"""The agreements, partners and departments lists: keyset pages, order, filters, nodes."""

from datetime import date, timedelta

import pytest

from tests.api import Api
from tests.kept import kept_fixture

PAGE = "pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount"


async def _walk(api: Api, order: dict, size: int, backwards: bool = False) -> list[str]:
    """Every agreement number, page by page, following the cursors."""
    numbers: list[str] = []
    cursor = None
    for _ in range(50):
        args = "last: $n, before: $c" if backwards else "first: $n, after: $c"
        data = await api.gql(
            f"query($n: Int, $c: String, $o: AgreementOrder) {{ agreements({args}, orderBy: $o) "
            f"{{ {PAGE} nodes {{ number }} }} }}",
            {"n": size, "c": cursor, "o": order},
        )
        page = data["agreements"]
        got = [n["number"] for n in page["nodes"]]
        numbers = got + numbers if backwards else numbers + got
        more = page["pageInfo"]["hasPreviousPage" if backwards else "hasNextPage"]
        if not more:
            return numbers
        cursor = page["pageInfo"]["startCursor" if backwards else "endCursor"]
    raise AssertionError("pagination did not end")


@kept_fixture
async def seven(api: Api) -> list[dict]:
    partner = await api.partner()
    unit = await api.org_unit()
    common = {"partnerIds": [partner["id"]], "leadOrgUnitIds": [unit["id"]]}
    signed = ["2019-05-01", None, "2021-01-01", "2019-05-01", None, "2024-02-02", "2019-05-01"]
    return [
        await api.agreement(number=f"N-{i}", title=f"Judul {'CBA'[i % 3]}{i}", signedOn=s, **common)
        for i, s in enumerate(signed)
    ]


@pytest.mark.parametrize("field", ["NUMBER", "TITLE", "SIGNED_ON", "ENDS_ON", "UPDATED_AT"])
@pytest.mark.parametrize("direction", ["ASC", "DESC"])
async def test_keyset_pages_visit_every_row_once_in_order(
    api: Api, seven: list[dict], field: str, direction: str
) -> None:
    order = {"field": field, "direction": direction}
    everything = await _walk(api, order, 100)
    assert sorted(everything) == sorted(a["number"] for a in seven)
    assert await _walk(api, order, 2) == everything
    assert await _walk(api, order, 3, backwards=True) == everything


async def test_order_by_signed_on_puts_unsigned_first_ascending(
    api: Api, seven: list[dict]
) -> None:
    order = {"field": "SIGNED_ON", "direction": "ASC"}
    numbers = await _walk(api, order, 100)
    assert set(numbers[:2]) == {"N-1", "N-4"}
    assert numbers[2:5] == ["N-0", "N-3", "N-6"]
    assert numbers[5:] == ["N-2", "N-5"]


async def test_page_size_and_cursor_errors(api: Api) -> None:
    too_many = await api.raw("{ agreements(first: 101) { totalCount } }")
    assert too_many["errors"][0]["extensions"]["code"] == "PAGE_SIZE_EXCEEDED"
    negative = await api.raw("{ partners(first: -1) { totalCount } }")
    assert negative["errors"][0]["extensions"]["code"] == "INVALID"
    bad_cursor = await api.raw('{ orgUnits(after: "%%%") { totalCount } }')
    assert bad_cursor["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"
    both = await api.raw("{ agreements(first: 1, last: 1) { totalCount } }")
    assert both["errors"][0]["extensions"]["code"] == "INVALID"


async def test_filters(api: Api) -> None:
    today = date.today()
    dinkes = await api.org_unit(name="Dinas Kesehatan")
    disdik = await api.org_unit(name="Dinas Pendidikan")
    ipb = await api.partner(name="IPB University")
    pdam = await api.partner(name="PDAM Tirta Pakuan", kind="STATE_ENTERPRISE")

    async def make(number: str, **fields: object) -> dict:
        defaults = {"partnerIds": [ipb["id"]], "leadOrgUnitIds": [dinkes["id"]]}
        return await api.agreement(number=number, **{**defaults, **fields})

    await make(
        "A",
        title="Pelayanan kesehatan ibu dan anak",
        signedOn="2019-03-01",
        cooperationType="KSDPK",
    )
    await make(
        "B",
        title="Beasiswa mahasiswa",
        leadOrgUnitIds=[disdik["id"]],
        signedOn="2020-07-01",
        cooperationType="KSDD",
    )
    await make(
        "C",
        title="Penyediaan air minum",
        partnerIds=[pdam["id"]],
        form="NK",
        cooperationType="SINERGI",
        startsOn="2018-01-01",
        endsOn=(today + timedelta(days=30)).isoformat(),
    )
    expiring = await make(
        "D",
        title="Kesehatan lingkungan",
        startsOn="2018-01-01",
        endsOn=(today + timedelta(days=60)).isoformat(),
        signedOn="2018-01-01",
    )
    await api.uploaded(expiring["id"])
    await api.ok("activateAgreement", "agreement { id }", {"agreementId": expiring["id"]})
    await make(
        "E", title="Jauh", startsOn="2018-01-01", endsOn=(today + timedelta(days=400)).isoformat()
    )

    async def numbers(flt: dict) -> list[str]:
        data = await api.gql(
            "query($f: AgreementFilter) { agreements(filter: $f, orderBy: {field: NUMBER, direction: ASC}) { totalCount nodes { number isExpiring } } }",
            {"f": flt},
        )
        result = [n["number"] for n in data["agreements"]["nodes"]]
        assert data["agreements"]["totalCount"] == len(result)
        return result

    assert await numbers({"text": "kesehatan"}) == ["A", "D"]
    assert await numbers({"cooperationType": ["KSDD", "SINERGI"]}) == ["B", "C"]
    assert await numbers({"form": ["NK"]}) == ["C"]
    assert await numbers({"status": ["ACTIVE"]}) == ["D"]
    assert await numbers({"partnerId": pdam["id"]}) == ["C"]
    assert await numbers({"orgUnitId": disdik["id"]}) == ["B"]
    assert await numbers({"signedYear": 2019}) == ["A"]
    assert await numbers({"endsBefore": (today + timedelta(days=90)).isoformat()}) == ["C", "D"]
    assert await numbers({"endsAfter": (today + timedelta(days=45)).isoformat()}) == ["D", "E"]
    # Only an ACTIVE agreement is expiring: C ends soon too but is still a draft.
    assert await numbers({"expiringWithinDays": 90}) == ["D"]
    assert await numbers({"expiringWithinDays": 30}) == []
    flagged = await api.gql("{ agreements(first: 10) { nodes { number isExpiring } } }")
    assert {n["number"] for n in flagged["agreements"]["nodes"] if n["isExpiring"]} == {"D"}
    wrong = await api.raw(
        '{{ agreements(filter: {{partnerId: "{}"}}) {{ totalCount }} }}'.format(dinkes["id"])
    )
    assert wrong["errors"][0]["extensions"]["code"] == "INVALID_ID"


async def test_partner_and_org_unit_lists(api: Api) -> None:
    for name, kind in [
        ("Universitas Pakuan", "UNIVERSITY"),
        ("Pemkab Bogor", "REGIONAL_GOVERNMENT"),
        ("IPB University", "UNIVERSITY"),
    ]:
        await api.partner(name=name, kind=kind)
    data = await api.gql(
        "{ partners(filter: {kind: [UNIVERSITY]}) { totalCount nodes { name } } "
        '  named: partners(filter: {text: "bogor"}) { nodes { name } } }'
    )
    assert data["partners"] == {
        "totalCount": 2,
        "nodes": [{"name": "IPB University"}, {"name": "Universitas Pakuan"}],
    }
    assert data["named"]["nodes"] == [{"name": "Pemkab Bogor"}]

    await api.org_unit(code="dinkes", name="Dinas Kesehatan", shortName="Dinkes")
    duplicate = await api.mutate(
        "createOrgUnit", "orgUnit { id }", {"code": "DINKES", "name": "Lain"}
    )
    assert duplicate["errors"] == [
        {"field": "code", "code": "DUPLICATE", "message": "code sudah dipakai"}
    ]
    units = await api.gql("{ orgUnits { nodes { code name shortName active } } }")
    assert units["orgUnits"]["nodes"] == [
        {"code": "DINKES", "name": "Dinas Kesehatan", "shortName": "Dinkes", "active": True}
    ]


async def test_update_partner_with_revision(api: Api) -> None:
    partner = await api.partner(name="Pemkot Depok", kind="REGIONAL_GOVERNMENT")
    updated = await api.ok(
        "updatePartner",
        "partner { name city revision contacts { name email } }",
        {
            "id": partner["id"],
            "revision": 1,
            "city": "Depok",
            "contacts": [{"name": "Bapak Kepala Bagian", "email": "kerjasama@depok.go.id"}],
        },
    )
    assert updated["partner"] == {
        "name": "Pemkot Depok",
        "city": "Depok",
        "revision": 2,
        "contacts": [{"name": "Bapak Kepala Bagian", "email": "kerjasama@depok.go.id"}],
    }
    stale = await api.mutate(
        "updatePartner", "partner { id }", {"id": partner["id"], "revision": 1, "city": "X"}
    )
    assert stale["errors"][0]["code"] == "CONFLICT"
    bad_email = await api.mutate(
        "updatePartner",
        "partner { id }",
        {"id": partner["id"], "contacts": [{"name": "A", "email": "nope"}]},
    )
    assert bad_email["errors"][0]["code"] == "INVALID"
    assert bad_email["errors"][0]["field"] == "contacts.0.email"


async def test_node_and_nodes(api: Api) -> None:
    agreement = await api.agreement()
    doc = (await api.uploaded(agreement["id"]))["document"]
    partner_id = agreement["partners"][0]["id"]
    data = await api.gql(
        "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }",
        {
            "ids": [
                agreement["id"],
                partner_id,
                doc["id"],
                "QWdyZWVtZW50OjY1MDAwMDAwMDAwMDAwMDAwMDAwMDAwMA==",
            ]
        },
    )
    assert data["nodes"] == [
        {"__typename": "Agreement", "id": agreement["id"]},
        {"__typename": "Partner", "id": partner_id},
        {"__typename": "DocumentRef", "id": doc["id"]},
        None,
    ]
    malformed = await api.raw('{ node(id: "bm9wZQ==") { id } }')
    assert malformed["errors"][0]["extensions"]["code"] == "INVALID_ID"
    assert malformed["data"] == {"node": None}


async def test_chronology_pages_newest_first(api: Api) -> None:
    agreement = await api.agreement(signedOn="2020-01-01")
    for i in range(3):
        await api.ok(
            "updateAgreement", "agreement { id }", {"id": agreement["id"], "scope": f"Lingkup {i}"}
        )
    seen: list[str] = []
    cursor = None
    while True:
        data = await api.gql(
            "query($id: ID!, $c: String) { node(id: $id) { ... on Agreement { chronology(first: 2, after: $c) { totalCount pageInfo { hasNextPage endCursor } nodes { id occurredAt } } } } }",
            {"id": agreement["id"], "c": cursor},
        )
        page = data["node"]["chronology"]
        assert page["totalCount"] == 4
        seen += [n["occurredAt"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        cursor = page["pageInfo"]["endCursor"]
    assert len(seen) == 4
    assert seen == sorted(seen, reverse=True)
