"""Fixity: a byte flipped in a stored chunk, or a history rewritten behind the API's back, is
found, reported and refused; nothing is deleted or overwritten."""

import hashlib
from typing import Any

import pytest
from beanie import PydanticObjectId
from bson import ObjectId
from strawberry import relay

from models.chronology import GENESIS_HASH, stored_hash
from tests.api import PDF, Api

RUN_FIELDS = """run { id status trigger filesChecked bytesRead durationSeconds reason
  mismatches { fileId filename owners expectedSha256 foundSha256 problem }
  chainsChecked chronologyFindings { agreementId number problem detail } }"""
INTEGRITY = "documents { id sha256 downloadUrl integrity { status lastCheckedAt corruptSince } }"
SCAN = PDF + b"%" + b"naskah yang ditandatangani " * 40 + b"\n"


def raw_id(global_id: str) -> ObjectId:
    return ObjectId(relay.GlobalID.from_id(global_id).node_id)


async def verify(api: Api, reason: str = "") -> dict[str, Any]:
    return (await api.ok("verifyFiles", RUN_FIELDS, {"reason": reason}))["run"]


async def documents(api: Api, agreement_id: str) -> list[dict[str, Any]]:
    query = f"query($id: ID!) {{ node(id: $id) {{ ... on Agreement {{ {INTEGRITY} }} }} }}"
    return (await api.gql(query, {"id": agreement_id}))["node"]["documents"]


async def flip_a_byte(api: Api, download_url: str, position: int = 10) -> None:
    """Change one byte of the first chunk, as a failing disk or a tamperer would."""
    chunks = api.database.db["files.chunks"]
    file_id = ObjectId(download_url.rsplit("/", 1)[1])
    chunk = await chunks.find_one({"files_id": file_id, "n": 0})
    assert chunk is not None
    data = bytearray(chunk["data"])
    data[position] ^= 0x01
    await chunks.update_one({"_id": chunk["_id"]}, {"$set": {"data": bytes(data)}})


async def two_scans(api: Api) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    agreement = await api.agreement()
    damaged = (await api.uploaded(agreement["id"], SCAN))["document"]
    clean = (await api.uploaded(agreement["id"], PDF, filename="lampiran.pdf", type="OTHER"))[
        "document"
    ]
    return agreement, damaged, clean


async def test_a_flipped_byte_is_found_marked_alerted_audited_and_refused(api: Api) -> None:
    agreement, damaged, clean = await two_scans(api)
    before = await api.get(damaged["downloadUrl"])
    assert before.status_code == 200
    assert before.content == SCAN
    etag = before.headers["etag"]

    await flip_a_byte(api, damaged["downloadUrl"])
    run = await verify(api, "pemeriksaan uji")

    assert run["status"] == "FINISHED"
    assert run["trigger"] == "ADMIN"
    assert run["reason"] == "pemeriksaan uji"
    assert run["filesChecked"] == 2
    assert run["bytesRead"] == len(SCAN) + len(PDF)
    [mismatch] = run["mismatches"]
    assert mismatch["filename"] == "naskah.pdf"
    assert mismatch["problem"] == "CHANGED"
    assert mismatch["expectedSha256"] == hashlib.sha256(SCAN).hexdigest()
    assert mismatch["foundSha256"] != mismatch["expectedSha256"]
    assert mismatch["owners"] == [f"Agreement:{raw_id(agreement['id'])}"]

    states = {d["id"]: d["integrity"] for d in await documents(api, agreement["id"])}
    assert states[damaged["id"]]["status"] == "CORRUPT"
    assert states[damaged["id"]]["corruptSince"] is not None
    assert states[clean["id"]] == {**states[clean["id"]], "status": "OK", "corruptSince": None}

    for headers in ({}, {"If-None-Match": etag}, {"Range": "bytes=0-3"}):
        refused = await api.get(damaged["downloadUrl"], headers=headers)
        assert refused.status_code == 500, headers
        assert refused.json()["errors"][0]["extensions"]["code"] == "FILE_CORRUPT"
        assert "etag" not in refused.headers
    assert (await api.get(clean["downloadUrl"])).content == PDF

    # Nothing deleted or rewritten: the damaged bytes are still there for inspection.
    stored = await api.database.db["files.files"].find_one(
        {"_id": ObjectId(damaged["downloadUrl"].rsplit("/", 1)[1])}
    )
    assert stored is not None
    assert stored["length"] == len(SCAN)
    assert await api.count("files.chunks") > 0

    notes = await api.database.db.notifications.find({"kind": "FILE_CORRUPT"}).to_list()
    assert len(notes) == 1
    assert "naskah.pdf" in notes[0]["title"]
    audit = await api.database.db.audit_log.find({"operation": "fileFixityFailed"}).to_list()
    assert len(audit) == 1
    assert f"Agreement:{raw_id(agreement['id'])}" in audit[0]["target_ids"]
    assert audit[0]["error_codes"] == ["FILE_CORRUPT"]

    # A second run reports it again, but alerts and audits only once, and keeps the date.
    again = await verify(api)
    assert len(again["mismatches"]) == 1
    assert await api.count("notifications", {"kind": "FILE_CORRUPT"}) == 1
    assert await api.count("audit_log", {"operation": "fileFixityFailed"}) == 1
    later = {d["id"]: d["integrity"] for d in await documents(api, agreement["id"])}
    assert later[damaged["id"]]["corruptSince"] == states[damaged["id"]]["corruptSince"]


async def test_a_stale_file_is_rehashed_before_it_is_served(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    agreement, damaged, clean = await two_scans(api)
    await flip_a_byte(api, damaged["downloadUrl"])
    # Checked at upload, so still fresh: served as stored (the schedule would find it).
    assert (await api.get(damaged["downloadUrl"])).status_code == 200

    settings = api.client.app.state.settings  # type: ignore[attr-defined]
    monkeypatch.setattr(settings, "fixity_max_age_hours", 0)
    refused = await api.get(damaged["downloadUrl"])
    assert refused.status_code == 500
    assert refused.json()["errors"][0]["extensions"]["code"] == "FILE_CORRUPT"
    assert (await api.get(clean["downloadUrl"])).content == PDF
    states = {d["id"]: d["integrity"]["status"] for d in await documents(api, agreement["id"])}
    assert states == {damaged["id"]: "CORRUPT", clean["id"]: "OK"}
    assert await api.count("notifications", {"kind": "FILE_CORRUPT"}) == 1
    assert await api.count("audit_log", {"operation": "fileFixityFailed"}) == 1


async def test_clean_archive_run_is_kept_and_shown(api: Api) -> None:
    await two_scans(api)
    run = await verify(api)
    assert run["status"] == "FINISHED"
    assert run["mismatches"] == []
    assert run["chainsChecked"] == 1
    assert run["chronologyFindings"] == []
    assert run["durationSeconds"] >= 0

    _, executive = await api.user("EXECUTIVE")
    listed = await executive.gql("{ fixityRuns(first: 5) { totalCount nodes { id } } }")
    assert listed["fixityRuns"] == {"totalCount": 1, "nodes": [{"id": run["id"]}]}
    board = await executive.gql("{ dashboard { lastFixityRun { id filesChecked } } }")
    assert board["dashboard"]["lastFixityRun"] == {"id": run["id"], "filesChecked": 2}

    unit = await api.org_unit()
    _, officer = await api.user("OFFICER", orgUnitId=unit["id"])
    refused = await officer.raw("{ fixityRuns(first: 5) { totalCount } }")
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    board = await officer.gql("{ dashboard { lastFixityRun { id } } }")
    assert board["dashboard"]["lastFixityRun"] is None
    refused = await officer.raw(
        "mutation { verifyFiles(input: {}) { run { id } errors { code } } }"
    )
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await api.count("fixity_runs") == 1


def reseal(chain: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Recompute every hash, as a tamperer who knows the scheme would."""
    previous = GENESIS_HASH
    for item in chain:
        item["prev_hash"] = previous
        item["hash"] = stored_hash(item)
        previous = item["hash"]
    return chain


async def chain_of(api: Api, agreement: dict[str, Any]) -> list[dict[str, Any]]:
    row = await api.database.db.agreements.find_one({"_id": raw_id(agreement["id"])})
    assert row is not None
    return list(row["chronology"])


async def set_chain(api: Api, agreement: dict[str, Any], chain: list[dict[str, Any]]) -> None:
    await api.database.db.agreements.update_one(
        {"_id": raw_id(agreement["id"])}, {"$set": {"chronology": chain}}
    )


async def test_a_rewritten_or_truncated_history_is_found_against_the_anchor(api: Api) -> None:
    rewritten, truncated, untouched = [await api.agreement() for _ in range(3)]
    for agreement in (rewritten, truncated, untouched):
        await api.uploaded(agreement["id"])  # adds a DOCUMENT_ADDED event
    first = await verify(api)
    assert first["chronologyFindings"] == []

    chain = await chain_of(api, rewritten)
    chain[0]["title"] = "Data kerja sama dicatat ulang"
    await set_chain(api, rewritten, reseal(chain))
    await set_chain(api, truncated, (await chain_of(api, truncated))[:-1])
    intact = await api.gql(
        "query($id: ID!) { verifyChronology(agreementId: $id) { intact } }",
        {"id": rewritten["id"]},
    )
    assert intact["verifyChronology"]["intact"] is True  # the chain alone cannot tell

    second = await verify(api)
    found = {f["agreementId"]: f["problem"] for f in second["chronologyFindings"]}
    assert found == {rewritten["id"]: "REWRITTEN", truncated["id"]: "TRUNCATED"}
    assert await api.count("notifications", {"kind": "CHRONOLOGY_TAMPERED"}) == 2
    assert await api.count("audit_log", {"operation": "chronologyFixityFailed"}) == 2

    # The trusted anchor is kept: the next run still reports both.
    third = await verify(api)
    assert {f["agreementId"] for f in third["chronologyFindings"]} == set(found)


async def test_an_on_demand_run_waits_for_one_in_progress(api: Api) -> None:
    from models.clock import utcnow
    from models.fixity import JobLease

    await JobLease.ensure("fixity", utcnow())
    held = await JobLease.claim(
        "fixity", "another-process", utcnow().replace(year=2999), only_if_due=False
    )
    assert held is not None
    payload = await api.mutate("verifyFiles", "run { id }", {})
    assert [e["code"] for e in payload["errors"]] == ["FIXITY_RUN_IN_PROGRESS"]
    assert await api.count("fixity_runs") == 0
    await JobLease.release("fixity", "another-process", None)
    assert (await verify(api))["status"] == "FINISHED"


async def test_files_stored_record_their_first_check(api: Api) -> None:
    agreement = await api.agreement()
    await api.uploaded(agreement["id"])
    [doc] = await documents(api, agreement["id"])
    assert doc["integrity"]["status"] == "OK"
    assert doc["integrity"]["lastCheckedAt"] is not None
    assert PydanticObjectId(doc["downloadUrl"].rsplit("/", 1)[1])


async def test_scheduled_runs_happen_once_when_due_whatever_the_processes(api: Api) -> None:
    import asyncio
    from datetime import timedelta

    from models.clock import utcnow
    from models.fixity import FixityTrigger, JobLease
    from resolvers.fixity import run_fixity

    agreement = await api.agreement()
    await api.uploaded(agreement["id"])
    settings = api.client.app.state.settings  # type: ignore[attr-defined]
    scheduled = settings.model_copy(update={"fixity_interval_hours": 168})

    # Two API processes polling at the same moment: one runs, the other finds it taken.
    both = await asyncio.gather(
        run_fixity(api.database, scheduled, FixityTrigger.SCHEDULE),
        run_fixity(api.database, scheduled, FixityTrigger.SCHEDULE),
    )
    assert sorted(r is None for r in both) == [False, True]
    assert await api.count("fixity_runs", {"trigger": "SCHEDULE"}) == 1
    lease = await JobLease.get("fixity")
    assert lease is not None
    assert lease.holder is None
    assert lease.due_at > utcnow() + timedelta(days=6)

    # Not due again for a week, however often it is asked.
    assert await run_fixity(api.database, scheduled, FixityTrigger.SCHEDULE) is None
    # A process that died holding the lease is taken over once the lease has run out.
    await JobLease.get_pymongo_collection().update_one(
        {"_id": "fixity"},
        {"$set": {"due_at": utcnow(), "holder": "dead", "held_until": utcnow()}},
    )
    taken_over = await run_fixity(api.database, scheduled, FixityTrigger.SCHEDULE)
    assert taken_over is not None
    assert taken_over.files_checked == 1
