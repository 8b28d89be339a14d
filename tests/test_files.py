"""Uploading and downloading scans: types from the bytes, limits, versions, Range, CSRF."""

import hashlib
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from beanie import PydanticObjectId
from bson import ObjectId

from models.clock import frozen_at
from models.errors import DomainError, ErrorCode
from models.file_owners import FileHolder
from models.file_store import FileStore
from tests.api import PDF, Api
from tests.files import DOCX, ELF, EXE, ODT, PLAIN_ZIP, image


async def _stored(api: Api) -> tuple[int, int, int]:
    cursor = await api.database.db.agreements.aggregate(
        [{"$project": {"n": {"$size": "$documents"}, "c": {"$size": "$chronology"}}}]
    )
    docs = await cursor.to_list()
    return (
        await api.count("files.files"),
        sum(d["n"] for d in docs),
        sum(d["c"] for d in docs),
    )


@pytest.mark.parametrize(
    ("content", "claimed", "expected"),
    [
        (PDF, "image/png", "application/pdf"),
        (image("JPEG"), "application/pdf", "image/jpeg"),
        (image("PNG"), "application/octet-stream", "image/png"),
        (image("TIFF"), "image/png", "image/tiff"),
        (
            DOCX,
            "application/zip",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (ODT, "application/zip", "application/vnd.oasis.opendocument.text"),
    ],
)
async def test_accepted_types_are_decided_from_the_bytes(
    api: Api, content: bytes, claimed: str, expected: str
) -> None:
    agreement = await api.agreement()
    payload = await api.uploaded(
        agreement["id"], content, filename="scan.bin", content_type=claimed, type="OTHER"
    )
    doc = payload["document"]
    assert doc["contentType"] == expected
    assert doc["size"] == len(content)
    assert doc["sha256"] == hashlib.sha256(content).hexdigest()
    assert doc["version"] == 1
    assert doc["isCurrent"] is True


@pytest.mark.parametrize(
    ("content", "filename", "code"),
    [
        (EXE, "surat.pdf", "UNSUPPORTED_FILE_TYPE"),
        (ELF, "naskah.pdf", "UNSUPPORTED_FILE_TYPE"),
        (PLAIN_ZIP, "naskah.docx", "UNSUPPORTED_FILE_TYPE"),
        (b"just some text", "naskah.pdf", "UNSUPPORTED_FILE_TYPE"),
        (b"", "kosong.pdf", "FILE_EMPTY"),
        (PDF + b"\0" * (1024 * 1024), "besar.pdf", "FILE_TOO_LARGE"),
    ],
)
async def test_refused_files_leave_nothing_behind(
    api: Api, content: bytes, filename: str, code: str
) -> None:
    agreement = await api.agreement()
    before = await _stored(api)
    response = await api.upload(agreement["id"], content, filename=filename)
    payload = response.json()["data"]["uploadAgreementDocument"]
    assert payload["document"] is None
    assert payload["errors"][0]["code"] == code
    assert payload["errors"][0]["field"] == "file"
    assert await _stored(api) == before
    assert await api.count("files.chunks") == 0


async def test_oversize_request_is_refused_before_reading_it(api: Api) -> None:
    agreement = await api.agreement()
    response = await api.upload(agreement["id"], PDF + b"\0" * (3 * 1024 * 1024))
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "FILE_TOO_LARGE"
    assert await api.count("files.files") == 0


async def test_multipart_without_preflight_header_is_refused(api: Api) -> None:
    agreement = await api.agreement()
    response = await api.upload(agreement["id"], headers={})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "CSRF_PREFLIGHT_REQUIRED"
    assert await api.count("files.files") == 0


async def test_upload_to_unknown_agreement_stores_nothing(api: Api) -> None:
    ghost = "QWdyZWVtZW50OjY1MDAwMDAwMDAwMDAwMDAwMDAwMDAwMA=="
    response = await api.upload(ghost)
    payload = response.json()["data"]["uploadAgreementDocument"]
    assert payload["errors"][0]["code"] == "NOT_FOUND"
    assert await api.count("files.files") == 0


async def test_new_version_supersedes_and_old_stays_downloadable(api: Api) -> None:
    agreement = await api.agreement()
    first = (await api.uploaded(agreement["id"], PDF, title="Naskah"))["document"]
    second_bytes = PDF + b"% revisi\n"
    second = await api.uploaded(
        agreement["id"], second_bytes, title="Naskah rev.", supersedes_id=first["id"]
    )
    doc = second["document"]
    assert doc["version"] == 2
    assert doc["supersedes"] == {"id": first["id"]}
    data = await api.gql(
        "query($id: ID!) { node(id: $id) { ... on Agreement { documents { id version isCurrent } } } }",
        {"id": agreement["id"]},
    )
    assert data["node"]["documents"] == [
        {"id": first["id"], "version": 1, "isCurrent": False},
        {"id": doc["id"], "version": 2, "isCurrent": True},
    ]
    old = await api.get(first["downloadUrl"])
    assert old.status_code == 200
    assert old.content == PDF
    new = await api.get(doc["downloadUrl"])
    assert new.content == second_bytes

    branch = await api.upload(agreement["id"], PDF, supersedes_id=first["id"])
    assert branch.json()["data"]["uploadAgreementDocument"]["errors"][0]["code"] == "CONFLICT"
    other_type = await api.upload(agreement["id"], PDF, supersedes_id=doc["id"], type="MINUTES")
    assert other_type.json()["data"]["uploadAgreementDocument"]["errors"][0]["code"] == "INVALID"
    assert await api.count("files.files") == 2


async def test_download_headers_range_and_etag(api: Api) -> None:
    agreement = await api.agreement()
    content = PDF + bytes(range(256)) * 40
    doc = (await api.uploaded(agreement["id"], content, filename="Naskah KSB Bogor–IPB.pdf"))[
        "document"
    ]
    url = doc["downloadUrl"]

    full = await api.get(url)
    assert full.status_code == 200
    assert full.content == content
    assert full.headers["content-type"] == "application/pdf"
    assert full.headers["etag"] == f'"{doc["sha256"]}"'
    assert full.headers["accept-ranges"] == "bytes"
    assert full.headers["content-disposition"].startswith("attachment;")
    assert (
        "filename*=UTF-8''Naskah%20KSB%20Bogor%E2%80%93IPB.pdf"
        in full.headers["content-disposition"]
    )

    part = await api.get(url, headers={"Range": "bytes=10-19"})
    assert part.status_code == 206
    assert part.content == content[10:20]
    assert part.headers["content-range"] == f"bytes 10-19/{len(content)}"

    tail = await api.get(url, headers={"Range": "bytes=-5"})
    assert tail.status_code == 206
    assert tail.content == content[-5:]

    beyond = await api.get(url, headers={"Range": f"bytes={len(content)}-"})
    assert beyond.status_code == 416
    assert beyond.headers["content-range"] == f"bytes */{len(content)}"

    cached = await api.get(url, headers={"If-None-Match": full.headers["etag"]})
    assert cached.status_code == 304

    inline = await api.get(url + "?disposition=inline")
    assert inline.headers["content-disposition"].startswith("inline;")


async def test_download_of_unknown_or_malformed_file_is_404(api: Api) -> None:
    for path in ("/files/650000000000000000000000", "/files/not-an-id"):
        response = await api.get(path)
        assert response.status_code == 404
        assert response.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_upload_event_is_in_the_chronology(api: Api) -> None:
    agreement = await api.agreement()
    doc = (await api.uploaded(agreement["id"], title="Berita acara rapat", type="MINUTES"))[
        "document"
    ]
    data = await api.gql(
        "query($id: ID!) { node(id: $id) { ... on Agreement { chronology(first: 1) { nodes { kind title documents { id } } } } } }",
        {"id": agreement["id"]},
    )
    assert data["node"]["chronology"]["nodes"][0] == {
        "kind": "DOCUMENT_ADDED",
        "title": "Dokumen ditambahkan: Berita acara rapat",
        "documents": [{"id": doc["id"]}],
    }


async def test_unattached_files_are_swept(api: Api) -> None:
    """A crash between storing a file and attaching it leaves a file no record names."""
    import io
    from datetime import timedelta

    from models.agreement import Agreement

    store = api.database.files
    orphan = await store.store(
        io.BytesIO(PDF), "yatim.pdf", holder=FileHolder.AGREEMENT, max_bytes=10**6
    )
    agreement = await api.agreement()
    kept = (await api.uploaded(agreement["id"]))["document"]
    await store.files.update_many({}, {"$set": {"metadata.attached": False}})

    async def referenced(file_id: object, holder: object) -> bool:
        return await Agreement.find({"documents.file_id": file_id}).count() > 0

    assert await store.sweep_unattached(timedelta(0), referenced) == 1
    assert await store.stat(orphan.file_id) is None
    assert (await api.get(kept["downloadUrl"])).status_code == 200


async def cut_short(store: FileStore, age: timedelta) -> ObjectId:
    """Three chunks as GridFS writes them, `age` ago (a chunk id's time is when it was
    made), with no file document after them."""
    files_id = ObjectId()
    made = ObjectId.from_datetime(datetime.now(UTC) - age)
    for n in range(3):
        chunk_id = ObjectId(made.binary[:4] + ObjectId().binary[4:])
        await store.chunks.insert_one(
            {"_id": chunk_id, "files_id": files_id, "n": n, "data": bytes(255 * 1024)}
        )
    return files_id


async def test_a_file_records_its_holder_and_older_files_still_serve(api: Api) -> None:
    """The kind of record that holds a file is in its GridFS metadata, and downloads and the
    sweep ask that kind alone; a file stored before holders were recorded is looked up in
    every kind."""
    from datetime import timedelta

    from resolvers.file_holders import holds_file

    agreement = await api.agreement()
    doc = (await api.uploaded(agreement["id"]))["document"]
    file_id = PydanticObjectId(doc["downloadUrl"].rsplit("/", 1)[1])
    files = api.database.files.files
    row = await files.find_one({"_id": file_id})
    assert row is not None
    assert row["metadata"]["holder"] == "Agreement"

    await files.update_one({"_id": file_id}, {"$set": {"metadata.holder": "Evaluation"}})
    assert (await api.get(doc["downloadUrl"])).status_code == 404
    assert not await holds_file(file_id, FileHolder.EVALUATION)

    await files.update_one(
        {"_id": file_id},
        {"$unset": {"metadata.holder": ""}, "$set": {"metadata.attached": False}},
    )
    assert (await api.get(doc["downloadUrl"])).status_code == 200
    assert await api.database.files.sweep_unattached(timedelta(0), holds_file) == 0
    assert (await api.get(doc["downloadUrl"])).status_code == 200


async def test_chunks_of_an_upload_cut_short_are_swept(api: Api) -> None:
    """A server killed while an upload streams leaves chunks and no file document (GridFS
    writes that last). The sweep removes them once none is newer than the grace period; a
    whole file and an upload still streaming keep theirs."""
    store = api.database.files
    agreement = await api.agreement()
    kept = (await api.uploaded(agreement["id"]))["document"]

    abandoned = await cut_short(store, timedelta(hours=2))
    streaming = await cut_short(store, timedelta(0))
    left = await store.chunks.count_documents({"files_id": abandoned})
    assert left > 0
    assert await store.sweep_orphan_chunks(timedelta(hours=1)) == left
    assert await store.chunks.count_documents({"files_id": abandoned}) == 0
    assert await store.chunks.count_documents({"files_id": streaming}) == left
    assert (await api.get(kept["downloadUrl"])).content == PDF
    # The streaming upload stops: the next sweep, an hour on, removes its chunks too.
    with frozen_at(datetime.now(UTC) + timedelta(hours=1, minutes=1)):
        assert await store.sweep_orphan_chunks(timedelta(hours=1)) == left
    assert await store.chunks.count_documents({"files_id": streaming}) == 0


async def test_a_sweep_reads_only_the_chunks_made_since_the_last(api: Api) -> None:
    """Each sweep starts at the previous one's cutoff: the chunks of the whole archive are
    not read again every time. (Chunks dated before it are never written: a chunk's id is
    made when it is written.)"""
    store = api.database.files
    assert await store.sweep_orphan_chunks(timedelta(hours=1)) == 0
    before_it = await cut_short(store, timedelta(hours=2))
    assert await store.sweep_orphan_chunks(timedelta(hours=1)) == 0
    assert await store.chunks.count_documents({"files_id": before_it}) == 3


async def test_blank_title_is_refused_before_storing(api: Api) -> None:
    agreement = await api.agreement()
    response = await api.upload(agreement["id"], PDF, title="   ")
    payload = response.json()["data"]["uploadAgreementDocument"]
    assert payload["errors"][0]["code"] == "REQUIRED"
    assert payload["errors"][0]["field"] == "title"
    assert await api.count("files.files") == 0


async def test_ranges_across_chunk_boundaries(api: Api) -> None:
    """GridFS keeps 255 KiB chunks; the route reads them a few at a time."""
    agreement = await api.agreement()
    content = PDF + bytes((i * 7) % 251 for i in range(1000 * 1024 - len(PDF)))
    doc = (await api.uploaded(agreement["id"], content))["document"]
    whole = await api.get(doc["downloadUrl"])
    assert whole.content == content
    boundary = 255 * 1024
    for first, last in [(boundary - 10, boundary + 9), (0, 0), (3 * boundary, len(content) - 1)]:
        part = await api.get(doc["downloadUrl"], headers={"Range": f"bytes={first}-{last}"})
        assert part.status_code == 206
        assert part.content == content[first : last + 1]


class _Trickle(io.RawIOBase):
    """A source that hands out a few bytes per read, as a socket or pipe may."""

    def __init__(self, content: bytes) -> None:
        self.content = content
        self.offset = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        self.offset = offset
        return offset

    def readinto(self, buffer: Any) -> int:
        piece = self.content[self.offset : self.offset + 1000]
        buffer[: len(piece)] = piece
        self.offset += len(piece)
        return len(piece)


async def test_stored_files_are_gridfs_files_any_driver_reads(api: Api) -> None:
    """The store writes the chunks itself; GridFS's own reader must get the same bytes back,
    also when the source hands out short reads."""
    content = PDF + bytes((i * 13) % 251 for i in range(1000 * 1024))
    store = api.database.files
    stored = await store.store(
        _Trickle(content),  # type: ignore[arg-type]
        "naskah.pdf",
        holder=FileHolder.AGREEMENT,
        max_bytes=10**7,
    )
    agreement = await api.agreement()
    uploaded = (await api.uploaded(agreement["id"], content))["document"]
    for file_id in (stored.file_id, ObjectId(uploaded["downloadUrl"].rsplit("/", 1)[1])):
        stream = await store.bucket.open_download_stream(file_id)
        assert await stream.read() == content
        sizes = [
            len(row["data"]) async for row in store.chunks.find({"files_id": file_id}).sort("n", 1)
        ]
        assert sizes[:-1] == [255 * 1024] * (len(sizes) - 1)
        assert sum(sizes) == len(content)
    assert stored.sha256 == hashlib.sha256(content).hexdigest() == uploaded["sha256"]


async def test_file_over_the_limit_leaves_no_chunks(api: Api) -> None:
    content = PDF + bytes(3 * 1024 * 1024)
    with pytest.raises(DomainError) as refused:
        await api.database.files.store(
            io.BytesIO(content), "besar.pdf", holder=FileHolder.AGREEMENT, max_bytes=2 * 1024 * 1024
        )
    assert refused.value.code == ErrorCode.FILE_TOO_LARGE
    assert await api.count("files.chunks") == 0
    assert await api.count("files.files") == 0
