"""Public information (menu 5): versioned procedures, FAQ and templates edited by the
cooperation unit, and the public catalogue and statistics, all readable without signing in."""

import base64
import json
from typing import Any

import httpx
import pytest
from beanie import PydanticObjectId

from resolvers.file_holders import holds_file
from tests.api import PDF, Api
from tests.files import DOCX, EXE

STEPS = [
    {"title": "Surat permohonan", "actor": "Pemohon", "duration": "1 hari"},
    {"title": "Pembahasan TKKSD", "actor": "TKKSD", "duration": "14 hari"},
]
PROCEDURE = """procedure { id cooperationType title summary version revision
  steps { title actor duration } requiredDocuments { title required documentType } }"""
TEMPLATE = """template { id title documentType cooperationTypes published version revision
  filename contentType size sha256 downloadUrl }"""


def top_code(body: dict[str, Any]) -> str | None:
    return body["errors"][0]["extensions"]["code"] if body.get("errors") else None


async def upload_template(
    api: Api,
    content: bytes = DOCX,
    filename: str = "surat-permohonan.docx",
    **fields: Any,
) -> httpx.Response:
    query = (
        "mutation($input: UploadTemplateInput!) { uploadTemplate(input: $input) { "
        + TEMPLATE
        + " errors { field code message } } }"
    )
    operations = {"query": query, "variables": {"input": {**fields, "file": None}}}
    return await api.client.post(
        "/graphql",
        data={
            "operations": json.dumps(operations),
            "map": json.dumps({"0": ["variables.input.file"]}),
        },
        files={"0": (filename, content, "application/octet-stream")},
        headers={**api.headers, "Apollo-Require-Preflight": "1"},
    )


async def uploaded_template(api: Api, content: bytes = DOCX, **fields: Any) -> dict[str, Any]:
    response = await upload_template(api, content, **fields)
    payload = response.json()["data"]["uploadTemplate"]
    assert payload["errors"] == [], payload["errors"]
    return payload["template"]


async def stored(api: Api) -> tuple[int, int, int, int]:
    """Public content and files: what a refused call must leave as it was."""
    return (
        await api.count("procedures"),
        await api.count("faq_entries"),
        await api.count("templates"),
        await api.count("files.files"),
    )


async def test_procedures_are_versioned_and_readable_by_anyone(api: Api) -> None:
    first = await api.ok(
        "updateProcedure",
        PROCEDURE,
        {
            "cooperationType": "KSDD",
            "title": "Kerja sama antardaerah",
            "steps": STEPS,
            "requiredDocuments": [{"title": "Surat permohonan", "documentType": "REQUEST_LETTER"}],
            "note": "Versi awal",
        },
    )
    procedure = first["procedure"]
    assert procedure["version"] == 1
    assert procedure["requiredDocuments"][0] == {
        "title": "Surat permohonan",
        "required": True,
        "documentType": "REQUEST_LETTER",
    }
    second = await api.ok(
        "updateProcedure",
        PROCEDURE,
        {
            "cooperationType": "KSDD",
            "title": "Kerja sama antardaerah (KSDD)",
            "steps": STEPS,
            "revision": procedure["revision"],
            "note": "Judul diperjelas",
        },
    )
    assert second["procedure"]["id"] == procedure["id"]
    assert second["procedure"]["version"] == 2
    # Saving the same content again is no new version.
    same = await api.ok(
        "updateProcedure",
        "procedure { version }",
        {"cooperationType": "KSDD", "title": "Kerja sama antardaerah (KSDD)", "steps": STEPS},
    )
    assert same["procedure"]["version"] == 2

    anonymous = api.as_(None)
    public = await anonymous.gql("{ procedures { cooperationType title version steps { title } } }")
    assert public["procedures"] == [
        {
            "cooperationType": "KSDD",
            "title": "Kerja sama antardaerah (KSDD)",
            "version": 2,
            "steps": [{"title": "Surat permohonan"}, {"title": "Pembahasan TKKSD"}],
        }
    ]
    assert (await anonymous.gql("{ procedures(cooperationType: KSDPK) { id } }"))[
        "procedures"
    ] == []

    history = await api.gql(
        "query($id: ID!) { node(id: $id) { ... on Procedure { history { version title note editedBy { name } } } } }",
        {"id": procedure["id"]},
    )
    versions = history["node"]["history"]
    assert [(v["version"], v["title"], v["note"]) for v in versions] == [
        (2, "Kerja sama antardaerah (KSDD)", "Judul diperjelas"),
        (1, "Kerja sama antardaerah", "Versi awal"),
    ]
    assert versions[0]["editedBy"]["name"] == "Admin Bagian Kerja Sama"
    # The history is the cooperation unit's; the current text is everyone's.
    hidden = await anonymous.raw(
        "query($id: ID!) { node(id: $id) { ... on Procedure { title history { version } } } }",
        {"id": procedure["id"]},
    )
    assert top_code(hidden) == "UNAUTHENTICATED"
    _, reviewer = await api.user("REVIEWER")
    assert top_code(await reviewer.raw("{ procedures { history { version } } }")) == "FORBIDDEN"


async def test_procedure_edits_are_checked_and_refusals_change_nothing(api: Api) -> None:
    created = await api.ok(
        "updateProcedure",
        "procedure { revision }",
        {"cooperationType": "SINERGI", "title": "Sinergi", "steps": STEPS},
    )
    await api.ok(
        "updateProcedure",
        "procedure { revision }",
        {"cooperationType": "SINERGI", "title": "Sinergi pusat", "steps": STEPS},
    )
    before = await api.database.db.procedures.find_one({})
    stale = await api.mutate(
        "updateProcedure",
        "procedure { id }",
        {
            "cooperationType": "SINERGI",
            "title": "Tertimpa?",
            "steps": STEPS,
            "revision": created["procedure"]["revision"],
        },
    )
    assert stale["errors"][0]["code"] == "CONFLICT"
    empty = await api.mutate(
        "updateProcedure",
        "procedure { id }",
        {"cooperationType": "SINERGI", "title": "Tanpa langkah", "steps": []},
    )
    assert (empty["errors"][0]["field"], empty["errors"][0]["code"]) == ("steps", "REQUIRED")
    _, officer = await api.user("OFFICER", orgUnitId=(await api.org_unit())["id"])
    for client, code in ((officer, "FORBIDDEN"), (api.as_(None), "UNAUTHENTICATED")):
        body = await client.raw(
            "mutation($input: UpdateProcedureInput!) { updateProcedure(input: $input) { errors { code } } }",
            {"input": {"cooperationType": "SINERGI", "title": "Bukan milikmu", "steps": STEPS}},
        )
        assert top_code(body) == code
    assert await api.database.db.procedures.find_one({}) == before
    log = await api.gql(
        '{ auditLog(filter: {operation: "updateProcedure"}) { nodes { outcome errorCodes } } }'
    )
    outcomes = [n["outcome"] for n in log["auditLog"]["nodes"]]
    assert outcomes.count("SUCCESS") == 2
    assert {"REFUSED", "FORBIDDEN", "UNAUTHENTICATED"} <= set(outcomes)


async def test_faq_entries_are_versioned_and_withdrawn_not_deleted(api: Api) -> None:
    entries = []
    for position, question in enumerate(["Siapa yang dapat mengajukan?", "Berapa lama prosesnya?"]):
        created = await api.ok(
            "createFaqEntry",
            "faqEntry { id revision version }",
            {
                "question": question,
                "answer": "Lihat prosedur.",
                "category": "Umum",
                "position": position,
            },
        )
        entries.append(created["faqEntry"])
    anonymous = api.as_(None)
    listed = await anonymous.gql("{ faq { totalCount nodes { question position } } }")
    assert [n["question"] for n in listed["faq"]["nodes"]] == [
        "Siapa yang dapat mengajukan?",
        "Berapa lama prosesnya?",
    ]

    withdrawn = await api.ok(
        "updateFaqEntry",
        "faqEntry { published version }",
        {"id": entries[1]["id"], "published": False, "note": "Sudah tidak berlaku"},
    )
    assert withdrawn["faqEntry"] == {"published": False, "version": 2}
    assert (await anonymous.gql("{ faq { totalCount } }"))["faq"]["totalCount"] == 1
    gone = await anonymous.gql("query($id: ID!) { node(id: $id) { id } }", {"id": entries[1]["id"]})
    assert gone["node"] is None
    assert (
        top_code(await anonymous.raw("{ faq(filter: {includeUnpublished: true}) { totalCount } }"))
        == "UNAUTHENTICATED"
    )
    everything = await api.gql(
        "{ faq(filter: {includeUnpublished: true}) { totalCount nodes { published history { version published note } } } }"
    )
    assert everything["faq"]["totalCount"] == 2
    assert everything["faq"]["nodes"][1]["history"] == [
        {"version": 2, "published": False, "note": "Sudah tidak berlaku"},
        {"version": 1, "published": True, "note": ""},
    ]
    assert await api.count("faq_entries") == 2

    missing = await api.mutate(
        "createFaqEntry", "faqEntry { id }", {"question": "Kosong?", "answer": " "}
    )
    assert missing["errors"][0]["field"] == "answer"
    assert await api.count("faq_entries") == 2


async def test_templates_are_versioned_files_anyone_can_download(api: Api) -> None:
    template = await uploaded_template(
        api,
        title="Surat Permohonan Kerja Sama",
        documentType="REQUEST_LETTER",
        cooperationTypes=["KSDPK"],
        note="Format 2024",
    )
    assert template["version"] == 1
    assert template["filename"] == "surat-permohonan.docx"
    assert template["contentType"].endswith("wordprocessingml.document")
    anonymous = api.as_(None)
    first_url = template["downloadUrl"]
    response = await anonymous.get(first_url)
    assert response.status_code == 200
    assert response.content == DOCX

    listed = await anonymous.gql(
        "{ templates(filter: {cooperationType: KSDPK}) { nodes { title downloadUrl } } other: templates(filter: {cooperationType: KSDD}) { totalCount } }"
    )
    assert listed["templates"]["nodes"] == [
        {"title": "Surat Permohonan Kerja Sama", "downloadUrl": first_url}
    ]
    assert listed["other"]["totalCount"] == 0

    renewed = await uploaded_template(
        api, PDF, filename="surat-permohonan.pdf", templateId=template["id"], note="Versi PDF"
    )
    assert renewed["version"] == 2
    assert renewed["title"] == "Surat Permohonan Kerja Sama"
    assert renewed["contentType"] == "application/pdf"
    # The public gets the current file; the earlier one stays stored for the cooperation unit.
    assert (await anonymous.get(renewed["downloadUrl"])).content == PDF
    assert (await anonymous.get(first_url)).status_code == 401
    assert (await api.get(first_url)).content == DOCX
    _, executive = await api.user("EXECUTIVE")
    assert (await executive.get(first_url)).status_code == 404
    history = await api.gql(
        "query($id: ID!) { node(id: $id) { ... on Template { history { version filename note downloadUrl } } } }",
        {"id": template["id"]},
    )
    assert [(v["version"], v["filename"]) for v in history["node"]["history"]] == [
        (2, "surat-permohonan.pdf"),
        (1, "surat-permohonan.docx"),
    ]

    hidden = await api.ok(
        "updateTemplate",
        "template { published version downloadUrl }",
        {"templateId": template["id"], "published": False},
    )
    assert hidden["template"]["version"] == 3
    assert hidden["template"]["downloadUrl"] == renewed["downloadUrl"]
    assert (await anonymous.get(renewed["downloadUrl"])).status_code == 401
    assert (await anonymous.gql("{ templates { totalCount } }"))["templates"]["totalCount"] == 0
    assert (await api.get(renewed["downloadUrl"])).status_code == 200
    # Every version's file is the template's: the sweep of interrupted uploads keeps them.
    for url in (first_url, renewed["downloadUrl"]):
        assert await holds_file(PydanticObjectId(url.rsplit("/", 1)[1]))


@pytest.mark.parametrize(
    ("content", "fields", "code", "field"),
    [
        (DOCX, {"documentType": "TOR"}, "REQUIRED", "title"),
        (DOCX, {"title": "KAK"}, "REQUIRED", "documentType"),
        (EXE, {"title": "KAK", "documentType": "TOR"}, "UNSUPPORTED_FILE_TYPE", "file"),
        (b"", {"title": "KAK", "documentType": "TOR"}, "FILE_EMPTY", "file"),
    ],
)
async def test_refused_template_uploads_leave_nothing(
    api: Api, content: bytes, fields: dict[str, Any], code: str, field: str
) -> None:
    before = await stored(api)
    response = await upload_template(api, content, **fields)
    payload = response.json()["data"]["uploadTemplate"]
    assert payload["template"] is None
    assert (payload["errors"][0]["code"], payload["errors"][0]["field"]) == (code, field)
    assert await stored(api) == before
    assert await api.count("files.chunks") == 0


async def test_a_retried_template_upload_stores_one_file(api: Api) -> None:
    key = "templat-kak-0001"
    first = await uploaded_template(api, title="KAK", documentType="TOR", idempotencyKey=key)
    again = await uploaded_template(api, title="KAK", documentType="TOR", idempotencyKey=key)
    assert again == first
    assert (await api.count("templates"), await api.count("files.files")) == (1, 1)
    # A new file for it under another key is a version; retried, it is still that one.
    new_file = {"templateId": first["id"], "idempotencyKey": "templat-kak-0002"}
    second = await uploaded_template(api, DOCX + b"v2", **new_file)
    assert await uploaded_template(api, DOCX + b"v2", **new_file) == second
    assert second["version"] == 2
    assert await api.count("files.files") == 2
    # The same key with a different request is refused and stores nothing.
    response = await upload_template(api, title="TOR", documentType="TOR", idempotencyKey=key)
    payload = response.json()["data"]["uploadTemplate"]
    assert (payload["template"], payload["errors"][0]["field"], payload["errors"][0]["code"]) == (
        None,
        "idempotencyKey",
        "IDEMPOTENCY_KEY_REUSED",
    )
    assert await api.count("files.files") == 2


async def test_only_the_cooperation_unit_edits_public_content(api: Api) -> None:
    template = await uploaded_template(api, title="KAK", documentType="TOR")
    before = await stored(api)
    token = await api.ok("createApiToken", "token", {"name": "Skrip"})
    read_only = api.as_(token["token"])
    _, partner = await api.user("PARTNER", partnerId=(await api.partner())["id"])
    for client, code in (
        (read_only, "FORBIDDEN"),
        (partner, "FORBIDDEN"),
        (api.as_(None), "UNAUTHENTICATED"),
    ):
        fresh = (await upload_template(client, title="Palsu", documentType="TOR")).json()
        assert top_code(fresh) == code
        again = (await upload_template(client, templateId=template["id"])).json()
        assert top_code(again) == code
        faq = await client.raw(
            'mutation { createFaqEntry(input: {question: "Q?", answer: "A"}) { errors { code } } }'
        )
        assert top_code(faq) == code
    assert await stored(api) == before
    assert await api.count("files.chunks") == 1


PUBLIC_FIELDS = {
    "id",
    "number",
    "title",
    "cooperationType",
    "form",
    "field",
    "signedOn",
    "endsOn",
    "status",
    "partners",
    "leadOrgUnits",
}


async def signed_agreement(api: Api, **fields: Any) -> dict[str, Any]:
    dates = {"signedOn": "2023-05-02", "startsOn": "2023-05-02", "endsOn": "2028-05-01"}
    return await api.active(**{**dates, **fields})


async def test_public_agreement_type_has_only_public_fields(api: Api) -> None:
    data = await api.as_(None).gql(
        '{ __type(name: "PublicAgreement") { fields { name } } party: __type(name: "PublicParty") { fields { name } } unit: __type(name: "PublicOrgUnit") { fields { name } } }'
    )
    assert {f["name"] for f in data["__type"]["fields"]} == PUBLIC_FIELDS
    assert {f["name"] for f in data["party"]["fields"]} == {"name", "kind"}
    assert {f["name"] for f in data["unit"]["fields"]} == {"name", "shortName"}


async def test_public_catalogue_shows_only_signed_public_agreements(api: Api) -> None:
    partner = await api.partner(name="Institut Pertanian Bogor", kind="UNIVERSITY")
    unit = await api.org_unit(name="Dinas Kesehatan", shortName="Dinkes")
    shown = await signed_agreement(
        api,
        visibility="PUBLIC",
        title="Peningkatan layanan kesehatan",
        field="Kesehatan",
        partnerIds=[partner["id"]],
        leadOrgUnitIds=[unit["id"]],
        purpose="Rahasia internal",
        value="1500000000",
    )
    other = await signed_agreement(
        api,
        visibility="PUBLIC",
        cooperationType="KSDD",
        signedOn="2021-01-04",
        startsOn="2021-01-04",
    )
    internal = await signed_agreement(api, visibility="INTERNAL", title="Kerja sama internal")
    draft = await api.agreement(visibility="PUBLIC", title="Masih rancangan")

    anonymous = api.as_(None)
    page = await anonymous.gql(
        "{ publicAgreements { totalCount nodes { id number title field status cooperationType form signedOn endsOn partners { name kind } leadOrgUnits { name shortName } } } }"
    )
    nodes = page["publicAgreements"]["nodes"]
    assert page["publicAgreements"]["totalCount"] == 2
    assert [n["number"] for n in nodes] == [shown["number"], other["number"]]  # newest first
    assert nodes[0] == {
        "id": nodes[0]["id"],
        "number": shown["number"],
        "title": "Peningkatan layanan kesehatan",
        "field": "Kesehatan",
        "status": "ACTIVE",
        "cooperationType": "KSDPK",
        "form": "KSB",
        "signedOn": "2023-05-02",
        "endsOn": "2028-05-01",
        "partners": [{"name": "Institut Pertanian Bogor", "kind": "UNIVERSITY"}],
        "leadOrgUnits": [{"name": "Dinas Kesehatan", "shortName": "Dinkes"}],
    }
    assert "Rahasia" not in json.dumps(page)
    # The listing rows hold what the public sees: a page is one read of them, and none of the
    # agreements.
    api.commands.reset()
    titles = await anonymous.gql("{ publicAgreements { nodes { number title } } }")
    assert [n["title"] for n in titles["publicAgreements"]["nodes"]] == [n["title"] for n in nodes]
    assert api.commands.data_commands() == ["find"]
    internal_field = await anonymous.raw("{ publicAgreements { nodes { purpose } } }")
    assert top_code(internal_field) == "GRAPHQL_VALIDATION_FAILED"

    filtered = await anonymous.gql(
        '{ a: publicAgreements(filter: {cooperationType: [KSDD]}) { nodes { number } } b: publicAgreements(filter: {text: "kesehatan"}) { nodes { number } } c: publicAgreements(filter: {signedYear: 2021}) { nodes { number } } d: publicAgreements(orderBy: {field: NUMBER, direction: ASC}, first: 1) { nodes { number } pageInfo { hasNextPage } } }'
    )
    assert filtered["a"]["nodes"] == [{"number": other["number"]}]
    assert filtered["b"]["nodes"] == [{"number": shown["number"]}]
    assert filtered["c"]["nodes"] == [{"number": other["number"]}]
    assert filtered["d"]["pageInfo"]["hasNextPage"] is True

    # By id: a public agreement is found; the id of anything else finds nothing.
    hidden_ids = [_as_public_id(a["id"]) for a in (internal, draft)]
    by_id = await anonymous.gql(
        "query($ids: [ID!]!) { nodes(ids: $ids) { ... on PublicAgreement { number } } }",
        {"ids": [nodes[0]["id"], *hidden_ids]},
    )
    assert by_id["nodes"] == [{"number": shown["number"]}, None, None]


def _as_public_id(global_id: str) -> str:
    _, raw = base64.b64decode(global_id).decode().split(":")
    return base64.b64encode(f"PublicAgreement:{raw}".encode()).decode()


async def test_public_statistics_count_the_public_catalogue(api: Api) -> None:
    await signed_agreement(api, visibility="PUBLIC", field="Kesehatan")
    await signed_agreement(
        api,
        visibility="PUBLIC",
        field="Kesehatan",
        cooperationType="KSDD",
        signedOn="2021-02-01",
        startsOn="2021-02-01",
    )
    await signed_agreement(api, visibility="PUBLIC", field="Pendidikan")
    await signed_agreement(api, visibility="INTERNAL", field="Pendidikan")
    await api.agreement(visibility="PUBLIC", field="Pendidikan")
    data = await api.as_(None).gql(
        "{ publicStatistics { total byCooperationType { cooperationType count } byField { field count } bySignedYear { year count } byStatus { status count } } }"
    )
    stats = data["publicStatistics"]
    assert stats["total"] == 3
    assert stats["byCooperationType"] == [
        {"cooperationType": "KSDPK", "count": 2},
        {"cooperationType": "KSDD", "count": 1},
    ]
    assert stats["byField"] == [
        {"field": "Kesehatan", "count": 2},
        {"field": "Pendidikan", "count": 1},
    ]
    assert stats["bySignedYear"] == [{"year": 2021, "count": 1}, {"year": 2023, "count": 2}]
    assert stats["byStatus"] == [{"status": "ACTIVE", "count": 3}]
