"""The demo data loads through the use cases, once, and shows what a Bogor user expects."""

import io
import zipfile
from datetime import date

from demo_data import load_demo_data
from models.chronology import GENESIS_HASH
from tests.api import Api


async def test_demo_data_loads_once_with_a_realistic_archive(demo: Api) -> None:
    """What the load wrote (the `demo` fixture runs it, or copies what an earlier test of the
    run had it write), and that it loads only into an empty database."""
    api = demo
    assert await load_demo_data(api.database) is False

    assert await api.count("org_units", {"active": True}) >= 10
    assert await api.count("partners") == 15
    assert len(await api.database.db.partners.distinct("kind")) >= 8
    assert await api.count("agreements") == 30
    statuses = set(await api.database.db.agreements.distinct("status"))
    assert {"ACTIVE", "EXPIRED", "TERMINATED", "EXTENDED", "DRAFT"} <= statuses
    assert await api.count("agreements", {"form": "PKS", "parent_id": {"$ne": None}}) >= 3
    assert await api.count("agreements", {"predecessor_id": {"$ne": None}}) >= 1

    data = await api.gql(
        "{ agreements(first: 100, filter: {expiringWithinDays: 90}) { totalCount nodes { isExpiring } } }"
    )
    assert data["agreements"]["totalCount"] >= 3
    assert all(n["isExpiring"] for n in data["agreements"]["nodes"])

    rows = await api.database.db.agreements.find({}).to_list()
    for row in rows:
        if row["status"] != "DRAFT":
            assert any(d["type"].startswith("SIGNED_") for d in row["documents"]), row["number"]
        # The history spans years and its hash chain is intact.
        previous = GENESIS_HASH
        for item in row["chronology"]:
            assert item["prev_hash"] == previous
            previous = item["hash"]
    oldest = min(e["occurred_at"] for r in rows for e in r["chronology"])
    assert oldest.year <= date.today().year - 10
    assert await api.count("files.files", {"metadata.attached": True}) == await api.count(
        "files.files"
    )
    await request_letter_is_the_partners_letter(api)


async def request_letter_is_the_partners_letter(api: Api) -> None:
    """The request-letter template is on the partner's letterhead, the draft on the city's.
    (A part of the load's test: a copy of the demo data for it alone costs more than the
    check.)"""
    listed = await api.as_(None).gql(
        "{ templates(first: 20) { nodes { title documentType downloadUrl } } }"
    )
    texts = {}
    for node in listed["templates"]["nodes"]:
        if node["documentType"] in {"REQUEST_LETTER", "DRAFT"}:
            content = (await api.as_(None).get(node["downloadUrl"])).content
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                texts[node["documentType"]] = archive.read("word/document.xml").decode()
    # The partner writes this letter on its own letterhead, not the city's.
    assert "PEMERINTAH KOTA BOGOR" not in texts["REQUEST_LETTER"]
    assert "KOP SURAT LEMBAGA PEMOHON" in texts["REQUEST_LETTER"]
    assert "PEMERINTAH KOTA BOGOR" in texts["DRAFT"]
