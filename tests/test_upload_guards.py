"""Uploads cannot be turned against the server: type detection reads a bounded amount, an
anonymous multipart request is refused before its body is read, and a body without
Content-Length is cut off at the size limit while it streams."""

import io
import json
import tracemalloc
import zipfile
from collections.abc import AsyncIterator

from tests.api import PDF, Api

MiB = 1024 * 1024


def zip_bomb(inflated: int) -> bytes:
    """A small ZIP whose `mimetype` entry inflates to `inflated` bytes."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf,
        zf.open("mimetype", "w", force_zip64=True) as entry,
    ):
        block = b"\0" * MiB
        for _ in range(inflated // MiB):
            entry.write(block)
    return buffer.getvalue()


async def test_a_zip_bomb_is_not_inflated_to_find_its_type(api: Api) -> None:
    agreement = await api.agreement()
    bomb = zip_bomb(200 * MiB)
    assert len(bomb) < 400 * 1024
    tracemalloc.start()
    try:
        response = await api.upload(
            agreement["id"], bomb, filename="naskah.odt", content_type="application/zip"
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 200, response.text
    errors = response.json()["data"]["uploadAgreementDocument"]["errors"]
    assert [e["code"] for e in errors] == ["UNSUPPORTED_FILE_TYPE"]
    assert peak < 32 * MiB, peak
    assert await api.count("files.files") == 0


def multipart(agreement_id: str, content: bytes) -> tuple[bytes, str]:
    boundary = "sikermaboundary"
    query = "mutation($input: UploadAgreementDocumentInput!) { uploadAgreementDocument(input: $input) { errors { code } } }"
    operations = {
        "query": query,
        "variables": {
            "input": {"agreementId": agreement_id, "type": "OTHER", "title": "x", "file": None}
        },
    }
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{json.dumps(operations)}\r\n',
        f'--{boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n{json.dumps({"0": ["variables.input.file"]})}\r\n',
        f'--{boundary}\r\nContent-Disposition: form-data; name="0"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n',
    ]
    body = "".join(parts).encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


class Chunked:
    """A request body sent in pieces, without Content-Length; counts what was read."""

    def __init__(self, body: bytes, piece: int = 64 * 1024) -> None:
        self.body, self.piece, self.sent = body, piece, 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for start in range(0, len(self.body), self.piece):
            self.sent += min(self.piece, len(self.body) - start)
            yield self.body[start : start + self.piece]


async def test_anonymous_multipart_is_refused_before_the_body_is_read(api: Api) -> None:
    agreement = await api.agreement()
    body, content_type = multipart(agreement["id"], PDF + b"\0" * (4 * MiB))
    stream = Chunked(body)
    response = await api.client.post(
        "/graphql",
        content=stream,
        headers={"Content-Type": content_type, "Apollo-Require-Preflight": "true"},
    )
    assert response.status_code == 401, response.text
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert stream.sent < MiB


async def test_a_chunked_body_is_cut_off_at_the_size_limit(api: Api) -> None:
    agreement = await api.agreement()
    body, content_type = multipart(agreement["id"], PDF + b"\0" * (8 * MiB))
    stream = Chunked(body)
    response = await api.client.post(
        "/graphql",
        content=stream,
        headers={**api.headers, "Content-Type": content_type, "Apollo-Require-Preflight": "true"},
    )
    assert response.status_code == 413, response.text
    assert response.json()["errors"][0]["extensions"]["code"] == "FILE_TOO_LARGE"
    # The test settings allow 1 MB files (plus the multipart overhead).
    assert stream.sent < 3 * MiB
    assert await api.count("files.files") == 0


UPLOAD_ONCE = "mutation($input: UploadAgreementDocumentInput!) { uploadAgreementDocument(input: $input) { document { id } agreement { documents { id } } errors { field code } } }"


async def upload_once(api: Api, agreement_id: str, key: str, title: str = "Notulen") -> dict:
    variables = {
        "input": {
            "agreementId": agreement_id,
            "type": "MINUTES",
            "title": title,
            "file": None,
            "idempotencyKey": key,
        }
    }
    response = await api.client.post(
        "/graphql",
        data={
            "operations": json.dumps({"query": UPLOAD_ONCE, "variables": variables}),
            "map": json.dumps({"0": ["variables.input.file"]}),
        },
        files={"0": ("notulen.pdf", PDF, "application/pdf")},
        headers={**api.headers, "Apollo-Require-Preflight": "true"},
    )
    assert response.status_code == 200, response.text
    payload: dict = response.json()["data"]["uploadAgreementDocument"]
    return payload


async def test_a_retried_upload_stores_one_document(api: Api) -> None:
    agreement = await api.agreement()
    key = "8f0c6d2e-1a7b-4c55-9e0a-3b2f4d6c8a10"
    first = await upload_once(api, agreement["id"], key)
    again = await upload_once(api, agreement["id"], key)
    assert first["errors"] == again["errors"] == []
    assert again["document"]["id"] == first["document"]["id"]
    assert len(again["agreement"]["documents"]) == 1
    assert await api.count("files.files") == 1
    # The same key for a different request is refused, and stores nothing.
    other = await upload_once(api, agreement["id"], key, title="Lain")
    assert [(e["field"], e["code"]) for e in other["errors"]] == [
        ("idempotencyKey", "IDEMPOTENCY_KEY_REUSED")
    ]
    assert await api.count("files.files") == 1


async def test_uploads_past_the_daily_quota_are_refused(api: Api) -> None:
    state = api.client.app.state  # type: ignore[attr-defined]
    suite_settings = state.settings
    # 1 MB a day: the first 600 KiB file fits, the second does not.
    state.settings = suite_settings.model_copy(update={"upload_quota_mb_per_day": 1})
    try:
        agreement = await api.agreement()
        content = PDF + b"\0" * (600 * 1024)
        first = await api.upload(agreement["id"], content)
        assert first.json()["data"]["uploadAgreementDocument"]["errors"] == []
        second = await api.upload(agreement["id"], content, title="Naskah lagi")
        errors = second.json()["data"]["uploadAgreementDocument"]["errors"]
        assert [(e["field"], e["code"]) for e in errors] == [("file", "QUOTA_EXCEEDED")]
        assert await api.count("files.files") == 1
        # Another user has a quota of their own.
        _, other = await api.user("ADMIN")
        third = await other.upload(agreement["id"], content, title="Naskah ketiga")
        assert third.json()["data"]["uploadAgreementDocument"]["errors"] == []
    finally:
        state.settings = suite_settings
