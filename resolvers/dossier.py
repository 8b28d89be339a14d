"""The agreement dossier (berkas kerja sama): one ZIP with everything about an agreement.

For a hand-over, or an audit (BPK, inspektorat): the agreement's record, every version of
every document (current and earlier), the amendments, the evaluations with their evidence
(for those who may read evaluations), the chronology as PDF and as CSV with its hashes, and a
`manifest-sha256.txt` with the sha256 of every other entry, computed from the bytes as they
were written into the ZIP.

The ZIP is streamed (stream-zip): each entry is read from GridFS a few chunks at a time and
compressed on the way, with sizes and CRCs in data descriptors after each entry, so memory
stays flat whatever the size and nothing is written to disk. A file whose last fixity check
found it CORRUPT is left out and named in `NOT-INCLUDED.txt`, never sent with wrong bytes.
"""

import csv
import hashlib
import io
import json
import stat
import zlib
from collections.abc import AsyncIterable, AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from beanie import PydanticObjectId
from stream_zip import ZIP_64, AsyncMemberFile, async_stream_zip

from models import Agreement, Evaluation
from models.chronology import verify_chain
from models.clock import utcnow
from models.documents import StoredFile
from models.errors import DomainError, ErrorCode
from models.fixity import FileIntegrity
from resolvers import agreements, evaluations
from resolvers.backup import safe_name
from resolvers.context import Context

MODE = stat.S_IFREG | 0o644
MANIFEST = "manifest-sha256.txt"
DOSSIER_PATH = "/dossiers/{agreement_id}.zip"
CHRONOLOGY_COLUMNS = (
    "number",
    "id",
    "occurred_at",
    "recorded_at",
    "recorded_by",
    "kind",
    "title",
    "description",
    "document_ids",
    "corrects",
    "prev_hash",
    "hash",
)


def compressor() -> "zlib._Compress":
    # Scans are compressed already: the fastest level keeps the CPU free for everyone else.
    return zlib.compressobj(wbits=-zlib.MAX_WBITS, level=1)


@dataclass
class Dossier:
    filename: str
    body: AsyncIterable[bytes]


class Entries:
    """The entries of one ZIP, each hashed as it is written, with unique paths."""

    def __init__(self) -> None:
        self.hashes: list[tuple[str, str]] = []
        self.paths: set[str] = set()

    def unique(self, path: str) -> str:
        stem, dot, ext = path.rpartition(".")
        candidate, n = path, 1
        while candidate in self.paths:
            n += 1
            candidate = f"{stem}-{n}.{ext}" if dot else f"{path}-{n}"
        self.paths.add(candidate)
        return candidate

    def entry(self, path: str, modified: datetime, chunks: AsyncIterator[bytes]) -> AsyncMemberFile:
        return (path, modified, MODE, ZIP_64, self._hashed(path, chunks))

    async def _hashed(self, path: str, chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
        digest = hashlib.sha256()
        async for chunk in chunks:
            digest.update(chunk)
            yield chunk
        self.hashes.append((digest.hexdigest(), path))


async def _bytes(make: Callable[[], bytes]) -> AsyncIterator[bytes]:
    """Content made only when the ZIP reaches its entry (the manifest needs all before it)."""
    yield make()


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str).encode() + b"\n"


def chronology_csv(agreement: Agreement) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CHRONOLOGY_COLUMNS)
    for number, item in enumerate(agreement.chronology, start=1):
        writer.writerow(
            [
                number,
                str(item.id),
                item.occurred_at.isoformat(),
                item.recorded_at.isoformat(),
                item.recorded_by.name,
                item.kind,
                item.title,
                item.description,
                " ".join(str(i) for i in item.document_ids),
                str(item.corrects) if item.corrects else "",
                item.prev_hash,
                item.hash,
            ]
        )
    return out.getvalue().encode("utf-8-sig")  # the BOM tells spreadsheets it is UTF-8


async def open_dossier(ctx: Context, agreement_id: PydanticObjectId) -> Dossier:
    """The dossier of an agreement the viewer may read (otherwise NOT_FOUND)."""
    agreement = await agreements.get_agreement(ctx, agreement_id)
    if agreement is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no such agreement")
    found = await evaluations.evaluations_of(ctx, agreement_id)
    stored: list[StoredFile] = [*agreement.documents, *(e for ev in found for e in ev.evidence)]
    states = await ctx.database.files.states([f.file_id for f in stored])
    # Missing files count as damaged too: the dossier says so instead of breaking off.
    corrupt = {
        f.file_id
        for f in stored
        if f.file_id not in states or states[f.file_id].status == FileIntegrity.CORRUPT
    }
    stem = safe_name(agreement.number.replace("/", "-"))
    members = _members(ctx, agreement, found, corrupt, utcnow())
    body = async_stream_zip(members, get_compressobj=compressor)
    return Dossier(filename=f"berkas-{stem}.zip", body=body)


async def _members(
    ctx: Context,
    agreement: Agreement,
    found: list[Evaluation],
    corrupt: set[PydanticObjectId],
    now: datetime,
) -> AsyncIterator[AsyncMemberFile]:
    entries = Entries()
    left_out: list[str] = []
    record = agreement.model_dump(mode="json", exclude={"chronology"})
    yield entries.entry(entries.unique("agreement.json"), now, _bytes(lambda: _json(record)))

    superseded = agreement.superseded_ids()
    for doc in agreement.documents:
        folder = "earlier" if doc.id in superseded else "current"
        path = f"documents/{folder}/{doc.type}-v{doc.version}-{safe_name(doc.filename)}"
        if doc.file_id in corrupt:
            left_out.append(path)
            continue
        yield entries.entry(entries.unique(path), doc.uploaded_at, _file(ctx, doc))

    if agreement.amendments:
        rows = [
            {
                "number": a.number,
                "title": a.title,
                "description": a.description,
                "signed_on": a.signed_on.isoformat(),
                "document_id": str(a.document_id) if a.document_id else "",
            }
            for a in agreement.amendments
        ]
        yield entries.entry(entries.unique("amendments.json"), now, _bytes(lambda: _json(rows)))

    for evaluation in found:
        folder = f"evaluations/{evaluation.period}"
        data = evaluation.model_dump(mode="json")
        yield entries.entry(
            entries.unique(f"{folder}/evaluation.json"), now, _bytes(partial(_json, data))
        )
        for item in evaluation.evidence:
            path = f"{folder}/evidence/{safe_name(item.filename)}"
            if item.file_id in corrupt:
                left_out.append(path)
                continue
            yield entries.entry(entries.unique(path), item.uploaded_at, _file(ctx, item))

    from resolvers.dossier_document import render_chronology_pdf

    check = verify_chain([e.model_dump() for e in agreement.chronology])
    yield entries.entry(
        entries.unique("chronology.pdf"),
        now,
        _bytes(lambda: render_chronology_pdf(agreement, check, now)),
    )
    yield entries.entry(
        entries.unique("chronology.csv"), now, _bytes(lambda: chronology_csv(agreement))
    )
    if left_out:
        note = (
            "Berkas berikut tidak disertakan: pemeriksaan fixity mendapati isinya tidak lagi "
            "sama dengan sha256 yang tercatat (CORRUPT), atau berkasnya hilang. "
            "Pulihkan dari cadangan.\n" + "".join(f"{path}\n" for path in left_out)
        )
        yield entries.entry(entries.unique("NOT-INCLUDED.txt"), now, _bytes(note.encode))

    def manifest() -> bytes:
        return "".join(f"{digest}  {path}\n" for digest, path in entries.hashes).encode()

    yield (MANIFEST, now, MODE, ZIP_64, _bytes(manifest))


async def _file(ctx: Context, item: StoredFile) -> AsyncIterator[bytes]:
    files = ctx.database.files
    layout = await files.stat(item.file_id)
    if layout is None:  # removed since the dossier began: never happens to a held file
        raise RuntimeError(f"the stored file of {item.filename} disappeared")
    async for piece in files.read_range(layout, 0, layout.length):
        yield piece
