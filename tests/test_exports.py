"""Exports over HTTP: CSV and NDJSON streamed with the API's filters and access rules,
authenticated with an API token."""

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest

from i18n import _, language
from schema.exports import AGREEMENT_HEADER, CHRONOLOGY_HEADER, EVALUATION_HEADER
from settings import Settings
from tests.api import Api
from tests.kept import kept_fixture
from tests.monitoring import active_agreement, create_evaluation, current_period, scores, today


def parse_csv(body: bytes) -> list[dict[str, str]]:
    """Rows keyed by the columns' keys (the CSV's header is for people, in Indonesian)."""
    assert body.startswith("\ufeff".encode())
    reader = csv.reader(io.StringIO(body.decode("utf-8-sig")))
    shown = next(reader)
    with language("id"):
        keys = next(
            [key for key, _title in header]
            for header in (AGREEMENT_HEADER, CHRONOLOGY_HEADER, EVALUATION_HEADER)
            if [_(title) for _key, title in header] == shown
        )
    return [dict(zip(keys, row, strict=True)) for row in reader]


@pytest.fixture
def small_batches(api: Api) -> Iterator[None]:
    settings: Settings = api.client.app.state.settings  # type: ignore[attr-defined]
    size = settings.export_batch_size
    settings.export_batch_size = 2
    yield
    settings.export_batch_size = size


@kept_fixture
async def archive(api: Api) -> dict[str, Any]:
    unit, other_unit = await api.org_unit(name="Dinas Kesehatan"), await api.org_unit()
    partner = await api.partner(name="PT Kimia Farma", kind="STATE_ENTERPRISE")
    second = await api.partner(name="Universitas Pakuan", kind="UNIVERSITY")
    signed = await api.agreement(
        number="119/001-KS/2023",
        title="Layanan kesehatan ibu dan anak",
        partnerIds=[partner["id"], second["id"]],
        leadOrgUnitIds=[unit["id"]],
        signedOn="2023-03-01",
        endsOn="2028-02-28",
        value="2500000.50",
        purpose="Menurunkan angka stunting",
    )
    await api.uploaded(signed["id"])
    await api.ok("activateAgreement", "agreement { id }", {"agreementId": signed["id"]})
    formula = await api.agreement(
        number="119/002-KS/2024",
        title='=HYPERLINK("http://evil.example","klik")',
        cooperationType="KSDD",
        leadOrgUnitIds=[other_unit["id"]],
        scope="-2+3",
    )
    rest = [await api.agreement(leadOrgUnitIds=[other_unit["id"]]) for _ in range(3)]
    return {"unit": unit, "signed": signed, "formula": formula, "rest": rest}


async def analyst_token(api: Api, role: str = "REVIEWER", **fields: Any) -> Api:
    """An analyst signs in and makes an API token for the notebook."""
    _, person = await api.user(role, **fields)
    token = (await person.ok("createApiToken", "token", {"name": "Jupyter"}))["token"]
    return api.as_(token)


async def test_an_analyst_pulls_all_agreements_into_a_spreadsheet(
    api: Api, archive: dict[str, Any]
) -> None:
    notebook = await analyst_token(api)
    response = await notebook.get("/exports/agreements.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith("attachment;")
    assert "agreements.csv" in response.headers["content-disposition"]
    rows = parse_csv(response.content)
    assert len(rows) == 5
    assert [r["number"] for r in rows][:2] == ["119/001-KS/2023", "119/002-KS/2024"]
    signed = rows[0]
    assert signed["id"] == archive["signed"]["id"]
    # Codes read as their labels.
    assert signed["status"] == "Aktif"
    assert signed["partners"] == "PT Kimia Farma; Universitas Pakuan"
    assert signed["partnerKinds"] == "BUMN/BUMD; Perguruan tinggi"
    assert signed["leadOrgUnits"] == "Dinas Kesehatan"
    assert (signed["signedOn"], signed["endsOn"], signed["value"]) == (
        "2023-03-01",
        "2028-02-28",
        "2500000.50",
    )
    assert signed["currentDocuments"] == "1"
    assert signed["purpose"] == "Menurunkan angka stunting"
    # A cell a spreadsheet would run as a formula is quoted.
    assert rows[1]["title"] == '\'=HYPERLINK("http://evil.example","klik")'
    assert rows[1]["scope"] == "'-2+3"


async def test_ndjson_carries_the_nested_record(api: Api, archive: dict[str, Any]) -> None:
    notebook = await analyst_token(api)
    response = await notebook.get("/exports/agreements.ndjson?status=ACTIVE")
    assert response.headers["content-type"] == "application/x-ndjson"
    lines = response.text.splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    api_view = await api.gql(
        "query($id: ID!) { node(id: $id) { ... on Agreement { partners { id } documents { id downloadUrl } } } }",
        {"id": archive["signed"]["id"]},
    )
    assert [p["id"] for p in record["partners"]] == [p["id"] for p in api_view["node"]["partners"]]
    assert [(d["id"], d["downloadUrl"]) for d in record["documents"]] == [
        (d["id"], d["downloadUrl"]) for d in api_view["node"]["documents"]
    ]
    assert record["value"] == "2500000.50"
    assert record["partners"][0] == {
        "id": record["partners"][0]["id"],
        "name": "PT Kimia Farma",
        "kind": "STATE_ENTERPRISE",
    }
    assert "chronology" not in record


async def test_filters_mirror_the_graphql_filter(api: Api, archive: dict[str, Any]) -> None:
    notebook = await analyst_token(api)

    async def numbers(query: str) -> list[str]:
        response = await notebook.get(f"/exports/agreements.csv?{query}")
        assert response.status_code == 200, response.text
        return [r["number"] for r in parse_csv(response.content)]

    assert await numbers("cooperationType=KSDD") == ["119/002-KS/2024"]
    assert len(await numbers("cooperationType=KSDD,KSDPK")) == 5
    assert len(await numbers("status=ACTIVE&status=DRAFT")) == 5
    assert await numbers(f"orgUnitId={archive['unit']['id']}") == ["119/001-KS/2023"]
    assert await numbers("signedYear=2023&endsAfter=2027-01-01") == ["119/001-KS/2023"]
    assert await numbers("text=stunting") == ["119/001-KS/2023"]

    for query, code, field in [
        ("colour=red", "INVALID", "colour"),
        ("status=SIGNED", "INVALID", "status"),
        ("signedYear=dua", "INVALID", "signedYear"),
        ("endsBefore=31-12-2024", "INVALID", "endsBefore"),
        ("orgUnitId=bukan-id", "INVALID_ID", "orgUnitId"),
        (f"orgUnitId={archive['signed']['id']}", "INVALID_ID", "orgUnitId"),
    ]:
        refused = await notebook.get(f"/exports/agreements.csv?{query}")
        assert refused.status_code == 400, query
        assert refused.json()["errors"][0]["extensions"]["code"] == code, query
        assert field in refused.json()["errors"][0]["message"] or code == "INVALID_ID"
    assert (await notebook.get("/exports/proposals.csv")).status_code == 404


async def test_exports_follow_the_access_rules(api: Api, archive: dict[str, Any]) -> None:
    officer = await analyst_token(api, "OFFICER", orgUnitId=archive["unit"]["id"])
    rows = parse_csv((await officer.get("/exports/agreements.csv")).content)
    assert [r["number"] for r in rows] == ["119/001-KS/2023"]

    _, person = await api.user("PARTNER", partnerId=(await api.partner())["id"])
    assert parse_csv((await person.get("/exports/agreements.csv")).content) == []

    anonymous = await api.as_(None).get("/exports/agreements.csv")
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"] == "Bearer"
    assert anonymous.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    bad = await api.as_("skt_000000000000000000000000_nope").get("/exports/chronology.csv")
    assert bad.status_code == 401


async def test_chronology_export_lists_every_event(api: Api, archive: dict[str, Any]) -> None:
    notebook = await analyst_token(api, "EXECUTIVE")
    response = await notebook.get(f"/exports/chronology.csv?orgUnitId={archive['unit']['id']}")
    rows = parse_csv(response.content)
    assert [r["kind"] for r in rows] == ["Dicatat", "Dokumen ditambahkan", "Ditandatangani"] or [
        r["kind"] for r in rows
    ] == ["Ditandatangani", "Dicatat", "Dokumen ditambahkan"]
    assert {r["agreementNumber"] for r in rows} == {"119/001-KS/2023"}
    signed = next(r for r in rows if r["kind"] == "Ditandatangani")
    # Moments in the city's time, with the offset.
    assert signed["recordedAt"].endswith("+07:00")
    assert signed["documentIds"]
    assert signed["hash"]
    assert signed["prevHash"]
    everything = parse_csv((await notebook.get("/exports/chronology.csv")).content)
    stored = await api.database.db.agreements.aggregate(
        [{"$project": {"n": {"$size": "$chronology"}}}]
    )
    assert len(everything) == sum(d["n"] for d in await stored.to_list())


async def test_exports_read_the_archive_in_batches(
    api: Api, archive: dict[str, Any], small_batches: None
) -> None:
    notebook = await analyst_token(api)
    api.commands.reset()
    rows = parse_csv((await notebook.get("/exports/agreements.csv")).content)
    assert len(rows) == 5
    assert len({r["id"] for r in rows}) == 5
    # 5 agreements, 2 per round trip: the first batch and two more from the same cursor.
    assert api.commands.data_commands().count("getMore") == 2


async def test_evaluations_export_for_monitoring_readers(api: Api) -> None:
    unit = await api.org_unit(name="Dinas Kesehatan")
    agreement = await active_agreement(api, leadOrgUnitIds=[unit["id"]], number="119/010-KS/2023")
    other = await active_agreement(api)
    created = await create_evaluation(
        api,
        agreement["id"],
        scores=scores(4),
        recommendation="EXPAND",
        findings="=SUM(A1:A9) kader aktif",
        followUpActions=[
            {"what": "Laporan triwulan", "owner": "Dinkes", "dueOn": today().isoformat()}
        ],
    )
    assert created["errors"] == []
    assert (await create_evaluation(api, other["id"], recommendation="REVISE"))["errors"] == []

    notebook = await analyst_token(api, "EXECUTIVE")
    rows = parse_csv((await notebook.get("/exports/evaluations.csv")).content)
    assert len(rows) == 2
    row = next(r for r in rows if r["agreementNumber"] == "119/010-KS/2023")
    assert row["id"] == created["evaluation"]["id"]
    assert row["agreementId"] == agreement["id"]
    assert (row["period"], row["status"], row["recommendation"]) == (
        current_period().code,
        "Draf",
        "Perluas",
    )
    assert (row["overallScore"], row["GOAL_FIT"], row["REGULAR_REPORTING"]) == ("4.0", "4", "4")
    assert (row["followUpActions"], row["openFollowUpActions"]) == ("1", "1")
    assert row["findings"] == "'=SUM(A1:A9) kader aktif"

    only = await notebook.get(
        f"/exports/evaluations.csv?orgUnitId={unit['id']}&recommendation=EXPAND"
    )
    assert [r["agreementNumber"] for r in parse_csv(only.content)] == ["119/010-KS/2023"]
    none = await notebook.get("/exports/evaluations.csv?evaluationStatus=REVIEWED")
    assert parse_csv(none.content) == []
    assert (await notebook.get("/exports/evaluations.csv?evaluationStatus=DONE")).status_code == 400
    # The evaluation filter belongs to this export only.
    assert (await notebook.get("/exports/agreements.csv?period=2026-S1")).status_code == 400

    officer = await analyst_token(api, "OFFICER", orgUnitId=unit["id"])
    assert len(parse_csv((await officer.get("/exports/evaluations.csv")).content)) == 1
    partner = await analyst_token(api, "PARTNER", partnerId=(await api.partner())["id"])
    refused = await partner.get("/exports/evaluations.csv")
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
