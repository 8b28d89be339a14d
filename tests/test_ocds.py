"""Open data: the public catalogue as an OCDS record package, checked against the release
schema of the standard.

`tests/data/ocds-release-schema-1.1.2.json` is the Open Contracting Data Standard's release
schema, version 1.1.2, unchanged (sha256 3194a0fd…9e04), as shipped in the test fixtures of
the `ocdskit` 1.7.0 source distribution on PyPI (no PyPI package installs the schema itself,
and the tests may not download it).
"""

import hashlib
import io
import json
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from jsonschema import Draft4Validator, FormatChecker

from tests.api import Api
from tests.kept import kept_fixture

SCHEMA_FILE = Path(__file__).parent / "data" / "ocds-release-schema-1.1.2.json"
SCHEMA_SHA256 = "3194a0fd891206996df97e2ce2593e6a41f1ec8508b733afd2fe1e30d5bd9e04"
PACKAGE_REQUIRED = {"uri", "publisher", "publishedDate", "records", "version"}


def validator() -> Draft4Validator:
    raw = SCHEMA_FILE.read_bytes()
    assert hashlib.sha256(raw).hexdigest() == SCHEMA_SHA256
    checker = FormatChecker()

    # jsonschema checks these formats only with optional packages; RFC 3339 needs a zone.
    @checker.checks("date-time", raises=ValueError)
    def date_time(value: object) -> bool:
        return not isinstance(value, str) or (
            "T" in value and datetime.fromisoformat(value).tzinfo is not None
        )

    @checker.checks("uri")
    def uri(value: object) -> bool:
        return not isinstance(value, str) or bool(urlparse(value).scheme)

    return Draft4Validator(json.loads(raw), format_checker=checker)


def errors_of(release: dict[str, Any]) -> list[str]:
    return [f"{list(e.path)}: {e.message}" for e in validator().iter_errors(release)]


@kept_fixture
async def catalogue(api: Api) -> dict[str, Any]:
    """A PKS under a KSB, amended and renewed; an internal and a draft agreement."""
    partner = await api.partner(name="IPB University", kind="UNIVERSITY")
    unit = await api.org_unit(name="Dinas Pendidikan", shortName="Disdik")
    common = {"partnerIds": [partner["id"]], "leadOrgUnitIds": [unit["id"]], "visibility": "PUBLIC"}

    async def signed(**fields: Any) -> dict[str, Any]:
        made = await api.agreement(**{**common, **fields})
        form = fields.get("form", "KSB")
        await api.uploaded(made["id"], type=f"SIGNED_{form}", title=f"Naskah {form}")
        await api.ok("activateAgreement", "agreement { id }", {"agreementId": made["id"]})
        return made

    ksb = await signed(
        number="KSB/1",
        title="Pendidikan vokasi",
        signedOn="2019-02-01",
        endsOn="2024-01-31",
        field="Pendidikan",
    )
    pks = await signed(
        number="PKS/1",
        title="Magang guru",
        form="PKS",
        parentId=ksb["id"],
        signedOn="2020-03-02",
        endsOn="2023-03-01",
    )
    addendum = await api.uploaded(pks["id"], type="ADDENDUM", title="Adendum I")
    await api.ok(
        "addAgreementAmendment",
        "agreement { id }",
        {
            "agreementId": pks["id"],
            "number": "ADD/1",
            "title": "Perpanjangan jadwal",
            "signedOn": "2021-01-05",
            "documentId": addendum["document"]["id"],
        },
    )
    await api.uploaded(pks["id"], type="MINUTES", title="Notulen rahasia")
    renewal = await api.ok(
        "extendAgreement",
        "successor { id }",
        {
            "agreementId": ksb["id"],
            "number": "KSB/2",
            "signedOn": "2024-02-01",
            "startsOn": "2024-02-01",
            "endsOn": "2029-01-31",
        },
    )
    internal = await signed(
        number="INT/1", visibility="INTERNAL", title="Kerja sama internal", signedOn="2022-01-03"
    )
    draft = await api.agreement(**common, number="DRAFT/1")
    return {
        "ksb": ksb,
        "pks": pks,
        "renewal": renewal["successor"],
        "internal": internal,
        "draft": draft,
    }


async def package(api: Api) -> dict[str, Any]:
    response = await api.as_(None).get("/open-data/ocds.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["access-control-allow-origin"] == "*"
    return response.json()


async def test_open_data_is_a_valid_ocds_record_package(
    api: Api, catalogue: dict[str, Any]
) -> None:
    data = await package(api)
    assert set(data) >= PACKAGE_REQUIRED
    assert data["version"] == "1.1"
    assert data["uri"] == "http://test/open-data/ocds.json"
    assert data["publisher"]["name"].startswith("Pemerintah Kota Bogor")
    ocids = [r["ocid"] for r in data["records"]]
    # The signed public agreements; not the internal one nor the drafts (the new renewal is one).
    assert len(ocids) == 2
    assert all(o.startswith("ocds-213czf-") for o in ocids)
    for record in data["records"]:
        for release in [*record["releases"], record["compiledRelease"]]:
            assert release["ocid"] == record["ocid"]
            assert errors_of(release) == [], release
        ids = [r["id"] for r in record["releases"]]
        assert len(ids) == len(set(ids))


async def test_the_mapping_of_an_amended_pks(api: Api, catalogue: dict[str, Any]) -> None:
    data = await package(api)
    pks = next(r for r in data["records"] if r["compiledRelease"]["contracts"][0]["id"] == "PKS/1")
    stored = await api.database.db.agreements.find_one({"number": "PKS/1"})
    assert stored is not None
    assert len(pks["releases"]) == len(stored["chronology"])
    by_tag = {tuple(r["tag"]): r for r in pks["releases"]}
    signing = by_tag[("award", "contract")]
    assert signing["date"] == "2020-03-02T00:00:00+00:00"
    contract = signing["contracts"][0]
    assert contract["status"] == "active"
    assert contract["dateSigned"] == "2020-03-02T00:00:00+07:00"
    assert [d["documentType"] for d in contract["documents"]] == ["contractSigned"]
    assert signing["awards"][0]["suppliers"] == [
        {"id": signing["parties"][2]["id"], "name": "IPB University"}
    ]
    assert [p["roles"] for p in signing["parties"]] == [
        ["buyer"],
        ["procuringEntity"],
        ["supplier"],
    ]
    assert signing["relatedProcesses"][0]["relationship"] == ["framework"]

    amended = by_tag[("contractAmendment",)]["contracts"][0]
    assert amended["amendments"] == [
        {
            "id": amended["amendments"][0]["id"],
            "date": "2021-01-05T00:00:00+07:00",
            "description": "ADD/1: Perpanjangan jadwal",
        }
    ]
    assert amended["documents"][0]["documentType"] == "contractAnnexe"

    compiled = pks["compiledRelease"]
    assert compiled["tag"] == ["compiled"]
    assert len(compiled["contracts"][0]["amendments"]) == 1
    text = json.dumps(pks)
    # Internal documents, links and texts never leave: no minutes, no file URLs.
    assert "Notulen rahasia" not in text
    assert "/files/" not in text
    assert "url" not in text


async def test_renewals_link_only_to_public_agreements(api: Api, catalogue: dict[str, Any]) -> None:
    await api.uploaded(catalogue["renewal"]["id"])
    await api.ok(
        "activateAgreement", "agreement { id }", {"agreementId": catalogue["renewal"]["id"]}
    )
    data = await package(api)
    renewal = next(
        r for r in data["records"] if r["compiledRelease"]["contracts"][0]["id"] == "KSB/2"
    )
    assert errors_of(renewal["compiledRelease"]) == []
    [link] = renewal["compiledRelease"]["relatedProcesses"]
    original = next(
        r for r in data["records"] if r["compiledRelease"]["contracts"][0]["id"] == "KSB/1"
    )
    assert link == {
        "id": "prior",
        "relationship": ["prior"],
        "scheme": "ocid",
        "identifier": original["ocid"],
    }
    assert original["compiledRelease"]["contracts"][0]["status"] == "terminated"
    # Made internal, the original drops out and so does the link to it.
    await api.ok(
        "updateAgreement",
        "agreement { id }",
        {"id": catalogue["ksb"]["id"], "visibility": "INTERNAL"},
    )
    again = await package(api)
    renewal = next(
        r for r in again["records"] if r["compiledRelease"]["contracts"][0]["id"] == "KSB/2"
    )
    assert "relatedProcesses" not in renewal["compiledRelease"]


async def test_an_empty_catalogue_is_a_valid_empty_package(api: Api) -> None:
    data = await package(api)
    assert data["records"] == []
    assert set(data) >= PACKAGE_REQUIRED
    # Open data: a dashboard on any site may fetch it.
    browser = await api.client.get(
        "/open-data/ocds.json", headers={"Origin": "https://data.example"}
    )
    assert browser.headers["access-control-allow-origin"] == "*"


def test_the_validator_rejects_what_ocds_forbids() -> None:
    """The schema really is applied: a release without its required fields or with a closed
    codelist value outside the list fails."""
    assert errors_of(
        {
            "ocid": "ocds-213czf-1",
            "id": "1",
            "date": "2024-01-01T00:00:00Z",
            "tag": ["signed"],
            "initiationType": "tender",
        }
    )
    assert errors_of(
        {"ocid": "ocds-213czf-1", "id": "1", "tag": ["planning"], "initiationType": "tender"}
    )
    assert errors_of(
        {
            "ocid": "ocds-213czf-1",
            "id": "1",
            "date": "2024-01-01",
            "tag": ["planning"],
            "initiationType": "tender",
        }
    )


@pytest.mark.usefixtures("demo")
async def test_the_demo_archive_as_open_data_and_public_information(api: Api) -> None:
    """The demo data: every release of the open data validates, and the public finds the
    procedures, FAQ and templates (real Word files) it needs."""
    data = await package(api)
    public = await api.as_(None).gql("{ publicAgreements { totalCount } }")
    assert len(data["records"]) == public["publicAgreements"]["totalCount"] >= 10
    schema = validator()
    tags: set[str] = set()
    for record in data["records"]:
        for release in [*record["releases"], record["compiledRelease"]]:
            errors = [e.message for e in schema.iter_errors(release)]
            assert errors == [], (record["ocid"], release["id"], errors)
            tags.update(release["tag"])
    assert {
        "planning",
        "award",
        "contract",
        "contractAmendment",
        "implementation",
        "compiled",
    } <= tags
    assert "EVALUATED" not in json.dumps(data)

    info = await api.as_(None).gql(
        "{ procedures { cooperationType version steps { title } requiredDocuments { title } } faq { totalCount } templates { nodes { title version contentType downloadUrl } } }"
    )
    assert [p["cooperationType"] for p in info["procedures"]] == [
        "KSDD",
        "KSDPK",
        "KSDPL",
        "KSDLL",
        "SINERGI",
    ]
    assert {p["cooperationType"]: p["version"] for p in info["procedures"]}["KSDPK"] == 2
    assert info["faq"]["totalCount"] >= 8
    templates = info["templates"]["nodes"]
    assert len(templates) == 6
    letter = next(t for t in templates if t["title"] == "Surat Permohonan Kerja Sama")
    assert letter["version"] == 2
    word = await api.as_(None).get(letter["downloadUrl"])
    with zipfile.ZipFile(io.BytesIO(word.content)) as archive:
        assert "narahubung" in archive.read("word/document.xml").decode()


async def test_production_refuses_the_example_ocid_prefix(api: Api) -> None:
    state = api.client.app.state  # type: ignore[attr-defined]
    suite_settings = state.settings
    try:
        state.settings = suite_settings.model_copy(update={"environment": "production"})
        refused = await api.client.get("/open-data/ocds.json")
        assert refused.status_code == 503
        assert refused.json()["errors"][0]["extensions"]["code"] == "OCDS_PREFIX_NOT_REGISTERED"
        state.settings = suite_settings.model_copy(
            update={"environment": "production", "ocds_ocid_prefix": "ocds-bogor1"}
        )
        published = await api.client.get("/open-data/ocds.json")
        assert published.status_code == 200
        assert published.json()["license"] == suite_settings.ocds_license
    finally:
        state.settings = suite_settings
    # Outside production the example prefix serves for trying the export out.
    assert (await api.client.get("/open-data/ocds.json")).status_code == 200
