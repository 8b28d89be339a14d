"""The text filter of agreements and proposals: stored search keys, Indonesian words,
title matches first, and the same filter in counts, exports and statistics."""

import json
from typing import Any
from urllib.parse import quote

from beanie import init_beanie
from bson import ObjectId

from models import DOCUMENT_MODELS, Agreement, Proposal
from models.agreement_keys import AgreementKeys, key_unkeyed
from models.searchable import backfill_search_keys
from server import create_app
from settings import Settings
from tests.api import Api
from tests.kept import kept_fixture
from tests.proposals import cast, propose, raw_id
from tests.test_exports import parse_csv

LIST = """query($f: AgreementFilter, $o: AgreementOrder, $n: Int, $a: String, $l: Int, $b: String) {
  agreements(filter: $f, orderBy: $o, first: $n, after: $a, last: $l, before: $b) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes { number }
  }
}"""


async def found(api: Api, text: str, order: dict | None = None) -> list[str]:
    """The numbers of the agreements `text` finds, in list order (one page)."""
    data = await api.gql(LIST, {"f": {"text": text}, "o": order, "n": 100})
    numbers = [n["number"] for n in data["agreements"]["nodes"]]
    assert data["agreements"]["totalCount"] == len(numbers)
    return numbers


async def found_set(api: Api, text: str) -> set[str]:
    numbers = await found(api, text)
    assert len(set(numbers)) == len(numbers)
    return set(numbers)


@kept_fixture
async def archive(api: Api) -> dict[str, dict[str, Any]]:
    specs = {
        "PAUD": {"title": "Pendidikan Anak Usia Dini"},
        "BEA": {"title": "Beasiswa Pendidikan Tinggi", "purpose": "Bantuan biaya kuliah"},
        "STUNT": {"title": "Kerjasama Penanganan Stunting", "scope": "Gizi balita"},
        "SAMPAH": {"title": "Kerja sama pengelolaan sampah", "purpose": "Bank sampah"},
        "GURU": {"title": "Pelatihan guru", "purpose": "Meningkatkan mutu pendidikan"},
        "DIDIK": {"title": "Peserta didik berprestasi"},
        "400.1/77-PDAM/2025": {"title": "Penyediaan air minum"},
    }
    return {number: await api.agreement(number=number, **spec) for number, spec in specs.items()}


async def test_words_find_their_agreements(api: Api, archive: dict[str, Any]) -> None:
    assert await found_set(api, "pendidikan") == {"PAUD", "BEA", "GURU", "DIDIK"}
    assert await found_set(api, "Pendidikan") == await found_set(api, "PENDIDIKAN")
    # Sastrawi takes "pendidikan" to its root "didik": each finds the other.
    assert await found_set(api, "didik") == {"PAUD", "BEA", "GURU", "DIDIK"}
    assert await found_set(api, "beasiswa") == {"BEA"}
    assert await found_set(api, "stunt") == {"STUNT"}
    assert await found_set(api, "stunting") == {"STUNT"}
    assert await found_set(api, "balita") == {"STUNT"}  # the scope counts too
    assert await found_set(api, "air minum") == {"400.1/77-PDAM/2025"}
    assert await found_set(api, "77-pdam") == {"400.1/77-PDAM/2025"}  # and the number


async def test_joined_and_split_words_find_each_other(api: Api, archive: dict[str, Any]) -> None:
    assert await found_set(api, "kerjasama") == {"STUNT", "SAMPAH"}
    assert await found_set(api, "kerja sama") == {"STUNT", "SAMPAH"}
    assert await found_set(api, "kerjasamá") == {"STUNT", "SAMPAH"}
    assert await found_set(api, "KERJA SAMÁ sampah") == {"SAMPAH"}


async def test_every_word_must_match(api: Api, archive: dict[str, Any]) -> None:
    assert await found_set(api, "beasiswa tinggi") == {"BEA"}
    assert await found_set(api, "beasiswa sampah") == set()
    assert await found_set(api, "pendidikan guru") == {"GURU"}
    assert await found_set(api, "gedung") == set()
    assert await found_set(api, "?!") == set()
    # Blank text is no filter at all.
    assert len(await found_set(api, "   ")) == 7


async def test_text_combines_with_the_other_filters(api: Api, archive: dict[str, Any]) -> None:
    data = await api.gql(
        LIST,
        {"f": {"text": "pendidikan", "cooperationType": ["KSDD"]}, "n": 10},
    )
    assert data["agreements"] == {
        "totalCount": 0,
        "pageInfo": {
            "hasNextPage": False,
            "hasPreviousPage": False,
            "startCursor": None,
            "endCursor": None,
        },
        "nodes": [],
    }


async def test_changing_the_title_changes_what_finds_it(api: Api, archive: dict[str, Any]) -> None:
    bea = archive["BEA"]
    updated = await api.ok(
        "updateAgreement",
        "agreement { title chronology(first: 1) { nodes { kind description } } }",
        {"id": bea["id"], "title": "Pelatihan Kader Posyandu"},
    )
    # The stored keys are not a change anybody made: the history names the title only.
    assert updated["agreement"]["chronology"]["nodes"][0]["kind"] == "UPDATED"
    assert "search" not in updated["agreement"]["chronology"]["nodes"][0]["description"]
    assert await found_set(api, "beasiswa") == set()
    assert await found_set(api, "posyandu") == {"BEA"}
    # The purpose did not change: it still finds the agreement.
    assert await found_set(api, "kuliah") == {"BEA"}
    await api.ok("updateAgreement", "agreement { id }", {"id": bea["id"], "purpose": ""})
    assert await found_set(api, "kuliah") == set()
    audit = await api.gql(
        '{ auditLog(filter: {operation: "updateAgreement"}, first: 10) { nodes { changes { field } } } }'
    )
    fields = {c["field"] for e in audit["auditLog"]["nodes"] for c in e["changes"]}
    assert {"title", "purpose"} <= fields
    assert not fields & {"search_keys", "title_keys"}


async def walk(api: Api, text: str, size: int, backwards: bool = False) -> list[str]:
    """Every number the search lists in its default order, page by page."""
    numbers: list[str] = []
    cursor = None
    for _ in range(50):
        args = {"l": size, "b": cursor} if backwards else {"n": size, "a": cursor}
        page = (await api.gql(LIST, {"f": {"text": text}, **args}))["agreements"]
        got = [n["number"] for n in page["nodes"]]
        numbers = got + numbers if backwards else numbers + got
        if not page["pageInfo"]["hasPreviousPage" if backwards else "hasNextPage"]:
            return numbers
        cursor = page["pageInfo"]["startCursor" if backwards else "endCursor"]
    raise AssertionError("pagination did not end")


async def test_title_matches_come_first_on_every_page(api: Api) -> None:
    # Created in this order; the default order is the latest change first.
    made = [
        ("T1", "Sanitasi lingkungan sekolah", ""),
        ("P1", "Pelatihan kader", "Sanitasi pasar tradisional"),
        ("T2", "Sanitasi terpadu", ""),
        ("P2", "Air bersih", "Sanitasi dan air bersih"),
        ("X", "Taman kota", "Penghijauan"),
        ("P3", "Pengelolaan limbah", "Sanitasi kawasan industri"),
        ("T3", "Sanitasi berbasis masyarakat", "Sanitasi total"),
    ]
    for number, title, purpose in made:
        await api.agreement(number=number, title=title, purpose=purpose)
    ranked = ["T3", "T2", "T1", "P3", "P2", "P1"]
    assert await found(api, "sanitasi") == ranked
    for size in (1, 2, 3, 4):
        assert await walk(api, "sanitasi", size) == ranked, size
        assert await walk(api, "sanitasi", size, backwards=True) == ranked, size
    # A page that crosses from the titles to the rest, then back from there.
    first = (await api.gql(LIST, {"f": {"text": "sanitasi"}, "n": 4}))["agreements"]
    assert [n["number"] for n in first["nodes"]] == ["T3", "T2", "T1", "P3"]
    back = (
        await api.gql(
            LIST, {"f": {"text": "sanitasi"}, "l": 2, "b": first["pageInfo"]["endCursor"]}
        )
    )["agreements"]
    assert [n["number"] for n in back["nodes"]] == ["T2", "T1"]
    assert back["pageInfo"]["hasPreviousPage"] is True
    assert back["totalCount"] == 6
    # An order the client chose is kept as it is.
    newest = await found(api, "sanitasi", {"field": "UPDATED_AT", "direction": "DESC"})
    assert newest == ["T3", "P3", "P2", "T2", "P1", "T1"]
    by_number = await found(api, "sanitasi", {"field": "NUMBER", "direction": "ASC"})
    assert by_number == ["P1", "P2", "P3", "T1", "T2", "T3"]
    # A cursor from the second tier means nothing in a list with one: refused, not misread.
    everything = (await api.gql(LIST, {"f": {"text": "sanitasi"}, "n": 100}))["agreements"]
    misplaced = await api.raw(
        LIST,
        {
            "f": {"text": "sanitasi"},
            "o": {"field": "UPDATED_AT", "direction": "DESC"},
            "a": everything["pageInfo"]["endCursor"],
        },
    )
    assert misplaced["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"


async def test_counts_exports_and_statistics_use_the_same_filter(
    api: Api, archive: dict[str, Any]
) -> None:
    response = await api.get(f"/exports/agreements.csv?text={quote('kerja sama')}")
    assert response.status_code == 200, response.text
    rows = parse_csv(response.content)
    assert {r["number"] for r in rows} == {"STUNT", "SAMPAH"}
    assert rows[0]["title"]  # whole records, not just ids
    ndjson = await api.get("/exports/agreements.ndjson?text=stunt")
    assert ndjson.status_code == 200, ndjson.text
    assert [json.loads(line)["number"] for line in ndjson.text.splitlines()] == ["STUNT"]
    stats = await api.gql(
        'query { agreementStats(groupBy: [COOPERATION_TYPE], filter: {text: "pendidikan"}) { total groups { count } } }'
    )
    assert stats["agreementStats"]["total"] == 4
    assert sum(g["count"] for g in stats["agreementStats"]["groups"]) == 4


async def test_proposals_text_filter(api: Api) -> None:
    c = await cast(api)
    names = {}
    for title, purpose in [
        ("Beasiswa Pendidikan Tinggi", ""),
        ("Kerja sama penanganan stunting", ""),
        ("Pelatihan guru", "Mutu pendidikan dasar"),
    ]:
        proposal = await propose(c.officer, title=title, purpose=purpose)
        names[proposal["id"]] = title

    async def mine(text: str, order: dict | None = None) -> list[str]:
        data = await c.officer.gql(
            "query($f: ProposalFilter, $o: ProposalOrder) { myProposals(filter: $f, orderBy: $o) { totalCount nodes { id } } }",
            {"f": {"text": text}, "o": order},
        )
        nodes = data["myProposals"]["nodes"]
        assert data["myProposals"]["totalCount"] == len(nodes)
        return [names[n["id"]] for n in nodes]

    assert await mine("beasiswa") == ["Beasiswa Pendidikan Tinggi"]
    assert await mine("kerjasama") == ["Kerja sama penanganan stunting"]
    assert await mine("stunt") == ["Kerja sama penanganan stunting"]
    # The title match first, though the other was changed later.
    assert await mine("pendidikan") == ["Beasiswa Pendidikan Tinggi", "Pelatihan guru"]
    assert await mine("pendidikan", {"field": "UPDATED_AT", "direction": "DESC"}) == [
        "Pelatihan guru",
        "Beasiswa Pendidikan Tinggi",
    ]
    [guru] = [i for i, t in names.items() if t == "Pelatihan guru"]
    await c.officer.ok("updateProposal", "proposal { id }", {"proposalId": guru, "title": "Guru"})
    assert await mine("pelatihan") == []
    assert await mine("guru pendidikan") == ["Pelatihan guru"]


async def test_an_agreement_write_that_keeps_its_texts_keeps_its_keys(
    api: Api, archive: dict[str, Any]
) -> None:
    """The keys are written again only when the texts they are made of change."""
    keys = api.database.db[AgreementKeys.get_collection_name()]
    agreement = archive["GURU"]
    stored = {"_id": ObjectId(raw_id(agreement["id"]))}
    # A mark a rewrite of the keys would take away.
    await keys.update_one(stored, {"$set": {"mark": 1}})
    marked = {**stored, "mark": 1}
    await api.ok(
        "updateAgreement",
        "agreement { id }",
        {"id": agreement["id"], "field": "Pendidikan", "archiveLocation": "Lemari 3"},
    )
    assert await keys.count_documents(marked) == 1
    await api.ok("updateAgreement", "agreement { id }", {"id": agreement["id"], "scope": "Guru SD"})
    assert await keys.count_documents(marked) == 0
    assert await keys.count_documents(stored) == 1
    assert await found_set(api, "guru sd") == {"GURU"}


async def test_records_stored_before_search_keys_get_them_at_startup(
    api: Api, archive: dict[str, Any], settings: Settings
) -> None:
    """A database from before search keys, or from when agreements carried theirs."""
    agreements = api.database.db[Agreement.get_collection_name()]
    keys = api.database.db[AgreementKeys.get_collection_name()]
    for entry in await keys.find().to_list():
        carried = {"search_keys": entry["search_keys"], "title_keys": entry["title_keys"]}
        await agreements.update_one({"_id": entry["_id"]}, {"$set": carried})
    await agreements.create_index("search_keys", name="search_keys")
    await agreements.create_index("title_keys", name="title_keys")
    await keys.delete_many({})
    proposals = api.database.db[Proposal.get_collection_name()]
    await proposals.update_many({}, {"$unset": {"search_keys": "", "title_keys": ""}})
    before = {a["number"]: a["revision"] for a in await agreements.find().to_list()}
    assert await found_set(api, "beasiswa") == set()
    # Another server starts on the same database.
    app = create_app(settings)
    try:
        async with app.router.lifespan_context(app):
            pass
    finally:
        # In one Python process the models follow the latest start: bind them back.
        await init_beanie(database=api.database.db, document_models=DOCUMENT_MODELS)
    assert await found_set(api, "beasiswa") == {"BEA"}
    assert await found(api, "kerja sama") == ["SAMPAH", "STUNT"]
    # The agreements no longer carry keys, nor their indexes; nothing else changed.
    assert await agreements.count_documents({"search_keys": {"$exists": True}}) == 0
    assert not {"search_keys", "title_keys"} & set(await agreements.index_information())
    after = {a["number"]: a["revision"] for a in await agreements.find().to_list()}
    assert after == before
    assert await proposals.count_documents({"search_keys": {"$exists": False}}) == 0
    # A second run has nothing to do.
    assert await key_unkeyed() == 0
    assert await backfill_search_keys(Proposal) == 0


async def test_the_public_catalogue_searches_titles_only(api: Api) -> None:
    agreement = await api.agreement(
        title="Peningkatan layanan kesehatan",
        purpose="Rahasia internal",
        visibility="PUBLIC",
        signedOn="2023-05-02",
    )
    await api.uploaded(agreement["id"])
    await api.ok("activateAgreement", "agreement { id }", {"agreementId": agreement["id"]})
    anonymous = api.as_(None)

    async def public(text: str) -> list[str]:
        data = await anonymous.gql(
            "query($t: String) { publicAgreements(filter: {text: $t}) { totalCount nodes { number } } }",
            {"t": text},
        )
        numbers = [n["number"] for n in data["publicAgreements"]["nodes"]]
        assert data["publicAgreements"]["totalCount"] == len(numbers)
        return numbers

    assert await public("sehat layanan") == [agreement["number"]]
    # A word of the purpose, which the public never sees, finds nothing.
    assert await public("rahasia") == []
    assert await found(api, "rahasia") == [agreement["number"]]
