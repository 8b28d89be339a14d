"""The chronology (menu 3): history entered by hand, corrections, the hash chain, the timeline."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.api import PDF, Api
from tests.files import EXE
from tests.monitoring import ERRORS, active_agreement, multipart

EVENT = """event { id kind title description occurredAt corrected corrects hash prevHash
  documents { id type title filename }
  original { title occurredAt }
  correctedBy { id kind description correction { title occurredAt } }
  agreement { id } }"""
ADD = f"""mutation($input: AddChronologyEventInput!) {{
  addChronologyEvent(input: $input) {{ {EVENT} agreement {{ id revision documents {{ id }} }} {ERRORS} }} }}"""
CORRECT = f"""mutation($input: CorrectChronologyEventInput!) {{
  correctChronologyEvent(input: $input) {{ {EVENT}
    correction {{ id kind corrects description correction {{ title description occurredAt }} }}
    {ERRORS} }} }}"""
VERIFY = "query($id: ID!) { verifyChronology(agreementId: $id) { intact checkedEvents firstBrokenEventId problem } }"
CHRONOLOGY = "query($id: ID!) { node(id: $id) { ... on Agreement { chronology(first: 100) { nodes { id kind title occurredAt corrected } } } } }"


async def add(
    api: Api, agreement_id: str, files: list[tuple[str, bytes, str]] | None = None, **fields: Any
) -> dict[str, Any]:
    data = {
        "agreementId": agreement_id,
        "kind": "MEETING",
        "occurredAt": "1998-03-12T09:00:00+07:00",
        "title": "Rapat penjajakan kerja sama",
        **fields,
    }
    if not files:
        return (await api.gql(ADD, {"input": data}))["addChronologyEvent"]
    data["newDocuments"] = [None] * len(files)
    paths = {f"input.newDocuments.{n}": f for n, f in enumerate(files)}
    return (await multipart(api, ADD, {"input": data}, paths))["addChronologyEvent"]


async def stored(api: Api) -> tuple[list[Any], int]:
    rows = await api.database.db.agreements.find(
        {}, {"revision": 1, "chronology": 1, "documents": 1}
    ).to_list()
    return sorted(
        (str(r["_id"]), r["revision"], len(r["chronology"]), len(r["documents"])) for r in rows
    ), await api.count("files.files")


async def test_record_an_old_agreements_history_with_its_documents(api: Api) -> None:
    agreement = await api.agreement(
        signedOn="2001-05-02", startsOn="2001-05-02", endsOn="2031-05-01"
    )
    scan = (await api.uploaded(agreement["id"]))["document"]
    payload = await add(
        api,
        agreement["id"],
        [
            ("notulen.pdf", PDF, "application/pdf"),
            ("daftar-hadir.pdf", PDF + b"%2\n", "application/pdf"),
        ],
        description="Pertemuan pertama dengan mitra di Balai Kota.",
        documentIds=[scan["id"]],
        idempotencyKey="rapat-1998-03-12-balai-kota",
    )
    assert payload["errors"] == []
    event = payload["event"]
    assert (event["kind"], event["title"]) == ("MEETING", "Rapat penjajakan kerja sama")
    assert event["occurredAt"].startswith("1998-03-12T02:00:00")
    assert [d["type"] for d in event["documents"]] == ["SIGNED_KSB", "MINUTES", "MINUTES"]
    assert [d["filename"] for d in event["documents"][1:]] == ["notulen.pdf", "daftar-hadir.pdf"]
    assert len(payload["agreement"]["documents"]) == 3
    assert await api.count("files.files", {"metadata.attached": True}) == 3
    # The history reads by when things happened: the 1998 meeting comes before the recording.
    nodes = (await api.gql(CHRONOLOGY, {"id": agreement["id"]}))["node"]["chronology"]["nodes"]
    assert [n["kind"] for n in nodes] == ["DOCUMENT_ADDED", "CREATED", "MEETING"]
    assert (await api.gql(VERIFY, {"id": agreement["id"]}))["verifyChronology"] == {
        "intact": True,
        "checkedEvents": 3,
        "firstBrokenEventId": None,
        "problem": None,
    }


async def test_a_time_without_offset_is_bogor_time(api: Api) -> None:
    agreement = await api.agreement()
    payload = await add(
        api, agreement["id"], occurredAt="2010-07-01T08:30:00", kind="NOTE", title="Catatan"
    )
    assert payload["event"]["occurredAt"].startswith("2010-07-01T01:30:00")


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"kind": "SIGNED"}, "kind", "INVALID"),
        ({"kind": "EVALUATED"}, "kind", "INVALID"),
        ({"kind": "CORRECTION"}, "kind", "INVALID"),
        (
            {"occurredAt": (datetime.now(UTC) + timedelta(days=1)).isoformat()},
            "occurredAt",
            "INVALID",
        ),
        ({"occurredAt": "1899-12-31T00:00:00+00:00"}, "occurredAt", "INVALID"),
        ({"title": "  "}, "title", "REQUIRED"),
        (
            {"documentIds": ["RG9jdW1lbnRSZWY6NjUwMDAwMDAwMDAwMDAwMDAwMDAwMDAw"]},
            "documentIds",
            "NOT_FOUND",
        ),
        (
            {"documentIds": ["QWdyZWVtZW50OjY1MDAwMDAwMDAwMDAwMDAwMDAwMDAwMA=="]},
            "documentIds",
            "INVALID_ID",
        ),
        ({"idempotencyKey": "kort"}, "idempotencyKey", "INVALID"),
    ],
)
async def test_bad_events_are_refused_and_change_nothing(
    api: Api, fields: dict[str, Any], field: str, code: str
) -> None:
    agreement = await api.agreement()
    before = await stored(api)
    payload = await add(api, agreement["id"], [("notulen.pdf", PDF, "application/pdf")], **fields)
    assert payload["event"] is None
    assert (payload["errors"][0]["field"], payload["errors"][0]["code"]) == (field, code)
    assert await stored(api) == before


async def test_one_bad_file_stores_none_of_them(api: Api) -> None:
    agreement = await api.agreement()
    before = await stored(api)
    payload = await add(
        api,
        agreement["id"],
        [("notulen.pdf", PDF, "application/pdf"), ("virus.pdf", EXE, "application/pdf")],
    )
    assert payload["errors"] == [
        {
            "field": "newDocuments.1",
            "code": "UNSUPPORTED_FILE_TYPE",
            "message": payload["errors"][0]["message"],
        }
    ]
    assert await stored(api) == before
    assert await api.count("files.chunks") == 0


async def test_who_may_add_history(api: Api) -> None:
    unit, other_unit = await api.org_unit(), await api.org_unit()
    partner = await api.partner()
    agreement = await api.agreement(leadOrgUnitIds=[unit["id"]], partnerIds=[partner["id"]])
    _, officer = await api.user("OFFICER", orgUnitId=unit["id"])
    _, outsider = await api.user("OFFICER", orgUnitId=other_unit["id"])
    _, reviewer = await api.user("REVIEWER")
    _, partner_user = await api.user("PARTNER", partnerId=partner["id"])
    assert (await add(officer, agreement["id"]))["errors"] == []
    assert (await add(outsider, agreement["id"]))["errors"][0]["code"] == "NOT_FOUND"
    before = await stored(api)
    for client, code in (
        (reviewer, "FORBIDDEN"),
        (partner_user, "FORBIDDEN"),
        (api.as_(None), "UNAUTHENTICATED"),
    ):
        body = await client.raw(
            ADD,
            {
                "input": {
                    "agreementId": agreement["id"],
                    "kind": "NOTE",
                    "occurredAt": "2020-01-01T00:00:00Z",
                    "title": "x",
                }
            },
        )
        assert body["errors"][0]["extensions"]["code"] == code
    assert await stored(api) == before


async def test_a_retried_request_records_the_event_once(api: Api) -> None:
    agreement = await api.agreement()
    files = [("surat.pdf", PDF, "application/pdf")]
    first = await add(
        api, agreement["id"], files, kind="CORRESPONDENCE", idempotencyKey="surat-masuk-0001"
    )
    again = await add(
        api, agreement["id"], files, kind="CORRESPONDENCE", idempotencyKey="surat-masuk-0001"
    )
    assert again["errors"] == []
    assert again["event"]["id"] == first["event"]["id"]
    assert again["event"]["documents"] == first["event"]["documents"]
    row = await api.database.db.agreements.find_one({})
    assert row is not None
    assert [e["kind"] for e in row["chronology"]] == ["CREATED", "CORRESPONDENCE"]
    assert await api.count("files.files") == 1
    other = await add(api, agreement["id"], files, kind="NOTE", idempotencyKey="surat-masuk-0001")
    assert other["errors"][0]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert await api.count("files.files") == 1
    # Keys are per user: someone else's identical key is their own request.
    _, officer = await api.user(
        "OFFICER",
        orgUnitId=(await api.gql("{ orgUnits { nodes { id } } }"))["orgUnits"]["nodes"][0]["id"],
    )
    theirs = await add(
        officer, agreement["id"], files, kind="CORRESPONDENCE", idempotencyKey="surat-masuk-0001"
    )
    assert theirs["errors"] == []
    assert theirs["event"]["id"] != first["event"]["id"]


async def correct(api: Api, agreement_id: str, event_id: str, **fields: Any) -> dict[str, Any]:
    data = {
        "agreementId": agreement_id,
        "eventId": event_id,
        "reason": "Salah ketik tanggal",
        **fields,
    }
    return (await api.gql(CORRECT, {"input": data}))["correctChronologyEvent"]


async def test_a_correction_shows_the_corrected_view_and_keeps_both(api: Api) -> None:
    agreement = await api.agreement()
    meeting = (
        await add(api, agreement["id"], occurredAt="2005-02-10T00:00:00Z", title="Rapat koordinasi")
    )["event"]
    fixed = await correct(
        api,
        agreement["id"],
        meeting["id"],
        occurredAt="2005-03-10T00:00:00Z",
        title="Rapat koordinasi tahunan",
    )
    assert fixed["errors"] == []
    event = fixed["event"]
    assert event["corrected"] is True
    assert event["title"] == "Rapat koordinasi tahunan"
    assert event["occurredAt"].startswith("2005-03-10")
    assert event["original"] == {"title": "Rapat koordinasi", "occurredAt": meeting["occurredAt"]}
    assert event["hash"] == meeting["hash"]  # the event itself is untouched
    correction = fixed["correction"]
    assert (correction["kind"], correction["corrects"]) == ("CORRECTION", meeting["id"])
    assert correction["description"] == "Salah ketik tanggal"
    assert correction["correction"]["title"] == "Rapat koordinasi tahunan"
    # A later correction of one value wins; the others stay as corrected before.
    again = await correct(
        api,
        agreement["id"],
        meeting["id"],
        description="Dihadiri kedua pihak.",
        reason="Melengkapi",
    )
    event = again["event"]
    assert (event["title"], event["description"]) == (
        "Rapat koordinasi tahunan",
        "Dihadiri kedua pihak.",
    )
    assert [c["description"] for c in event["correctedBy"]] == ["Salah ketik tanggal", "Melengkapi"]
    assert again["correction"]["correction"] == {
        "title": None,
        "description": "Dihadiri kedua pihak.",
        "occurredAt": None,
    }
    nodes = (await api.gql(CHRONOLOGY, {"id": agreement["id"]}))["node"]["chronology"]["nodes"]
    assert [n["kind"] for n in nodes] == ["CORRECTION", "CORRECTION", "CREATED", "MEETING"]
    assert (await api.gql(VERIFY, {"id": agreement["id"]}))["verifyChronology"]["intact"] is True


async def test_corrections_that_are_refused(api: Api) -> None:
    unit = await api.org_unit()
    agreement = await api.agreement(leadOrgUnitIds=[unit["id"]])
    note = (await add(api, agreement["id"], kind="NOTE", title="Catatan"))["event"]
    nodes = (await api.gql(CHRONOLOGY, {"id": agreement["id"]}))["node"]["chronology"]["nodes"]
    [created_id] = [n["id"] for n in nodes if n["kind"] == "CREATED"]
    fix = (await correct(api, agreement["id"], note["id"], title="Catatan rapat"))["correction"]
    _, officer = await api.user("OFFICER", orgUnitId=unit["id"])
    before = await stored(api)
    cases = [
        (api, {"eventId": "650000000000000000000000"}, "eventId", "NOT_FOUND"),
        (api, {"eventId": "bukan-id"}, "eventId", "INVALID_ID"),
        (api, {"eventId": fix["id"], "title": "x"}, "eventId", "INVALID"),
        (api, {"title": "Catatan rapat"}, "eventId", "INVALID"),  # changes nothing
        (api, {"title": "Lain", "reason": " "}, "reason", "REQUIRED"),
        (
            api,
            {"occurredAt": (datetime.now(UTC) + timedelta(days=2)).isoformat()},
            "occurredAt",
            "INVALID",
        ),
        (api, {"title": "Lain", "revision": 1}, "revision", "CONFLICT"),
    ]
    for client, fields, field, code in cases:
        payload = await correct(
            client, agreement["id"], fields.pop("eventId", note["id"]), **fields
        )
        assert (payload["errors"][0]["field"], payload["errors"][0]["code"]) == (field, code), (
            fields
        )
    # A lead department's officer corrects history entered by hand, not the acts' own events.
    body = await officer.raw(
        CORRECT,
        {
            "input": {
                "agreementId": agreement["id"],
                "eventId": created_id,
                "reason": "x",
                "title": "y",
            }
        },
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await stored(api) == before
    assert (await correct(officer, agreement["id"], note["id"], title="Catatan rapat pleno"))[
        "errors"
    ] == []


async def test_verify_reports_an_event_changed_behind_the_api(api: Api) -> None:
    agreement = await api.agreement()
    await add(api, agreement["id"], kind="NOTE", title="Pertama")
    second = (await add(api, agreement["id"], kind="NOTE", title="Kedua"))["event"]
    await add(api, agreement["id"], kind="NOTE", title="Ketiga")
    collection = api.database.db.agreements
    await collection.update_one({}, {"$set": {"chronology.2.title": "Kedua (diubah diam-diam)"}})
    check = (await api.gql(VERIFY, {"id": agreement["id"]}))["verifyChronology"]
    assert check["intact"] is False
    assert check["firstBrokenEventId"] == second["id"]
    assert check["checkedEvents"] == 3
    assert "changed" in check["problem"]

    # Put it back, then remove an event: the next one's link breaks.
    await collection.update_one({}, {"$set": {"chronology.2.title": "Kedua"}})
    assert (await api.gql(VERIFY, {"id": agreement["id"]}))["verifyChronology"]["intact"] is True
    row = await collection.find_one({})
    assert row is not None
    third_id = str(row["chronology"][3]["id"])
    await collection.update_one({}, {"$pull": {"chronology": {"id": row["chronology"][2]["id"]}}})
    check = (await api.gql(VERIFY, {"id": agreement["id"]}))["verifyChronology"]
    assert (check["intact"], check["firstBrokenEventId"], check["checkedEvents"]) == (
        False,
        third_id,
        3,
    )
    assert "link" in check["problem"]
    # Damage the model would refuse to load is reported too, not a server error.
    await collection.update_one({}, {"$set": {"chronology.0.occurred_at": "kemarin"}})
    check = (await api.gql(VERIFY, {"id": agreement["id"]}))["verifyChronology"]
    assert (check["intact"], check["checkedEvents"]) == (False, 1)


async def test_verify_follows_the_read_rule(api: Api) -> None:
    unit, other = await api.org_unit(), await api.org_unit()
    partner = await api.partner()
    agreement = await api.agreement(leadOrgUnitIds=[unit["id"]], partnerIds=[partner["id"]])
    _, outsider = await api.user("OFFICER", orgUnitId=other["id"])
    _, partner_user = await api.user("PARTNER", partnerId=partner["id"])
    assert (await partner_user.gql(VERIFY, {"id": agreement["id"]}))["verifyChronology"][
        "intact"
    ] is True
    body = await outsider.raw(VERIFY, {"id": agreement["id"]})
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    body = await api.as_(None).raw(VERIFY, {"id": agreement["id"]})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


TIMELINE = """query($filter: TimelineFilter, $first: Int, $after: String, $newest: Boolean) {
  timeline(filter: $filter, first: $first, after: $after, newestFirst: $newest) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { title kind occurredAt agreement { id } } } }"""


async def test_timeline_across_agreements_in_date_order(api: Api) -> None:
    unit_a, unit_b = await api.org_unit(), await api.org_unit()
    ipb, unpak = await api.partner(), await api.partner()
    x = await api.agreement(leadOrgUnitIds=[unit_a["id"]], partnerIds=[ipb["id"]])
    y = await api.agreement(leadOrgUnitIds=[unit_b["id"]], partnerIds=[unpak["id"]])
    for agreement, day, title in [
        (x, "2019-11-05", "x nov"),
        (y, "2019-02-01", "y feb"),
        (x, "2018-12-31", "x 2018"),
        (y, "2019-06-15", "y jun"),
        (x, "2019-06-15", "x jun"),
        (y, "2020-01-01", "y 2020"),
    ]:
        await add(api, agreement["id"], occurredAt=f"{day}T00:00:00Z", title=title)
    moved = (await add(api, x["id"], occurredAt="2021-01-01T00:00:00Z", title="x salah tanggal"))[
        "event"
    ]
    await correct(api, x["id"], moved["id"], occurredAt="2019-01-15T00:00:00Z")

    in_2019 = {"from": "2019-01-01", "to": "2019-12-31", "kinds": ["MEETING"]}
    data = (await api.gql(TIMELINE, {"filter": in_2019}))["timeline"]
    titles = [n["title"] for n in data["nodes"]]
    # Corrected into 2019; on the same day, in the order they were recorded.
    assert titles == ["x salah tanggal", "y feb", "y jun", "x jun", "x nov"]
    assert data["totalCount"] == 5

    # Paged two at a time, the pages add up to the whole, in the same order.
    seen, after = [], None
    while True:
        page = (await api.gql(TIMELINE, {"filter": in_2019, "first": 2, "after": after}))[
            "timeline"
        ]
        seen += [n["title"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == titles
    newest = (await api.gql(TIMELINE, {"filter": in_2019, "newest": True}))["timeline"]
    assert [n["title"] for n in newest["nodes"]] == titles[::-1]

    by_partner = (await api.gql(TIMELINE, {"filter": {**in_2019, "partnerId": unpak["id"]}}))[
        "timeline"
    ]
    assert [n["title"] for n in by_partner["nodes"]] == ["y feb", "y jun"]
    by_unit = (await api.gql(TIMELINE, {"filter": {**in_2019, "orgUnitId": unit_a["id"]}}))[
        "timeline"
    ]
    assert {n["agreement"]["id"] for n in by_unit["nodes"]} == {x["id"]}
    _, officer = await api.user("OFFICER", orgUnitId=unit_b["id"])
    theirs = (await officer.gql(TIMELINE, {"filter": in_2019}))["timeline"]
    assert [n["title"] for n in theirs["nodes"]] == ["y feb", "y jun"]
    body = await api.raw(TIMELINE, {"filter": {"from": "2020-01-01", "to": "2019-01-01"}})
    assert body["errors"][0]["extensions"]["code"] == "INVALID"
    body = await api.raw(TIMELINE, {"after": "rusak"})
    assert body["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"


async def test_history_of_an_active_agreement_with_evaluations_is_intact(api: Api) -> None:
    agreement = await active_agreement(api)
    await add(api, agreement["id"], kind="HANDOVER", title="Serah terima berkas")
    assert (await api.gql(VERIFY, {"id": agreement["id"]}))["verifyChronology"]["intact"] is True
