"""The agreement dossier: one streamed ZIP with every version, amendment, evaluation and the
chronology with its hashes, a manifest that matches, and the agreement's access rule."""

import csv
import hashlib
import io
import zipfile
from typing import Any

from tests.api import PDF, Api
from tests.monitoring import active_agreement, create_evaluation, photo, upload_evidence
from tests.test_fixity import flip_a_byte, verify

SIGNED_V2 = PDF + b"%" + b"versi kedua yang ditandatangani " * 50 + b"\n"
ADDENDUM = PDF + b"%adendum pertama\n"


async def agreement_with_everything(api: Api) -> dict[str, Any]:
    partner = await api.partner()
    agreement = await active_agreement(api, partnerIds=[partner["id"]])
    first = (
        await api.gql(
            "query($id: ID!) { node(id: $id) { ... on Agreement { documents { id } } } }",
            {"id": agreement["id"]},
        )
    )["node"]["documents"][0]
    second = await api.uploaded(
        agreement["id"], SIGNED_V2, filename="naskah-v2.pdf", supersedes_id=first["id"]
    )
    addendum = await api.uploaded(
        agreement["id"], ADDENDUM, filename="adendum-1.pdf", type="ADDENDUM", title="Adendum I"
    )
    await api.ok(
        "addAgreementAmendment",
        "agreement { id }",
        {
            "agreementId": agreement["id"],
            "number": "ADD-1/2025",
            "title": "Perubahan ruang lingkup",
            "signedOn": "2025-05-01",
            "documentId": addendum["document"]["id"],
        },
    )
    evaluation = (await create_evaluation(api, agreement["id"]))["evaluation"]
    evidence = await upload_evidence(api, evaluation["id"], photo(), filename="kunjungan.jpg")
    assert evidence["errors"] == []
    return {
        **agreement,
        "partner": partner,
        "second": second["document"],
        "period": evaluation["period"],
    }


async def dossier(api: Api, agreement: dict[str, Any]) -> zipfile.ZipFile:
    data = await api.gql(
        "query($id: ID!) { node(id: $id) { ... on Agreement { dossierUrl } } }",
        {"id": agreement["id"]},
    )
    url = data["node"]["dossierUrl"]
    response = await api.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert "attachment" in response.headers["content-disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.testzip() is None
    return archive


def manifest_matches(archive: zipfile.ZipFile) -> dict[str, str]:
    lines = archive.read("manifest-sha256.txt").decode().splitlines()
    listed = {path: digest for digest, path in (line.split("  ", 1) for line in lines)}
    assert set(listed) == set(archive.namelist()) - {"manifest-sha256.txt"}
    for path, digest in listed.items():
        assert hashlib.sha256(archive.read(path)).hexdigest() == digest, path
    return listed


async def test_dossier_holds_everything_with_a_matching_manifest(api: Api) -> None:
    agreement = await agreement_with_everything(api)
    archive = await dossier(api, agreement)
    names = archive.namelist()
    manifest_matches(archive)

    assert archive.read("documents/current/SIGNED_KSB-v2-naskah-v2.pdf") == SIGNED_V2
    assert archive.read("documents/earlier/SIGNED_KSB-v1-naskah.pdf") == PDF
    assert archive.read("documents/current/ADDENDUM-v1-adendum-1.pdf") == ADDENDUM
    assert b"ADD-1/2025" in archive.read("amendments.json")
    folder = f"evaluations/{agreement['period']}"
    assert f"{folder}/evaluation.json" in names
    assert archive.read(f"{folder}/evidence/kunjungan.jpg") == photo()
    assert archive.read("chronology.pdf").startswith(b"%PDF")

    stored = await api.database.db.agreements.find_one({"number": agreement["number"]})
    assert stored is not None
    rows = list(csv.DictReader(io.StringIO(archive.read("chronology.csv").decode("utf-8-sig"))))
    assert [r["hash"] for r in rows] == [e["hash"] for e in stored["chronology"]]
    assert [r["prev_hash"] for r in rows] == [e["prev_hash"] for e in stored["chronology"]]
    assert "NOT-INCLUDED.txt" not in names


async def test_partners_get_their_own_dossier_without_evaluations(api: Api) -> None:
    agreement = await agreement_with_everything(api)
    _, partner = await api.user("PARTNER", partnerId=agreement["partner"]["id"])
    archive = await dossier(partner, agreement)
    manifest_matches(archive)
    assert "documents/current/SIGNED_KSB-v2-naskah-v2.pdf" in archive.namelist()
    assert not [n for n in archive.namelist() if n.startswith("evaluations/")]


async def test_dossier_is_refused_to_those_who_may_not_read_the_agreement(api: Api) -> None:
    agreement = await agreement_with_everything(api)
    data = await api.gql(
        "query($id: ID!) { node(id: $id) { ... on Agreement { dossierUrl } } }",
        {"id": agreement["id"]},
    )
    url = data["node"]["dossierUrl"]
    other = await api.partner()
    _, outsider = await api.user("PARTNER", partnerId=other["id"])
    refused = await outsider.get(url)
    assert refused.status_code == 404
    assert refused.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    anonymous = await api.as_(None).get(url)
    assert anonymous.status_code == 401
    assert anonymous.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    unit = await api.org_unit()
    _, officer = await api.user("OFFICER", orgUnitId=unit["id"])
    assert (await officer.get(url)).status_code == 404
    assert (await api.get("/dossiers/not-an-id.zip")).status_code == 404
    assert (await api.get("/dossiers/0123456789abcdef01234567.zip")).status_code == 404


async def test_a_corrupt_file_is_left_out_and_named(api: Api) -> None:
    agreement = await agreement_with_everything(api)
    await flip_a_byte(api, agreement["second"]["downloadUrl"])
    await verify(api)
    archive = await dossier(api, agreement)
    manifest_matches(archive)
    assert "documents/current/SIGNED_KSB-v2-naskah-v2.pdf" not in archive.namelist()
    note = archive.read("NOT-INCLUDED.txt").decode()
    assert "documents/current/SIGNED_KSB-v2-naskah-v2.pdf" in note
    assert archive.read("documents/earlier/SIGNED_KSB-v1-naskah.pdf") == PDF
