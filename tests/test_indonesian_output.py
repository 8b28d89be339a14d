"""What people read is Indonesian unless they chose English, and never shows English codes:
notifications and mails in the recipient's language, CSV exports and the PDF briefing with
labels, money and dates the local way."""

import re
import zlib
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum

from i18n import format_day, language
from models.enums import (
    AgreementStatus,
    ChronologyKind,
    DocumentType,
    EvaluationStatus,
    PartnerKind,
    ProposalStatus,
    Recommendation,
)
from tests.api import Api
from tests.monitoring import BOGOR, active_agreement, today
from tests.proposals import cast, move, ready
from tests.test_chronology import add
from tests.test_monitoring import make_world
from tests.test_partner_registration import register

# Codes that are English words (KSB, KSDPK and the like are Indonesian abbreviations).
ENGLISH_CODES: list[type[StrEnum]] = [
    AgreementStatus,
    ChronologyKind,
    DocumentType,
    EvaluationStatus,
    PartnerKind,
    ProposalStatus,
    Recommendation,
]
NOTIFICATIONS = "{ myNotifications(first: 20) { nodes { kind title body } } }"


def english_codes_in(text: str) -> set[str]:
    return {
        member.value
        for enum in ENGLISH_CODES
        for member in enum
        if re.search(rf"(?<![\w-]){re.escape(member.value)}(?![\w-])", text)
    }


def pdf_strings(content: bytes) -> list[str]:
    """The strings a PDF shows, in the order it draws them."""
    return [
        re.sub(r"\\(.)", r"\1", shown)
        for shown in re.findall(r"\(((?:[^()\\]|\\.)*)\)\s*Tj", pdf_text(content))
    ]


def pdf_text(content: bytes) -> str:
    """The text a PDF shows: its (compressed) page streams, decompressed."""
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, re.DOTALL)
    shown = []
    for stream in streams:
        try:
            shown.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            continue
    return "\n".join(shown)


async def test_notifications_follow_the_recipient_not_the_actor(api: Api) -> None:
    # The anonymous registrant asks for English; the cooperation unit reads Indonesian.
    first = await api.as_(None).post(
        {
            "query": "mutation($i: RegisterPartnerInput!) { registerPartner(input: $i) { errors { code } } }",
            "variables": {
                "i": {
                    "name": "Yayasan Hijau Bogor",
                    "kind": "NGO",
                    "province": "Jawa Barat",
                    "city": "Kota Bogor",
                    "contactName": "Siti",
                    "contactPosition": "Ketua",
                    "phone": "0251-8312345",
                    "email": "siti@hijau.example",
                    "password": "Tugu-Kujang-Pakuan-1980",
                }
            },
        },
        {"Accept-Language": "en"},
    )
    assert first.json()["data"]["registerPartner"]["errors"] == []
    [note] = (await api.gql(NOTIFICATIONS))["myNotifications"]["nodes"]
    assert note["title"] == "Pendaftaran mitra baru: Yayasan Hijau Bogor"
    assert "(Organisasi nonpemerintah)" in note["body"]
    assert english_codes_in(note["title"] + note["body"]) == set()

    # The administrator chooses English: what is written for them from now on is English,
    # whatever their client sends.
    chosen = await api.ok("setPreferredLanguage", "user { preferredLanguage }", {"language": "EN"})
    assert chosen["user"] == {"preferredLanguage": "EN"}
    await register(api, 2, kind="UNIVERSITY")
    newest = (await api.gql(NOTIFICATIONS))["myNotifications"]["nodes"][0]
    assert newest["title"] == "New partner registration: Yayasan Hijau Bogor 2"
    assert "(University)" in newest["body"]
    refused = await api.mutate("createOrgUnit", "orgUnit { id }", {"code": "", "name": ""})
    assert "required" in " ".join(e["message"] for e in refused["errors"])
    await api.ok("setPreferredLanguage", "user { preferredLanguage }", {"language": None})
    refused = await api.mutate("createOrgUnit", "orgUnit { id }", {"code": "", "name": ""})
    assert "wajib" in " ".join(e["message"] for e in refused["errors"])


async def test_exports_and_the_briefing_speak_indonesian_with_labels(api: Api) -> None:
    world = await make_world(api)
    csv = (await api.get("/exports/agreements.csv")).content.decode("utf-8-sig")
    header, *rows = csv.splitlines()
    assert header.startswith("ID,Nomor,Judul,Bentuk,Jenis kerja sama,Status")
    assert any(",Aktif," in row for row in rows)
    assert english_codes_in(csv) == set()
    # Moments in the city's time, with the offset.
    assert "+07:00" in csv
    english = (await api.get("/exports/agreements.csv", {"Accept-Language": "en"})).content
    assert english.decode("utf-8-sig").startswith("Id,Number,Title,Form")

    evaluations = (await api.get("/exports/evaluations.csv")).content.decode("utf-8-sig")
    assert "Koordinasi" in evaluations.splitlines()[0]
    assert english_codes_in(evaluations) == set()

    briefing = await api.gql(
        "query($id: ID!) { handoverBriefing(orgUnitId: $id) { downloadUrl } }",
        {"id": world.unit_a["id"]},
    )
    url = briefing["handoverBriefing"]["downloadUrl"]
    text = pdf_text((await api.get(url)).content)
    assert "BAHAN SERAH TERIMA" in text
    assert "Lanjutkan" in text
    assert english_codes_in(text) == set()


async def test_the_briefing_dates_events_by_the_city_clock(api: Api) -> None:
    unit = await api.org_unit()
    agreement = await active_agreement(api, leadOrgUnitIds=[unit["id"]])
    # 01:00 WIB yesterday is 18:00 UTC the day before: the row must say yesterday.
    yesterday = today() - timedelta(days=1)
    early = datetime.combine(yesterday, time(1, 0), tzinfo=BOGOR)
    meeting = await add(
        api, agreement["id"], occurredAt=early.astimezone(UTC).isoformat(), title="Rapat subuh"
    )
    assert meeting["errors"] == []
    briefing = await api.gql(
        "query($id: ID!) { handoverBriefing(orgUnitId: $id) { downloadUrl } }", {"id": unit["id"]}
    )
    shown = pdf_strings((await api.get(briefing["handoverBriefing"]["downloadUrl"])).content)
    row = shown.index("Rapat subuh")
    with language("id"):
        assert format_day(yesterday) in shown[row - 3 : row]
        assert format_day(yesterday - timedelta(days=1)) not in shown[row - 3 : row]


async def test_money_reads_as_rupiah(api: Api) -> None:
    c = await cast(api)
    draft = await ready(c, estimatedValue="250000000")
    assert (await move(c.partner, "submitProposal", draft["id"]))["errors"] == []
    admin = c.client("ADMIN")
    [note] = [
        n
        for n in (await admin.gql(NOTIFICATIONS))["myNotifications"]["nodes"]
        if n["kind"] == "PROPOSAL_SUBMITTED"
    ]
    assert "Rp 250.000.000" in note["body"]
