"""Backup and restore: the whole archive as one BagIt package (RFC 8493).

A bag holds every collection as canonical extended JSON, one record per line
(`data/collections/<name>.ndjson`, MongoDB's own lossless text form), and every stored file
with its original name under the record that holds it
(`data/files/<collection>/<record id>/<file id>/<name>`), listed in `data/file-index.ndjson`.
`manifest-sha256.txt` covers every byte; `bag-info.txt` names the system version, the schema
version and the counts. Any BagIt tool can check a bag without SIKERMA.

The snapshot is consistent while the server runs: the records are read first, the holders
of files before the rest, then exactly the files they hold are copied, and only their GridFS
rows are kept. Files are never changed once stored, so each copied file is the one its record
names; a file uploaded after its holder's collection was read is simply not in this bag, and
neither are the records about it (its text, its pages), read later: no record in the bag names
a file that is missing from it. (Records are read one collection after another, not at one
instant: a record written meanwhile may be in one collection's file and not in another's.)

A restore goes only into an empty database and checks the whole bag first; it brings back
every record with its `_id`, revision and hash chain, and every file byte for byte under its
original GridFS id and metadata. A restore that fails part-way removes what it wrote. Derived
records (the agreements' search keys, listing rows and counters) are left out of a bag and
written again on restore.
"""

import asyncio
import json
import re
import shutil
import tomllib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import bagit
from beanie import PydanticObjectId
from bson import json_util
from bson.json_util import CANONICAL_JSON_OPTIONS
from pymongo.asynchronous.database import AsyncDatabase

from database import Database
from models.agreement_counters import AgreementCounter
from models.agreement_keys import AgreementKeys, rebuild_keys
from models.agreement_listing import AgreementListing, rebuild_listings
from models.file_owners import FILE_OWNERS, OWNERS_BY_COLLECTION
from models.file_store import CHUNKS_PER_READ, FileLayout

# Raised when the layout of the records or of the bag changes; a bag from a newer schema is
# refused, an older one would be migrated on restore.
SCHEMA_VERSION = 1
SYSTEM_VERSION = tomllib.loads(Path(__file__).parents[1].joinpath("pyproject.toml").read_text())[
    "project"
]["version"]
FILES = "files.files"
CHUNKS = "files.chunks"
COLLECTIONS_DIR = "collections"
FILES_DIR = "files"
FILE_INDEX = "file-index.ndjson"
INFO_SYSTEM = "SIKERMA-Version"
INFO_SCHEMA = "SIKERMA-Schema-Version"
INFO_RECORDS = "SIKERMA-Records-"
INFO_FILES = "SIKERMA-Files"
INFO_FILE_BYTES = "SIKERMA-File-Bytes"
INSERT_BATCH = 500
# Records about one stored file rather than holders of it (collection → the file's field, and
# the field of a file made from it, such as OCR's searchable PDF, which goes in with them).
ABOUT_FILES: dict[str, tuple[str, str | None]] = {
    "document_texts": ("file_id", "rendition"),
    "document_pages": ("file_id", None),
}
UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\]")
# Derived from other records and rebuilt from them on restore: a copy read at another moment
# than its agreements could disagree with them.
DERIVED = frozenset(
    {AgreementKeys.Settings.name, AgreementListing.Settings.name, AgreementCounter.Settings.name}
)


class BackupError(Exception):
    """A backup or restore that was refused; nothing was changed."""


@dataclass
class BagSummary:
    path: Path
    system_version: str
    schema_version: int
    records: dict[str, int] = field(default_factory=dict)  # per collection
    files: int = 0
    file_bytes: int = 0


def _line(row: dict[str, Any]) -> str:
    return json_util.dumps(row, json_options=CANONICAL_JSON_OPTIONS) + "\n"


def _rows(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json_util.loads(line, json_options=CANONICAL_JSON_OPTIONS)


def safe_name(filename: str) -> str:
    """The original name, made safe as one path segment."""
    name = UNSAFE_NAME.sub("_", filename).strip()[:200]
    return name if name not in ("", ".", "..") else "file"


def _collection_names(names: list[str]) -> list[str]:
    return sorted(
        n
        for n in names
        if not n.startswith("system.") and n not in (FILES, CHUNKS) and n not in DERIVED
    )


def _holders_first(names: list[str]) -> list[str]:
    """The order a backup reads collections in: what it copies files for is known before the
    records about files are read."""
    return sorted(names, key=lambda name: name not in OWNERS_BY_COLLECTION)


# --- backup --------------------------------------------------------------------------------


async def backup(database: Database, dest: Path) -> BagSummary:
    """Write a bag of the whole archive to `dest` (new, or an empty directory)."""
    await asyncio.to_thread(_prepare, dest)
    try:
        summary = await _write_payload(database, dest)
        info = {
            "Source-Organization": "Pemerintah Kota Bogor - Bagian Kerja Sama",
            "External-Description": "SIKERMA archive: every record and every stored file",
            INFO_SYSTEM: SYSTEM_VERSION,
            INFO_SCHEMA: str(SCHEMA_VERSION),
            INFO_FILES: str(summary.files),
            INFO_FILE_BYTES: str(summary.file_bytes),
            **{f"{INFO_RECORDS}{name}": str(n) for name, n in summary.records.items()},
        }
        # Moves the payload under data/ and hashes every file into the manifests.
        await asyncio.to_thread(bagit.make_bag, str(dest), info, 1, ["sha256"])
    except BaseException:
        shutil.rmtree(dest, ignore_errors=True)
        raise
    return summary


def _prepare(dest: Path) -> None:
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BackupError(f"{dest} exists and is not an empty directory; nothing written")
    dest.mkdir(parents=True, exist_ok=True)


async def _write_payload(database: Database, dest: Path) -> BagSummary:
    db = database.db
    summary = BagSummary(dest, SYSTEM_VERSION, SCHEMA_VERSION)
    (dest / COLLECTIONS_DIR).mkdir()
    held: dict[Any, Path] = {}  # file id → where it goes, under its first holder
    for name in _holders_first(_collection_names(await db.list_collection_names())):
        owner = OWNERS_BY_COLLECTION.get(name)
        about, made_from = ABOUT_FILES.get(name, (None, None))
        count = 0
        with (dest / COLLECTIONS_DIR / f"{name}.ndjson").open("w", encoding="utf-8") as out:
            async for row in db[name].find({}).sort("_id", 1):
                if about is not None and row[about] not in held:
                    continue  # about a file uploaded after its holder was read
                out.write(_line(row))
                count += 1
                refs = list(owner.refs(row)) if owner else []
                if made_from is not None and row.get(made_from):
                    refs.append(row[made_from])
                for ref in refs:
                    held.setdefault(
                        ref["file_id"],
                        Path(FILES_DIR, name, str(row["_id"]), str(ref["file_id"]))
                        / safe_name(ref["filename"]),
                    )
        summary.records[name] = count
    with (
        (dest / COLLECTIONS_DIR / f"{FILES}.ndjson").open("w", encoding="utf-8") as rows,
        (dest / FILE_INDEX).open("w", encoding="utf-8") as index,
    ):
        for file_id in sorted(held):
            row = await db[FILES].find_one({"_id": file_id})
            if row is None:
                raise BackupError(
                    f"a record names file {file_id}, which the store does not have "
                    "(`cli.py verify-files` lists such files); nothing written"
                )
            target = dest / held[file_id]
            target.parent.mkdir(parents=True, exist_ok=True)
            layout = FileLayout(PydanticObjectId(file_id), row["length"], row["chunkSize"])
            with target.open("wb") as copy:
                async for piece in database.files.read_range(layout, 0, layout.length):
                    copy.write(piece)
            rows.write(_line(row))
            index.write(json.dumps({"file_id": str(file_id), "path": str(held[file_id])}) + "\n")
            summary.files += 1
            summary.file_bytes += layout.length
    summary.records[FILES] = summary.files
    return summary


# --- checking a bag ------------------------------------------------------------------------


def check_bag(path: Path) -> BagSummary:
    """Validate a bag completely (every checksum) and its consistency; raise BackupError."""
    try:
        bag = bagit.Bag(str(path))
    except bagit.BagError as error:
        raise BackupError(f"{path} is not a readable BagIt bag: {error}") from None
    try:
        bag.validate(processes=1)
    except bagit.BagValidationError as error:
        details = "; ".join(str(d) for d in (error.details or [])[:5])
        raise BackupError(f"the bag fails validation: {error.message} {details}".strip()) from None
    raw_schema = bag.info.get(INFO_SCHEMA)
    if raw_schema is None or not str(raw_schema).isdigit():
        raise BackupError(f"the bag has no {INFO_SCHEMA}: it is not a SIKERMA backup")
    schema = int(raw_schema)
    if schema > SCHEMA_VERSION:
        raise BackupError(
            f"the bag was made by a newer SIKERMA (schema {schema}, "
            f"version {bag.info.get(INFO_SYSTEM)}); this one reads schema {SCHEMA_VERSION} "
            "and older: restore it with that version"
        )
    summary = BagSummary(path, str(bag.info.get(INFO_SYSTEM, "")), schema)
    data = path / "data"
    for listed in sorted((data / COLLECTIONS_DIR).glob("*.ndjson")):
        name = listed.name.removesuffix(".ndjson")
        summary.records[name] = sum(1 for _ in _rows(listed))
        expected = bag.info.get(f"{INFO_RECORDS}{name}")
        if expected is not None and int(expected) != summary.records[name]:
            raise BackupError(
                f"{name}: bag-info counts {expected} records, the bag holds {summary.records[name]}"
            )
    _check_files(data, summary)
    return summary


def _check_files(data: Path, summary: BagSummary) -> None:
    """Every file a record names has its GridFS row and its bytes in the bag."""
    index = {row["file_id"]: row["path"] for row in _rows(data / FILE_INDEX)}
    lengths = {
        str(row["_id"]): row["length"] for row in _rows(data / COLLECTIONS_DIR / f"{FILES}.ndjson")
    }
    if set(index) != set(lengths):
        raise BackupError("the file index and the stored files' rows disagree")
    for file_id, relative in index.items():
        stored = data / relative
        if not stored.is_file() or stored.stat().st_size != lengths[file_id]:
            raise BackupError(f"file {file_id} is missing from the bag or has the wrong size")
    for owner in FILE_OWNERS:
        listed = data / COLLECTIONS_DIR / f"{owner.collection}.ndjson"
        if not listed.exists():
            continue
        for row in _rows(listed):
            for ref in owner.refs(row):
                if str(ref["file_id"]) not in index:
                    raise BackupError(
                        f"{owner.type_name} {row['_id']} names file {ref['file_id']}, "
                        "which the bag does not hold"
                    )
    summary.files = len(index)
    summary.file_bytes = sum(lengths.values())


# --- restore -------------------------------------------------------------------------------


async def restore(database: Database, path: Path) -> BagSummary:
    """Restore a checked bag into an empty database; on failure remove what was written."""
    summary = await asyncio.to_thread(check_bag, path)
    db = database.db
    for name in await db.list_collection_names():
        if not name.startswith("system.") and await db[name].count_documents({}, limit=1):
            raise BackupError(
                f"the database is not empty ({name} has records): a restore goes only into an "
                "empty database; nothing changed"
            )
    try:
        await _restore_payload(db, path / "data", summary)
    except BaseException:
        for name in await db.list_collection_names():
            if not name.startswith("system."):
                await db[name].delete_many({})
        raise
    return summary


async def _restore_payload(db: AsyncDatabase, data: Path, summary: BagSummary) -> None:
    for name in _collection_names(list(summary.records)):
        await _insert_all(db, name, _rows(data / COLLECTIONS_DIR / f"{name}.ndjson"))
    index = {row["file_id"]: row["path"] for row in _rows(data / FILE_INDEX)}
    # GridFS makes these indexes on a bucket's first upload only, which a restore bypasses.
    await db[CHUNKS].create_index([("files_id", 1), ("n", 1)], unique=True)
    await db[FILES].create_index([("filename", 1), ("uploadDate", 1)])
    for row in _rows(data / COLLECTIONS_DIR / f"{FILES}.ndjson"):
        # The chunks first: a file row appears only when its bytes are all there.
        async for batch in _chunks(row, data / index[str(row["_id"])]):
            await db[CHUNKS].insert_many(batch)
        await db[FILES].insert_one(row)
    await rebuild_keys()
    await rebuild_listings()


async def _insert_all(db: AsyncDatabase, name: str, rows: Iterator[dict[str, Any]]) -> None:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == INSERT_BATCH:
            await db[name].insert_many(batch)
            batch = []
    if batch:
        await db[name].insert_many(batch)


async def _chunks(row: dict[str, Any], stored: Path) -> AsyncIterator[list[dict[str, Any]]]:
    """The file's GridFS chunks as the upload made them, a few per insert (flat memory)."""
    size = row["chunkSize"]
    batch: list[dict[str, Any]] = []
    with stored.open("rb") as source:
        number = 0
        while piece := source.read(size):
            batch.append({"files_id": row["_id"], "n": number, "data": piece})
            number += 1
            if len(batch) == CHUNKS_PER_READ:
                yield batch
                batch = []
    if batch:
        yield batch
