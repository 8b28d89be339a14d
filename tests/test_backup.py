"""Backup and restore: a bag of the whole archive comes back identical, and a restore that
must not happen changes nothing."""

import asyncio
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import bagit
import pytest
from bson import json_util
from bson.json_util import CANONICAL_JSON_OPTIONS

from database import Database
from models.file_store import FileLayout
from resolvers.backup import (
    DERIVED,
    FILE_INDEX,
    INFO_SCHEMA,
    SCHEMA_VERSION,
    BackupError,
    backup,
    check_bag,
    restore,
)
from resolvers.ocr import OcrRunner
from tests import scans
from tests.api import ADMIN_EMAIL, ADMIN_PASSWORD, PDF, Api
from tests.files import image
from tests.reset import empty

DEMO_ADMIN = ("admin@sikerma.example", "Demo-Admin-Sikerma-2026")
REPO = Path(__file__).parents[1]


async def snapshot(database: Database) -> dict[str, list[str]]:
    """Every record of every collection as canonical extended JSON; chunks by file and
    number (their own ids are GridFS bookkeeping, made again on restore)."""
    db = database.db
    found: dict[str, list[str]] = {}
    for name in sorted(await db.list_collection_names()):
        if name.startswith("system."):
            continue
        if name == "files.chunks":
            rows = db[name].find({}, {"_id": 0}).sort([("files_id", 1), ("n", 1)])
        elif name == "agreement_counters":
            # What the counters count: one a write left at zero counts nothing.
            rows = db[name].find({"$or": [{"n": {"$ne": 0}}, {"centi": {"$ne": 0}}]}).sort("_id", 1)
        else:
            rows = db[name].find({}).sort("_id", 1)
        found[name] = []
        async for r in rows:
            # Derived records are written by an upsert (fields in the order MongoDB gives an
            # upsert's) or by a rebuild: what they hold counts, not their fields' order.
            if name in DERIVED:
                r = dict(sorted(r.items()))
            # `_id` first, as MongoDB stores it; mongoeco keeps it where an upsert placed it.
            record = {"_id": r.pop("_id"), **r} if "_id" in r else r
            found[name].append(json_util.dumps(record, json_options=CANONICAL_JSON_OPTIONS))
    return {name: rows for name, rows in found.items() if rows}


async def file_hashes(database: Database) -> dict[Any, str]:
    hashes = {}
    async for row in database.db["files.files"].find({}):
        layout = FileLayout(row["_id"], row["length"], row["chunkSize"])
        digest = hashlib.sha256()
        async for piece in database.files.read_range(layout, 0, layout.length):
            digest.update(piece)
        hashes[row["_id"]] = digest.hexdigest()
    return hashes


async def wipe(database: Database) -> None:
    for name in await database.db.list_collection_names():
        if not name.startswith("system."):
            await empty(database.db[name])


async def archive_with_uploads(api: Api) -> set[str]:
    """Uploads beside the demo data; the names they were stored under."""
    agreement = await api.agreement(title="Kerja sama dengan berkas bernama khusus")
    names = set()
    for content, filename, kind in (
        (PDF + b"%" + bytes(range(256)) * 4000, "naskah 1 (ttd).pdf", "SIGNED_KSB"),
        (image("PNG"), "foto lapangan ø.png", "OTHER"),
    ):
        payload = await api.uploaded(agreement["id"], content, filename=filename, type=kind)
        names.add(payload["document"]["filename"])
    return names


@pytest.mark.usefixtures("demo")
async def test_backup_wipe_restore_gives_back_everything(api: Api, tmp_path: Path) -> None:
    uploaded = await archive_with_uploads(api)
    database = api.database
    before = await snapshot(database)
    hashes = await file_hashes(database)
    assert len(hashes) > 10

    bag_path = tmp_path / "bag"
    made = await backup(database, bag_path)
    assert made.files == len(hashes)
    bag = bagit.Bag(str(bag_path))
    assert bag.is_valid()
    assert bag.info[INFO_SCHEMA] == str(SCHEMA_VERSION)
    assert int(bag.info["SIKERMA-Records-agreements"]) == len(before["agreements"])
    assert "sha256" in bag.algorithms
    # The agreements' listing rows are derived: not in the bag, written again on restore.
    assert "agreement_listings" in before
    assert not (bag_path / "data" / "collections" / "agreement_listings.ndjson").exists()
    # Files carry their original names (made safe as one path segment) under their holders.
    names = {p.name for p in (bag_path / "data" / "files" / "agreements").rglob("*") if p.is_file()}
    assert uploaded <= names

    await wipe(database)
    assert await snapshot(database) == {}
    restored = await restore(database, bag_path)
    assert restored.records == made.records

    after = await snapshot(database)
    assert after.keys() == before.keys()
    for name in before:
        assert after[name] == before[name], name
    assert await file_hashes(database) == hashes

    ids = await api.gql("{ agreements(first: 100) { nodes { id } } }")
    for node in ids["agreements"]["nodes"]:
        check = await api.gql(
            "query($id: ID!) { verifyChronology(agreementId: $id) { intact } }", {"id": node["id"]}
        )
        assert check["verifyChronology"]["intact"] is True
    assert len(ids["agreements"]["nodes"]) == len(before["agreements"])

    for email, password in (DEMO_ADMIN, (ADMIN_EMAIL, ADMIN_PASSWORD)):
        assert (await api.as_(None).login(email, password))["errors"] == []
    # Downloads answer the restored bytes, and the fixity check agrees.
    doc = (
        await api.gql("{ agreements(first: 1) { nodes { documents { downloadUrl sha256 } } } }")
    )["agreements"]["nodes"][0]["documents"][0]
    served = await api.get(doc["downloadUrl"])
    assert hashlib.sha256(served.content).hexdigest() == doc["sha256"]
    run = (
        await api.ok(
            "verifyFiles", "run { mismatches { fileId } chronologyFindings { number } }", {}
        )
    )["run"]
    assert run == {"mismatches": [], "chronologyFindings": []}


async def small_bag(api: Api, tmp_path: Path) -> Path:
    agreement = await api.agreement()
    await api.uploaded(agreement["id"])
    path = tmp_path / "bag"
    await backup(api.database, path)
    return path


async def test_restore_refuses_a_database_that_is_not_empty(api: Api, tmp_path: Path) -> None:
    path = await small_bag(api, tmp_path)
    before = await snapshot(api.database)
    with pytest.raises(BackupError, match="not empty"):
        await restore(api.database, path)
    assert await snapshot(api.database) == before


async def test_restore_refuses_a_damaged_bag_and_changes_nothing(api: Api, tmp_path: Path) -> None:
    path = await small_bag(api, tmp_path)
    index = (path / "data" / FILE_INDEX).read_text().splitlines()
    stored = path / "data" / json_util.loads(index[0])["path"]
    content = bytearray(stored.read_bytes())
    content[5] ^= 0x01
    stored.write_bytes(bytes(content))
    with pytest.raises(BackupError, match="fails validation"):
        check_bag(path)
    await wipe(api.database)
    with pytest.raises(BackupError, match="fails validation"):
        await restore(api.database, path)
    assert await snapshot(api.database) == {}


async def test_restore_refuses_a_bag_from_a_newer_schema(api: Api, tmp_path: Path) -> None:
    path = await small_bag(api, tmp_path)
    bag = bagit.Bag(str(path))
    bag.info[INFO_SCHEMA] = str(SCHEMA_VERSION + 1)
    bag.save()  # rewrites the tag manifest: the bag itself stays valid
    assert bagit.Bag(str(path)).is_valid()
    await wipe(api.database)
    with pytest.raises(BackupError, match="newer SIKERMA"):
        await restore(api.database, path)
    assert await snapshot(api.database) == {}


async def test_restore_refuses_what_is_not_a_bag(api: Api, tmp_path: Path) -> None:
    (tmp_path / "notabag").mkdir()
    await wipe(api.database)
    with pytest.raises(BackupError, match="not a readable BagIt bag"):
        await restore(api.database, tmp_path / "notabag")
    assert await snapshot(api.database) == {}


async def test_backup_refuses_a_directory_that_is_not_empty(api: Api, tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("milik orang lain")
    with pytest.raises(BackupError, match="not an empty directory"):
        await backup(api.database, tmp_path)
    assert sorted(os.listdir(tmp_path)) == ["keep.txt"]


def cli(*args: str, uri: str, database_name: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MONGODB_URI": uri, "DATABASE_NAME": database_name}
    return subprocess.run(
        [sys.executable, "cli.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


async def test_command_line_backup_verify_and_refusals(
    api: Api, tmp_path: Path, database_uri: str
) -> None:
    agreement = await api.agreement()
    await api.uploaded(agreement["id"])
    name = api.database.db.name
    made = cli("backup", str(tmp_path / "bag"), uri=database_uri, database_name=name)
    assert made.returncode == 0, made.stderr
    checked = cli("verify-backup", str(tmp_path / "bag"), uri=database_uri, database_name=name)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith("valid:")
    refused = cli("restore", str(tmp_path / "bag"), uri=database_uri, database_name=name)
    assert refused.returncode == 1
    assert "not empty" in refused.stderr
    (tmp_path / "bag" / "data" / "collections" / "agreements.ndjson").write_text("{}\n")
    broken = cli("verify-backup", str(tmp_path / "bag"), uri=database_uri, database_name=name)
    assert broken.returncode == 1
    assert broken.stderr.startswith("invalid:")


def file_ids_named(value: Any) -> Iterator[str]:
    """Every `file_id` anywhere in a record."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "file_id" and inner is not None:
                yield str(inner)
            else:
                yield from file_ids_named(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from file_ids_named(inner)


# Each upload writes its agreement and the agreement's listing row in one transaction, and
# mongoeco refuses the backup's reads from another session while one is open.
@pytest.mark.requires("concurrent_transactions")
async def test_a_backup_taken_while_uploads_go_on_names_no_missing_file(
    api: Api, tmp_path: Path, database_uri: str
) -> None:
    agreements = [await api.agreement() for _ in range(3)]
    for n in range(12):
        await api.uploaded(agreements[n % 3]["id"], PDF + bytes([n]) * 200_000)
    env = {**os.environ, "MONGODB_URI": database_uri, "DATABASE_NAME": api.database.db.name}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "cli.py",
        "backup",
        str(tmp_path / "bag"),
        cwd=REPO,
        env=env,
        stderr=asyncio.subprocess.PIPE,
    )
    during = 0
    while process.returncode is None:
        await api.uploaded(agreements[during % 3]["id"], PDF + b"baru" * (during + 1))
        during += 1
        await asyncio.sleep(0)
    _, stderr = await process.communicate()
    assert process.returncode == 0, stderr.decode()
    assert during >= 2  # the backup really ran beside the uploads

    bag = tmp_path / "bag"
    check_bag(bag)
    copied = {json.loads(line)["file_id"] for line in (bag / "data" / FILE_INDEX).open()}
    named: dict[str, set[str]] = {}
    for ndjson in (bag / "data" / "collections").glob("*.ndjson"):
        # A fixity run's findings name files as it found them, missing ones included.
        if not ndjson.stem.startswith("files.") and ndjson.stem != "fixity_runs":
            for line in ndjson.open():
                for file_id in file_ids_named(json_util.loads(line)):
                    named.setdefault(file_id, set()).add(ndjson.stem)
    assert len(named) >= 12
    assert {f: c for f, c in named.items() if f not in copied} == {}


async def test_the_searchable_pdf_and_the_text_come_back_with_their_scan(
    api: Api, runner: OcrRunner, ocr_installed: None, tmp_path: Path
) -> None:
    agreement = await api.agreement()
    await api.uploaded(agreement["id"], scans.scanned_pdf(scans.PAGES[:1]), filename="pks.pdf")
    assert await runner.run_until_idle() == 1
    query = (
        "query($id: ID!) { node(id: $id) { ... on Agreement { documents {"
        " textStatus searchableRendition { sha256 downloadUrl } } } } }"
    )
    [before] = (await api.gql(query, {"id": agreement["id"]}))["node"]["documents"]
    assert before["textStatus"] == "DONE"
    await backup(api.database, tmp_path / "bag")
    await wipe(api.database)
    await restore(api.database, tmp_path / "bag")

    [after] = (await api.gql(query, {"id": agreement["id"]}))["node"]["documents"]
    assert after == before
    searchable = await api.get(after["searchableRendition"]["downloadUrl"])
    assert hashlib.sha256(searchable.content).hexdigest() == before["searchableRendition"]["sha256"]
    assert await api.database.db["document_pages"].count_documents({}) == 1
