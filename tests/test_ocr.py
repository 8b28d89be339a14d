"""OCR of stored scans: real OCRmyPDF and Tesseract on scans the tests render, the queue
with its leases, bad files, the text status in the API, and search in the documents' text.

The tests that OCR need Tesseract: in CI (CI=true) they fail when it is missing; elsewhere
they are skipped with the reason. Tests whose files never reach Tesseract (PDFs with text,
files refused before OCR) run everywhere.
"""

import asyncio
import hashlib
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from beanie import PydanticObjectId

from models.document_text import DocumentPage, DocumentText
from resolvers.ocr import OcrRunner
from resolvers.ocr_availability import Availability, detect_availability
from settings import Settings
from tests import scans
from tests.api import Api
from tests.files import DOCX
from tests.proposals import attached, cast, gid, propose
from tests.test_chronology import add

DOCUMENT = """id filename sha256 textStatus textFailureReason textSource pageCount
  searchableRendition { filename contentType size sha256 downloadUrl }"""
DOCUMENTS = f"query($id: ID!) {{ node(id: $id) {{ ... on Agreement {{ revision documents {{ {DOCUMENT} }} }} }} }}"
SEARCH = """query($q: String!, $filter: DocumentSearchFilter, $first: Int, $after: String) {
  searchDocuments(query: $q, filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { pages snippet snippetPage agreement { id } document { id filename }
            proposal { id } attachment { id } } } }"""
AGREEMENTS = """query($filter: AgreementFilter) { agreements(filter: $filter) { nodes { id } } }"""
RERUN = "textStatus document { id textStatus } attachment { id textStatus }"


async def documents(api: Api, agreement_id: str) -> list[dict[str, Any]]:
    return (await api.gql(DOCUMENTS, {"id": agreement_id}))["node"]["documents"]


async def search(client: Api, q: str, **variables: Any) -> dict[str, Any]:
    return (await client.gql(SEARCH, {"q": q, **variables}))["searchDocuments"]


async def test_a_scanned_pdf_is_read_page_by_page_and_found_by_a_phrase_inside_it(
    api: Api, runner: OcrRunner, ocr_installed: None
) -> None:
    agreement = await api.agreement(title="Pengelolaan sampah regional")
    content = scans.scanned_pdf(scans.PAGES)
    uploaded = (await api.uploaded(agreement["id"], content, filename="pks-sampah.pdf"))["document"]
    [queued] = await documents(api, agreement["id"])
    assert queued["textStatus"] == "PENDING"
    assert queued["pageCount"] is None
    assert await search(api, "lindi Galuga") == {
        "totalCount": 0,
        "pageInfo": {"hasNextPage": False, "endCursor": None},
        "nodes": [],
    }

    assert await runner.run_until_idle() == 1

    [doc] = await documents(api, agreement["id"])
    assert doc["textStatus"] == "DONE"
    assert doc["textSource"] == "OCR"
    assert doc["textFailureReason"] is None
    assert doc["pageCount"] == 3
    # The original is untouched; the searchable PDF is a file of its own.
    assert doc["sha256"] == uploaded["sha256"] == hashlib.sha256(content).hexdigest()
    original = await api.get(uploaded["downloadUrl"])
    assert hashlib.sha256(original.content).hexdigest() == uploaded["sha256"]
    rendition = doc["searchableRendition"]
    assert rendition["contentType"] == "application/pdf"
    assert rendition["filename"] == "pks-sampah.ocr.pdf"
    searchable = await api.get(rendition["downloadUrl"])
    assert searchable.status_code == 200
    assert searchable.content.startswith(b"%PDF")
    assert hashlib.sha256(searchable.content).hexdigest() == rendition["sha256"]
    assert rendition["sha256"] != uploaded["sha256"]
    assert searchable.headers["etag"] == f'"{rendition["sha256"]}"'

    pages = await DocumentPage.find_all().sort("+number").to_list()
    assert [p.number for p in pages] == [1, 2, 3]
    for truth, page in zip(scans.PAGES, pages, strict=True):
        assert scans.recall(truth, page.text) >= 0.95, page.text

    found = await search(api, "lindi Galuga")
    assert found["totalCount"] == 1
    [hit] = found["nodes"]
    assert hit["pages"] == [2]
    assert hit["snippetPage"] == 2
    assert hit["agreement"] == {"id": agreement["id"]}
    assert hit["document"]["id"] == doc["id"]
    assert "«lindi»" in hit["snippet"]
    assert "«Galuga»" in hit["snippet"]
    # Indonesian stems: "truk pengangkut" is found by "angkut truk", on page 3 only.
    assert [h["pages"] for h in (await search(api, "angkut truk"))["nodes"]] == [[3]]
    # Words on different pages are no hit: every word must be on one page.
    assert (await search(api, "lindi armada"))["nodes"] == []

    # The agreement list finds the agreement by the scan's text only when asked to.
    in_text = {"text": "lindi Galuga", "textIncludesDocuments": True}
    listed = (await api.gql(AGREEMENTS, {"filter": in_text}))["agreements"]["nodes"]
    assert listed == [{"id": agreement["id"]}]
    only_fields = {"text": "lindi Galuga"}
    assert (await api.gql(AGREEMENTS, {"filter": only_fields}))["agreements"]["nodes"] == []


async def test_a_jpeg_scan_in_a_chronology_event_is_read_and_its_pdf_guarded(
    api: Api, runner: OcrRunner, ocr_installed: None
) -> None:
    c = await cast(api)
    agreement = await api.agreement(partnerIds=[c.p1["id"]])
    photo = scans.scanned_jpeg(scans.PAGES[0])
    payload = await add(api, agreement["id"], [("naskah-1998.jpg", photo, "image/jpeg")])
    assert payload["errors"] == []

    assert await runner.run_until_idle() == 1

    [doc] = await documents(api, agreement["id"])
    assert (doc["textStatus"], doc["textSource"], doc["pageCount"]) == ("DONE", "OCR", 1)
    assert doc["searchableRendition"]["contentType"] == "application/pdf"
    [page] = await DocumentPage.find_all().to_list()
    assert scans.recall(scans.PAGES[0], page.text) >= 0.95, page.text
    # The searchable PDF has the access rule of its document.
    url = doc["searchableRendition"]["downloadUrl"]
    assert (await c.partner.get(url)).status_code == 200
    assert (await c.other_partner.get(url)).status_code == 404
    assert (await c.anonymous.get(url)).status_code == 401


async def test_a_pdf_with_text_is_read_without_ocr(api: Api, runner: OcrRunner) -> None:
    agreement = await api.agreement()
    await api.uploaded(agreement["id"], scans.text_pdf(scans.PAGES), filename="pks.pdf")

    assert await runner.run_until_idle() == 1

    [doc] = await documents(api, agreement["id"])
    assert doc["textStatus"] == "DONE"
    assert doc["textSource"] == "EMBEDDED"
    assert doc["pageCount"] == 3
    # Nothing was OCRed, so there is no second file.
    assert doc["searchableRendition"] is None
    assert await api.count("files.files") == 1
    [hit] = (await search(api, "armada truk"))["nodes"]
    assert hit["pages"] == [3]


async def test_files_ocr_cannot_read_fail_with_a_reason_and_the_worker_goes_on(
    api: Api, runner: OcrRunner
) -> None:
    agreement = await api.agreement()
    bad = [
        ("terkunci.pdf", scans.encrypted_pdf(), "encrypted"),
        ("rusak.pdf", scans.malformed_pdf(), "damaged"),
        ("kosong.pdf", scans.empty_pdf(), "no pages"),
        ("raksasa.png", scans.bomb_png(), "too large"),
    ]
    for filename, content, _ in bad:
        await api.uploaded(agreement["id"], content, filename=filename, type="OTHER")
    # A good file queued after the bad ones is still read.
    await api.uploaded(agreement["id"], scans.text_pdf(["Pasal 1 Maksud"]), filename="baik.pdf")
    before = (await api.gql(DOCUMENTS, {"id": agreement["id"]}))["node"]["revision"]
    files_before = await api.count("files.files")

    assert await runner.run_until_idle() == 5

    found = {d["filename"]: d for d in await documents(api, agreement["id"])}
    for filename, _, reason in bad:
        doc = found[filename]
        assert doc["textStatus"] == "FAILED", doc
        assert reason in doc["textFailureReason"], doc
        assert doc["pageCount"] is None
        assert doc["searchableRendition"] is None
    assert found["baik.pdf"]["textStatus"] == "DONE"
    # Nothing else changed: no new file, the agreement as it was, only the good file's page.
    assert await api.count("files.files") == files_before
    assert (await api.gql(DOCUMENTS, {"id": agreement["id"]}))["node"]["revision"] == before
    assert await api.count("document_pages") == 1


async def test_a_job_whose_worker_died_is_taken_again_after_its_lease(
    api: Api, runner: OcrRunner
) -> None:
    agreement = await api.agreement()
    await api.uploaded(agreement["id"], scans.text_pdf(["Pasal 9 Penutup"]))
    # A worker claims the job and dies: its lease still holds, so nobody takes it yet.
    claimed = await DocumentText.claim(timedelta(minutes=5))
    assert claimed is not None
    assert await runner.run_until_idle() == 0
    [doc] = await documents(api, agreement["id"])
    assert doc["textStatus"] == "PENDING"
    # The lease runs out (moved into the past here): the next worker takes it and finishes.
    await DocumentText.get_pymongo_collection().update_one(
        {"_id": claimed.id}, {"$set": {"available_at": claimed.created_at - timedelta(1)}}
    )
    assert await runner.run_until_idle() == 1
    [doc] = await documents(api, agreement["id"])
    assert doc["textStatus"] == "DONE"
    job = await DocumentText.get(claimed.id)
    assert job is not None
    assert job.attempts == 2
    # The dead worker's late report no longer counts.
    assert not await claimed.finish(claimed.status)


async def test_a_job_that_keeps_killing_its_worker_fails_after_the_last_attempt(
    api: Api, runner: OcrRunner, settings: Settings
) -> None:
    agreement = await api.agreement()
    await api.uploaded(agreement["id"], scans.text_pdf(["Pasal 9 Penutup"]))
    for _ in range(settings.ocr_max_attempts):
        claimed = await DocumentText.claim(timedelta(seconds=-1))
        assert claimed is not None
    assert await runner.run_until_idle() == 1
    [doc] = await documents(api, agreement["id"])
    assert doc["textStatus"] == "FAILED"
    assert "stopped before finishing 3 times" in doc["textFailureReason"]


async def test_an_admin_reruns_ocr_and_others_may_not(api: Api, runner: OcrRunner) -> None:
    c = await cast(api)
    agreement = await api.agreement(leadOrgUnitIds=[c.unit["id"]])
    doc = (await api.uploaded(agreement["id"], scans.empty_pdf(), filename="kosong.pdf"))[
        "document"
    ]
    await runner.run_until_idle()
    assert (await documents(api, agreement["id"]))[0]["textStatus"] == "FAILED"

    body = await c.officer.raw(
        "mutation($input: RerunDocumentOcrInput!) { rerunDocumentOcr(input: $input) { textStatus errors { code } } }",
        {"input": {"documentId": doc["id"]}},
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    payload = await api.ok("rerunDocumentOcr", RERUN, {"documentId": doc["id"]})
    assert payload["textStatus"] == "PENDING"
    assert payload["document"] == {"id": doc["id"], "textStatus": "PENDING"}
    assert await runner.run_until_idle() == 1
    missing = gid("DocumentRef", str(PydanticObjectId()))
    refused = await api.mutate("rerunDocumentOcr", RERUN, {"documentId": missing})
    assert [e["code"] for e in refused["errors"]] == ["NOT_FOUND"]


async def test_search_and_searchable_files_follow_the_documents_access_rules(
    api: Api, runner: OcrRunner
) -> None:
    c = await cast(api)
    theirs = await api.agreement(partnerIds=[c.p1["id"]], leadOrgUnitIds=[c.unit["id"]])
    others = await api.agreement(partnerIds=[c.p2["id"]], leadOrgUnitIds=[c.other_unit["id"]])
    text = scans.text_pdf(["Pengolahan lindi di Galuga"])
    await api.uploaded(theirs["id"], text, filename="milik-p1.pdf")
    await api.uploaded(others["id"], text, filename="milik-p2.pdf")
    # A partner's draft proposal: only that partner sees its attachment.
    draft = await propose(c.partner, orgUnitId=c.unit["id"])
    await attached(c.partner, draft["id"], content=scans.text_pdf(["Usulan lindi"]))
    assert await runner.run_until_idle() == 3

    def names(result: dict[str, Any]) -> list[str | None]:
        return sorted(
            (n["document"] or {}).get("filename") or f"proposal:{n['proposal']['id']}"
            for n in result["nodes"]
        )

    assert names(await search(api, "lindi")) == ["milik-p1.pdf", "milik-p2.pdf"]
    assert names(await search(c.partner, "lindi")) == ["milik-p1.pdf", f"proposal:{draft['id']}"]
    assert names(await search(c.other_partner, "lindi")) == ["milik-p2.pdf"]
    assert names(await search(c.officer, "lindi")) == ["milik-p1.pdf"]
    assert (await search(c.partner, "lindi"))["totalCount"] == 2
    only = {"agreementId": others["id"]}
    assert names(await search(api, "lindi", filter=only)) == ["milik-p2.pdf"]
    refused = await c.partner.raw(SEARCH, {"q": "lindi", "filter": only})
    assert refused["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    anonymous = await c.anonymous.raw(SEARCH, {"q": "lindi"})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    empty = await api.raw(SEARCH, {"q": "  ?! "})
    assert empty["errors"][0]["extensions"]["code"] == "INVALID"

    # Keyset pages: one hit per page, each once.
    first = await search(api, "lindi", first=1)
    assert first["pageInfo"]["hasNextPage"] is True
    second = await search(api, "lindi", first=1, after=first["pageInfo"]["endCursor"])
    assert second["pageInfo"]["hasNextPage"] is False
    assert names(first) + names(second) == ["milik-p1.pdf", "milik-p2.pdf"]


async def test_without_ocr_installed_documents_say_unavailable(
    api: Api, settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # What the server finds at startup on a machine without Tesseract, or with OCR off.
    monkeypatch.setenv("PATH", str(tmp_path))
    missing = await detect_availability(settings)
    assert missing == Availability(False, "tesseract is not installed")
    monkeypatch.undo()
    turned_off = await detect_availability(settings.model_copy(update={"ocr_enabled": False}))
    assert not turned_off.available

    agreement = await api.agreement()
    await api.uploaded(agreement["id"], scans.text_pdf(["Pasal 1"]))
    await api.uploaded(agreement["id"], DOCX, filename="draf.docx", type="DRAFT")
    state = api.client.app.state  # type: ignore[attr-defined]
    found_at_startup, state.ocr = state.ocr, missing
    try:
        pdf, docx = await documents(api, agreement["id"])
    finally:
        state.ocr = found_at_startup
    assert pdf["textStatus"] == "UNAVAILABLE"
    assert pdf["textFailureReason"] == "tesseract is not installed"
    # Word processor files carry their text; they are not queued for OCR.
    assert docx["textStatus"] is None
    assert await api.count("document_texts") == 1


async def test_the_server_runs_the_workers_in_the_background(
    api: Api, settings: Settings, ocr_installed: None
) -> None:
    agreement = await api.agreement()
    busy = {"ocr_workers": 1, "ocr_poll_seconds": 0.1}
    background = OcrRunner(api.database, settings.model_copy(update=busy))
    background.start()  # as the server does at startup when OCR is installed
    try:
        await api.uploaded(agreement["id"], scans.text_pdf(["Pasal 2 Tujuan"]))
        # A bound on waiting, not a timing: the worker runs at a low priority.
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            [doc] = await documents(api, agreement["id"])
            if doc["textStatus"] != "PENDING":
                break
            await asyncio.sleep(0.5)
    finally:
        await background.stop()
    assert doc["textStatus"] == "DONE"
