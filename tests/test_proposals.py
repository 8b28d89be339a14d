"""Proposals (menu 2): the whole story over HTTP, every move and every refusal."""

import asyncio
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from models.chronology import GENESIS_HASH
from resolvers.context import CITY_TIMEZONE
from tests.api import PDF, Api
from tests.files import EXE
from tests.proposals import (
    PROPOSAL,
    READY,
    attach,
    attached,
    cast,
    codes,
    gid,
    member,
    move,
    moved,
    propose,
    raw_id,
    reach,
    ready,
    snapshot,
    stored,
    top_code,
)


async def test_the_whole_story_from_registration_to_a_draft_agreement(api: Api) -> None:
    c = await cast(api)
    anonymous = api.as_(None)
    registered = await anonymous.ok(
        "registerPartner",
        "partner { id name registrationStatus } user { id email role }",
        {
            "name": "Universitas Pakuan",
            "kind": "UNIVERSITY",
            "province": "Jawa Barat",
            "city": "Kota Bogor",
            "contactName": "Dr. Rina Wulandari",
            "email": "kerjasama@unpak.example",
            "password": "Tugu-Kujang-Pakuan-1980",
        },
    )
    partner = registered["partner"]
    assert partner["registrationStatus"] == "UNVERIFIED"
    unpak = await anonymous.signed_in("kerjasama@unpak.example", "Tugu-Kujang-Pakuan-1980")
    me = raw_id(registered["user"]["id"])

    draft = await propose(unpak, **{**READY, "orgUnitId": c.unit["id"]})
    assert draft["status"] == "DRAFT"
    assert draft["trackingCode"] is None
    assert draft["partners"] == [{"id": partner["id"], "name": "Universitas Pakuan"}]
    assert {e["code"] for e in draft["missingForSubmission"]} == {"MISSING_ATTACHMENT"}
    letter = (await attached(unpak, draft["id"], type="REQUEST_LETTER"))["document"]
    tor = (await attached(unpak, draft["id"], type="TOR", title="KAK", filename="kak.pdf"))[
        "document"
    ]

    submitted = await moved(unpak, "submitProposal", draft["id"])
    code = submitted["trackingCode"]
    # A tracking code of its own kind: "PKS" names an agreement form, not a proposal.
    assert code == f"PGJ-{datetime.now(CITY_TIMEZONE).year}-0001"
    assert submitted["status"] == "SUBMITTED"
    assert submitted["editable"] is False
    status = await anonymous.gql(
        "query($c: String!) { proposalStatus(trackingCode: $c) { trackingCode status submittedAt } }",
        {"c": code.lower()},
    )
    assert status["proposalStatus"]["status"] == "SUBMITTED"

    asked = await moved(
        c.admin, "requestProposalRevision", draft["id"], note="Lengkapi rincian anggaran di KAK"
    )
    assert asked["status"] == "REVISION_REQUESTED"
    assert asked["editable"] is True
    await unpak.ok(
        "updateProposal",
        "proposal { id }",
        {"proposalId": draft["id"], "fundingSource": "APBD dan dana mitra"},
    )
    tor2 = (
        await attached(
            unpak, draft["id"], type="TOR", title="KAK (perbaikan)", supersedes_id=tor["id"]
        )
    )["document"]
    assert tor2["version"] == 2
    assert tor2["supersedes"] == {"id": tor["id"]}
    resubmitted = await moved(unpak, "submitProposal", draft["id"])
    assert resubmitted["trackingCode"] == code  # the code stays with the proposal

    await moved(c.admin, "verifyProposal", draft["id"], note="Berkas lengkap")
    await moved(
        c.reviewer,
        "recordProposalReview",
        draft["id"],
        note="Sejalan dengan RPJMD bidang pendidikan",
        recommendation="APPROVE",
    )
    blocked = await c.admin.mutate(
        "approveProposal", "agreement { id }", {"proposalId": draft["id"]}
    )
    assert [(e["field"], e["code"]) for e in blocked["errors"]] == [
        ("partnerIds", "PARTNER_NOT_VERIFIED")
    ]
    await c.admin.ok("verifyPartnerRegistration", "partner { id }", {"partnerId": partner["id"]})
    approved = await c.admin.ok(
        "approveProposal",
        "agreement { id number status title purpose scope form cooperationType fundingSource "
        "partners { id } leadOrgUnits { id } documents { id type title version isCurrent downloadUrl sha256 } "
        "chronology(first: 50) { totalCount nodes { kind title description occurredAt recordedBy { id name } documents { id } } } } "
        + PROPOSAL,
        {"proposalId": draft["id"], "note": "Disetujui untuk disusun naskahnya"},
    )
    proposal, agreement = approved["proposal"], approved["agreement"]
    assert proposal["status"] == "APPROVED"
    assert proposal["agreement"]["id"] == agreement["id"]
    assert agreement["status"] == "DRAFT"
    # The draft takes the next number of the agreement registry, not the tracking code.
    assert agreement["number"] == f"119/001-KS/{datetime.now(CITY_TIMEZONE).year}"
    assert agreement["title"] == "Kerja sama penurunan stunting"
    assert (agreement["purpose"], agreement["scope"]) == (READY["purpose"], READY["scope"])
    assert (agreement["form"], agreement["cooperationType"]) == ("KSB", "KSDPK")
    assert agreement["fundingSource"] == "APBD dan dana mitra"
    assert agreement["partners"] == [{"id": partner["id"]}]
    assert agreement["leadOrgUnits"] == [{"id": c.unit["id"]}]

    # The files are the same stored files, referenced by both records, not copies.
    assert len(agreement["documents"]) == 3
    assert {d["downloadUrl"] for d in agreement["documents"]} == {
        d["downloadUrl"] for d in (letter, tor, tor2)
    }
    assert [d["isCurrent"] for d in agreement["documents"] if d["type"] == "TOR"] == [False, True]
    assert await api.count("files.files") == 3

    # The chronology tells the story, on its real dates, by its real people.
    events = list(reversed(agreement["chronology"]["nodes"]))
    assert [(e["kind"], e["title"]) for e in events] == [
        ("PROPOSED", f"Kerja sama diajukan secara daring ({code})"),
        ("REVIEWED", "Perbaikan pengajuan diminta"),
        ("PROPOSED", "Pengajuan diajukan kembali setelah perbaikan"),
        ("REVIEWED", "Kelengkapan pengajuan diverifikasi Bagian Kerja Sama"),
        ("REVIEWED", "Telaah TKKSD"),
        ("REVIEWED", "Pengajuan kerja sama disetujui"),
        ("CREATED", f"Rancangan kerja sama dibuat dari pengajuan {code}"),
    ]
    actors = [e["recordedBy"]["id"] for e in events]
    assert actors == [
        me,
        c.ids["ADMIN"],
        me,
        c.ids["ADMIN"],
        c.ids["REVIEWER"],
        c.ids["ADMIN"],
        c.ids["ADMIN"],
    ]
    history = proposal["history"]
    assert [e["occurredAt"] for e in events[:6]] == [h["at"] for h in history]
    assert events[1]["description"] == "Lengkapi rincian anggaran di KAK"
    assert len(events[0]["documents"]) == 2  # the letter and the first TOR
    assert len(events[2]["documents"]) == 1  # the revised TOR
    assert events[-1]["description"] == "Usulan jangka waktu 60 bulan."
    saved = await stored(api, "agreements")
    assert str(saved["origin_proposal_id"]) == raw_id(draft["id"])
    previous = GENESIS_HASH
    for item in saved["chronology"]:
        assert item["prev_hash"] == previous
        previous = item["hash"]

    assert [(h["fromStatus"], h["toStatus"]) for h in history] == [
        ("DRAFT", "SUBMITTED"),
        ("SUBMITTED", "REVISION_REQUESTED"),
        ("REVISION_REQUESTED", "SUBMITTED"),
        ("SUBMITTED", "VERIFIED"),
        ("VERIFIED", "IN_REVIEW"),
        ("IN_REVIEW", "APPROVED"),
    ]
    # The partner follows its proposal, reaches the agreement, downloads the files; the
    # TKKSD's internal notes are not shown to it.
    mine = await unpak.gql(
        "{ myProposals { totalCount nodes { status history { toStatus note recommendation } agreement { id status } } } }"
    )
    [own] = mine["myProposals"]["nodes"]
    assert own["agreement"] == {"id": agreement["id"], "status": "DRAFT"}
    review = next(h for h in own["history"] if h["toStatus"] == "IN_REVIEW")
    assert review == {"toStatus": "IN_REVIEW", "note": "", "recommendation": None}
    assert (await unpak.get(tor2["downloadUrl"])).content == PDF
    status = await anonymous.gql(
        "query($c: String!) { proposalStatus(trackingCode: $c) { status } }", {"c": code}
    )
    assert status["proposalStatus"]["status"] == "APPROVED"

    # Each move told the proposer; the submissions told the cooperation unit.
    rows = await api.database.db.notifications.find({"user_id": {"$exists": True}}).to_list()
    to_partner = [r["title"] for r in rows if str(r["user_id"]) == me]
    assert to_partner == [
        f"Pengajuan {code} diterima",
        f"Pengajuan {code} perlu diperbaiki",
        f"Perbaikan pengajuan {code} diterima",
        f"Pengajuan {code} diverifikasi",
        f"Pengajuan {code} sedang ditelaah TKKSD",
        "Pendaftaran mitra diverifikasi",
        f"Pengajuan {code} disetujui",
    ]
    to_admin = [r["title"] for r in rows if str(r["user_id"]) == c.ids["ADMIN"]]
    assert to_admin == [
        "Pendaftaran mitra baru: Universitas Pakuan",
        f"Pengajuan baru {code}",
        f"Perbaikan pengajuan {code} masuk",
    ]
    assert {r["email_status"] for r in rows} == {"PENDING"}


# What each move needs: the role that makes it, the states it starts from, its input.
MOVES: dict[str, tuple[str, set[str], dict[str, Any]]] = {
    "submitProposal": ("PARTNER", {"DRAFT", "REVISION_REQUESTED"}, {}),
    "withdrawProposal": ("PARTNER", {"DRAFT", "SUBMITTED", "REVISION_REQUESTED"}, {}),
    "verifyProposal": ("ADMIN", {"SUBMITTED"}, {}),
    "requestProposalRevision": (
        "ADMIN",
        {"SUBMITTED", "VERIFIED", "IN_REVIEW"},
        {"note": "Perbaiki ruang lingkup"},
    ),
    "recordProposalReview": (
        "REVIEWER",
        {"VERIFIED", "IN_REVIEW"},
        {"note": "Perlu kajian anggaran", "recommendation": "REVISE"},
    ),
    "approveProposal": ("ADMIN", {"IN_REVIEW"}, {}),
    "rejectProposal": (
        "ADMIN",
        {"SUBMITTED", "VERIFIED", "IN_REVIEW"},
        {"reason": "Di luar kewenangan"},
    ),
}
STATUSES = [
    "DRAFT",
    "SUBMITTED",
    "VERIFIED",
    "IN_REVIEW",
    "REVISION_REQUESTED",
    "APPROVED",
    "REJECTED",
    "WITHDRAWN",
]
TARGET = {
    "submitProposal": "SUBMITTED",
    "withdrawProposal": "WITHDRAWN",
    "verifyProposal": "VERIFIED",
    "requestProposalRevision": "REVISION_REQUESTED",
    "recordProposalReview": "IN_REVIEW",
    "approveProposal": "APPROVED",
    "rejectProposal": "REJECTED",
}


# Paths through the life cycle that together make every allowed move from every state it
# may start from: (who, move, input, the status after it).
REVISE: dict[str, Any] = {"note": "Lengkapi rincian anggaran"}
REVIEW: dict[str, Any] = {"note": "Perlu kajian anggaran", "recommendation": "REVISE"}
PATHS: list[list[tuple[str, str, dict[str, Any], str]]] = [
    [
        ("PARTNER", "submitProposal", {}, "SUBMITTED"),
        ("ADMIN", "requestProposalRevision", REVISE, "REVISION_REQUESTED"),
        ("PARTNER", "submitProposal", {}, "SUBMITTED"),
        ("ADMIN", "verifyProposal", {"note": "Lengkap"}, "VERIFIED"),
        ("REVIEWER", "recordProposalReview", REVIEW, "IN_REVIEW"),
        ("REVIEWER", "recordProposalReview", {**REVIEW, "recommendation": "REJECT"}, "IN_REVIEW"),
        ("REVIEWER", "requestProposalRevision", REVISE, "REVISION_REQUESTED"),
        ("PARTNER", "withdrawProposal", {"note": "Ditunda tahun depan"}, "WITHDRAWN"),
    ],
    [("PARTNER", "withdrawProposal", {}, "WITHDRAWN")],
    [
        ("PARTNER", "submitProposal", {}, "SUBMITTED"),
        ("PARTNER", "withdrawProposal", {}, "WITHDRAWN"),
    ],
    [
        ("PARTNER", "submitProposal", {}, "SUBMITTED"),
        ("ADMIN", "rejectProposal", {"reason": "Di luar kewenangan"}, "REJECTED"),
    ],
    [
        ("PARTNER", "submitProposal", {}, "SUBMITTED"),
        ("ADMIN", "verifyProposal", {}, "VERIFIED"),
        ("ADMIN", "requestProposalRevision", REVISE, "REVISION_REQUESTED"),
        ("PARTNER", "submitProposal", {}, "SUBMITTED"),
        ("ADMIN", "verifyProposal", {}, "VERIFIED"),
        ("ADMIN", "rejectProposal", {"reason": "Tumpang tindih"}, "REJECTED"),
    ],
    [
        ("PARTNER", "submitProposal", {}, "SUBMITTED"),
        ("ADMIN", "verifyProposal", {}, "VERIFIED"),
        ("REVIEWER", "recordProposalReview", REVIEW, "IN_REVIEW"),
        ("ADMIN", "rejectProposal", {"reason": "Tidak layak"}, "REJECTED"),
    ],
    [
        ("PARTNER", "submitProposal", {}, "SUBMITTED"),
        ("ADMIN", "verifyProposal", {}, "VERIFIED"),
        ("REVIEWER", "recordProposalReview", {**REVIEW, "recommendation": "APPROVE"}, "IN_REVIEW"),
        ("ADMIN", "approveProposal", {"note": "Setuju"}, "APPROVED"),
    ],
]


def test_the_paths_make_every_allowed_move() -> None:
    made = set()
    for path in PATHS:
        status = "DRAFT"
        for _, name, _, target in path:
            made.add((name, status))
            status = target
    assert made == {(name, s) for name, (_, sources, _) in MOVES.items() for s in sources}


async def test_every_move_from_every_state_it_may_start_from(api: Api) -> None:
    c = await cast(api)
    for path in PATHS:
        proposal = await ready(c)
        for role, name, extra, target in path:
            result = await moved(c.client(role), name, proposal["id"], **extra)
            assert result["status"] == target, (name, proposal["status"])
            # The move and its history entry were one write.
            assert result["revision"] == proposal["revision"] + 1, name
            assert len(result["history"]) == len(proposal["history"]) + 1
            entry = result["history"][-1]
            assert (entry["fromStatus"], entry["toStatus"]) == (proposal["status"], target)
            assert entry["actor"]["id"] == c.ids[role]
            assert entry["note"] == extra.get("note", extra.get("reason", ""))
            if name == "recordProposalReview" and role != "PARTNER":
                assert entry["recommendation"] == extra["recommendation"]
            if target == proposal["status"]:  # a further review: still the same status
                assert result["statusChangedAt"] == proposal["statusChangedAt"]
            else:
                assert result["statusChangedAt"] == entry["at"]
            proposal = result


async def test_no_move_from_a_state_it_may_not_start_from(api: Api) -> None:
    c = await cast(api)
    proposals = {status: await reach(c, status) for status in STATUSES}
    for name, (role, sources, extra) in MOVES.items():
        before = await snapshot(api)
        for status, proposal in proposals.items():
            if status in sources:
                continue
            payload = await move(c.client(role), name, proposal["id"], **extra)
            never_submitted = status == "DRAFT" or (
                status == "WITHDRAWN" and proposal["submittedAt"] is None
            )
            if role != "PARTNER" and never_submitted:
                # A draft is the proposer's own: the queue does not see it at all.
                assert codes(payload) == [("proposalId", "NOT_FOUND")], (name, status)
            else:
                assert codes(payload) == [("status", "INVALID_TRANSITION")], (name, status)
            assert payload["proposal"] is None
        assert await snapshot(api) == before, name  # none of the refused moves wrote
    # Only DRAFT and REVISION_REQUESTED proposals can be edited or take files.
    before = await snapshot(api)
    for status, proposal in proposals.items():
        if status in {"DRAFT", "REVISION_REQUESTED"}:
            continue
        edit = await c.partner.mutate(
            "updateProposal", "proposal { id }", {"proposalId": proposal["id"], "scope": "Baru"}
        )
        assert codes(edit) == [("status", "NOT_EDITABLE")], status
        upload = (await attach(c.partner, proposal["id"], type="OTHER")).json()
        assert codes(upload["data"]["uploadProposalAttachment"]) == [("status", "NOT_EDITABLE")]
    assert await snapshot(api) == before


async def test_submitting_twice_and_approving_a_withdrawn_proposal_are_refused(api: Api) -> None:
    c = await cast(api)
    submitted = await reach(c, "SUBMITTED")
    again = await move(c.partner, "submitProposal", submitted["id"])
    assert codes(again) == [("status", "INVALID_TRANSITION")]
    withdrawn = await moved(c.partner, "withdrawProposal", submitted["id"], note="Ditunda")
    assert withdrawn["status"] == "WITHDRAWN"
    before = await snapshot(api)
    approve = await move(c.admin, "approveProposal", withdrawn["id"])
    assert codes(approve) == [("status", "INVALID_TRANSITION")]
    assert await snapshot(api) == before
    assert await api.count("agreements") == 0


# Who else tries each move (on a proposal of partner p1, in a state the move starts from).
INTRUDERS = {
    "ANONYMOUS": "UNAUTHENTICATED",
    "ADMIN": "FORBIDDEN",
    "REVIEWER": "FORBIDDEN",
    "EXECUTIVE": "FORBIDDEN",
    "PARTNER": "FORBIDDEN",
    "OFFICER": "FORBIDDEN",
}
PROPOSER_MOVES: dict[str, tuple[str, dict[str, Any]]] = {
    "submitProposal": ("DRAFT", {}),
    "withdrawProposal": ("DRAFT", {}),
    "updateProposal": ("DRAFT", {"scope": "Lingkup lain"}),
}


async def test_each_move_only_by_its_role_and_a_stranger_sees_nothing(api: Api) -> None:
    c = await cast(api)
    cases: list[tuple[str, str, dict[str, Any], str, str]] = []
    for name, (role, sources, extra) in MOVES.items():
        if role == "PARTNER":
            continue
        allowed = {role} | ({"REVIEWER"} if name == "requestProposalRevision" else set())
        for intruder, code in INTRUDERS.items():
            if intruder not in allowed:
                cases.append((name, min(sources), extra, intruder, code))
    for name, (status, extra) in PROPOSER_MOVES.items():
        for intruder in ("ADMIN", "REVIEWER", "EXECUTIVE"):
            cases.append((name, status, extra, intruder, "FORBIDDEN"))
        cases.append((name, status, extra, "ANONYMOUS", "UNAUTHENTICATED"))
        # Another partner's or a department's user: that proposal does not exist for them.
        for stranger in ("OTHER_PARTNER", "OFFICER"):
            cases.append((name, status, extra, stranger, "NOT_FOUND"))
    ready_for = {s: await reach(c, s) for s in {case[1] for case in cases}}
    before = await snapshot(api)
    for name, status, extra, who, code in cases:
        client = c.client(who)
        body = await client.raw(
            f"mutation($input: {name[0].upper()}{name[1:]}Input!) {{ {name}(input: $input) {{ errors {{ field code }} }} }}",
            {"input": {"proposalId": ready_for[status]["id"], **extra}},
        )
        if code == "NOT_FOUND":
            assert body["data"][name]["errors"] == [{"field": "proposalId", "code": "NOT_FOUND"}]
        else:
            assert top_code(body) == code, (name, who, body)
    assert await snapshot(api) == before  # none of the refused calls wrote anything
    # Uploads follow the proposer rule too, and a refused one stores nothing.
    draft = ready_for["DRAFT"]
    for who, code in [
        ("ANONYMOUS", "UNAUTHENTICATED"),
        ("ADMIN", "FORBIDDEN"),
        ("REVIEWER", "FORBIDDEN"),
    ]:
        body = (await attach(c.client(who), draft["id"], type="OTHER")).json()
        assert top_code(body) == code
    body = (await attach(c.other_partner, draft["id"], type="OTHER")).json()
    assert codes(body["data"]["uploadProposalAttachment"]) == [("proposalId", "NOT_FOUND")]
    assert await api.count("files.files") == 2 * len(ready_for)


async def test_a_read_only_api_token_cannot_propose(api: Api) -> None:
    c = await cast(api)
    _, robot = await member(api, "PARTNER", can_write=False, partner_id=c.p1["id"])
    body = await robot.raw(
        'mutation { createProposal(input: {title: "Lewat skrip"}) { errors { code } } }'
    )
    assert top_code(body) == "FORBIDDEN"
    mine = await robot.gql("{ myProposals { totalCount } }")
    assert mine["myProposals"]["totalCount"] == 0
    assert await api.count("proposals") == 0


async def test_submission_names_everything_missing_and_changes_nothing(api: Api) -> None:
    c = await cast(api)
    draft = await propose(c.partner)
    assert {(e["field"], e["code"]) for e in draft["missingForSubmission"]} == {
        ("purpose", "REQUIRED"),
        ("scope", "REQUIRED"),
        ("cooperationType", "REQUIRED"),
        ("form", "REQUIRED"),
        ("durationMonths", "REQUIRED"),
        ("attachments", "MISSING_ATTACHMENT"),
    }
    before = await snapshot(api)
    refused = await move(c.partner, "submitProposal", draft["id"])
    assert sorted(codes(refused)) == sorted(
        [
            ("purpose", "REQUIRED"),
            ("scope", "REQUIRED"),
            ("cooperationType", "REQUIRED"),
            ("form", "REQUIRED"),
            ("durationMonths", "REQUIRED"),
            ("attachments", "MISSING_ATTACHMENT"),
            ("attachments", "MISSING_ATTACHMENT"),
        ]
    )
    # Indonesian, with the documents' names rather than their codes.
    assert any("Surat permohonan" in e["message"] for e in refused["errors"])
    assert any("Kerangka Acuan Kerja" in e["message"] for e in refused["errors"])
    assert not any("REQUEST_LETTER" in e["message"] for e in refused["errors"])
    assert await snapshot(api) == before
    await c.partner.ok(
        "updateProposal",
        "proposal { id }",
        {"proposalId": draft["id"], **READY},
    )
    await attached(c.partner, draft["id"], type="REQUEST_LETTER")
    only_tor = await move(c.partner, "submitProposal", draft["id"])
    assert codes(only_tor) == [("attachments", "MISSING_ATTACHMENT")]
    assert "Kerangka Acuan Kerja" in only_tor["errors"][0]["message"]
    await attached(c.partner, draft["id"], type="TOR", title="KAK")
    submitted = await moved(c.partner, "submitProposal", draft["id"])
    assert submitted["trackingCode"].endswith("-0001")  # refused tries used no number


async def test_notes_and_reasons_are_required(api: Api) -> None:
    c = await cast(api)
    submitted = await reach(c, "SUBMITTED")
    verified = await reach(c, "VERIFIED")
    before = await snapshot(api)
    for client, name, pid, extra, field in [
        (c.admin, "requestProposalRevision", submitted["id"], {"note": "  "}, "note"),
        (c.admin, "rejectProposal", submitted["id"], {"reason": ""}, "reason"),
        (
            c.reviewer,
            "recordProposalReview",
            verified["id"],
            {"note": " ", "recommendation": "APPROVE"},
            "note",
        ),
    ]:
        payload = await move(client, name, pid, **extra)
        assert codes(payload) == [(field, "REQUIRED")], name
    assert await snapshot(api) == before
    rejected = await moved(
        c.admin, "rejectProposal", submitted["id"], reason=" Anggaran tidak tersedia "
    )
    assert rejected["rejectionReason"] == "Anggaran tidak tersedia"


async def test_editing_drafts_and_attachments(api: Api) -> None:
    c = await cast(api)
    draft = await propose(c.partner, partnerIds=[], durationMonths=24)
    assert draft["partners"] == [{"id": c.p1["id"], "name": "IPB University"}]
    assert draft["proposerPartner"] == {"id": c.p1["id"]}
    edited = await c.partner.ok(
        "updateProposal",
        "proposal { revision title estimatedValue orgUnit { id } partners { id } }",
        {
            "proposalId": draft["id"],
            "revision": draft["revision"],
            "title": "Judul baru",
            "estimatedValue": "250000000",
            "orgUnitId": c.other_unit["id"],
            "partnerIds": [],
        },
    )
    assert edited["proposal"]["title"] == "Judul baru"
    assert edited["proposal"]["estimatedValue"] == "250000000"
    assert edited["proposal"]["orgUnit"] == {"id": c.other_unit["id"]}
    assert edited["proposal"]["partners"] == [{"id": c.p1["id"]}]  # its own partner stays

    before = await snapshot(api)
    cases = [
        ({"revision": draft["revision"], "scope": "x"}, "revision", "CONFLICT"),
        ({"title": "  "}, "title", "REQUIRED"),
        ({"durationMonths": 0}, "durationMonths", "INVALID"),
        ({"estimatedValue": "-1"}, "estimatedValue", "OUT_OF_RANGE"),
        ({"partnerIds": [c.p2["id"]]}, "partnerIds", "NOT_FOUND"),  # not its to name
        ({"orgUnitId": c.p2["id"]}, "orgUnitId", "INVALID_ID"),
    ]
    for change, field, code in cases:
        payload = await c.partner.mutate(
            "updateProposal", "proposal { id }", {"proposalId": draft["id"], **change}
        )
        assert (field, code) in codes(payload), (change, payload)
    assert await snapshot(api) == before

    # An officer proposes for its own department only.
    officer_draft = await propose(c.officer, partnerIds=[c.p1["id"], c.p2["id"]])
    assert officer_draft["orgUnit"] == {"id": c.unit["id"], "name": "Dinas Kesehatan"}
    assert officer_draft["proposerOrgUnit"] == {"id": c.unit["id"]}
    assert len(officer_draft["partners"]) == 2
    elsewhere = await c.officer.mutate(
        "createProposal", "proposal { id }", {"title": "T", "orgUnitId": c.other_unit["id"]}
    )
    assert codes(elsewhere) == [("orgUnitId", "INVALID")]
    twice = await c.officer.mutate(
        "createProposal", "proposal { id }", {"title": "T", "partnerIds": [c.p1["id"], c.p1["id"]]}
    )
    assert codes(twice) == [("partnerIds", "INVALID")]

    # Attachments: the papers of a proposal, decided from the bytes, versioned.
    letter = (await attached(c.partner, draft["id"], type="REQUEST_LETTER"))["document"]
    files_before = await api.count("files.files")
    refusals: list[tuple[dict[str, Any], str, str]] = [
        ({"type": "SIGNED_KSB"}, "type", "INVALID"),
        ({"type": "EVIDENCE"}, "type", "INVALID"),
        ({"type": "OTHER", "content": EXE, "filename": "a.pdf"}, "file", "UNSUPPORTED_FILE_TYPE"),
        ({"type": "OTHER", "content": b""}, "file", "FILE_EMPTY"),
        ({"type": "TOR", "supersedes_id": letter["id"]}, "type", "INVALID"),
        ({"type": "OTHER", "title": " "}, "title", "REQUIRED"),
    ]
    for kw, field, code in refusals:
        body = (await attach(c.partner, draft["id"], **kw)).json()
        assert codes(body["data"]["uploadProposalAttachment"]) == [(field, code)], kw
    assert await api.count("files.files") == files_before
    second = (
        await attached(c.partner, draft["id"], type="REQUEST_LETTER", supersedes_id=letter["id"])
    )["document"]
    assert (second["version"], second["isCurrent"]) == (2, True)
    stale_version = (
        await attach(c.partner, draft["id"], type="REQUEST_LETTER", supersedes_id=letter["id"])
    ).json()
    assert codes(stale_version["data"]["uploadProposalAttachment"]) == [
        ("supersedesId", "CONFLICT")
    ]
    node = await c.partner.gql(
        "query($id: ID!) { node(id: $id) { ... on ProposalAttachment { version isCurrent supersedes { id } } } }",
        {"id": second["id"]},
    )
    assert node["node"] == {"version": 2, "isCurrent": True, "supersedes": {"id": letter["id"]}}
    assert (
        await c.other_partner.gql("query($id: ID!) { node(id: $id) { id } }", {"id": second["id"]})
    )["node"] is None


async def test_a_retried_attachment_upload_stores_one_file(api: Api) -> None:
    c = await cast(api)
    draft = await propose(c.partner)
    key = "3e9d1c0a-surat-permohonan"
    first = await attached(c.partner, draft["id"], idempotency_key=key)
    files = await api.count("files.files")
    again = await attached(c.partner, draft["id"], idempotency_key=key)
    assert again["document"]["id"] == first["document"]["id"]
    assert again["proposal"]["attachments"] == [{"id": first["document"]["id"]}]
    assert await api.count("files.files") == files
    # The same key with a different request is refused and stores nothing.
    other = (await attach(c.partner, draft["id"], title="Lain", idempotency_key=key)).json()
    assert codes(other["data"]["uploadProposalAttachment"]) == [
        ("idempotencyKey", "IDEMPOTENCY_KEY_REUSED")
    ]
    assert await api.count("files.files") == files
    # Keys are per user: another proposer's same key is a request of its own.
    officer_draft = await propose(c.officer)
    await attached(c.officer, officer_draft["id"], idempotency_key=key)
    assert await api.count("files.files") == files + 1


async def test_attachments_uploaded_at_once_all_land(api: Api) -> None:
    c = await cast(api)
    draft = await propose(c.partner)
    papers = await asyncio.gather(
        attached(c.partner, draft["id"], type="REQUEST_LETTER"),
        attached(c.partner, draft["id"], type="TOR", title="KAK", filename="kak.pdf"),
        attached(c.partner, draft["id"], type="OTHER", title="Profil", filename="profil.pdf"),
    )
    assert len({p["document"]["id"] for p in papers}) == 3
    assert await api.count("files.files") == 3


@pytest.mark.requires("concurrent_transactions")
async def test_a_twin_attachment_upload_stores_nothing(api: Api) -> None:
    """The same request twice at once (a client retrying before the first answer came)."""
    c = await cast(api)
    draft = await propose(c.partner)
    key = "7a1f0c2e-studi-kelayakan"
    twins = await asyncio.gather(
        *(
            attached(c.partner, draft["id"], type="FEASIBILITY_STUDY", idempotency_key=key)
            for _ in range(2)
        )
    )
    assert twins[0]["document"]["id"] == twins[1]["document"]["id"]
    assert await api.count("files.files") == 1


async def test_who_sees_which_proposal(api: Api) -> None:
    c = await cast(api)
    draft = await reach(c, "DRAFT", title="Draf mitra")
    submitted = await reach(c, "SUBMITTED", title="Diajukan mitra")
    officers = await reach(c, "SUBMITTED", proposer="OFFICER", title="Diajukan dinas")
    reviewed = await reach(c, "IN_REVIEW", title="Ditelaah")
    names = {p["id"]: p["title"] for p in (draft, submitted, officers, reviewed)}
    queue = "{ proposals(first: 50) { totalCount nodes { id } } }"
    mine = "{ myProposals(first: 50) { totalCount nodes { id } } }"
    expectations = {
        "ADMIN": ({"Diajukan mitra", "Diajukan dinas", "Ditelaah"}, set()),
        "REVIEWER": ({"Diajukan mitra", "Diajukan dinas", "Ditelaah"}, set()),
        "PARTNER": (None, {"Draf mitra", "Diajukan mitra", "Ditelaah"}),
        "OTHER_PARTNER": (None, set()),
        "OFFICER": (None, {"Diajukan dinas"}),
        "OTHER_OFFICER": (None, set()),
        "EXECUTIVE": (None, set()),
    }
    for role, (in_queue, own) in expectations.items():
        client = c.client(role)
        body = await client.raw(queue)
        if in_queue is None:
            assert top_code(body) == "FORBIDDEN", role
        else:
            assert {names[n["id"]] for n in body["data"]["proposals"]["nodes"]} == in_queue
        listed = (await client.gql(mine))["myProposals"]["nodes"]
        assert {names[n["id"]] for n in listed} == own, role
        for pid, title in names.items():
            found = await client.gql(
                "query($id: ID!) { proposal(id: $id) { id } node(id: $id) { id } }", {"id": pid}
            )
            visible = title in own or (in_queue is not None and title in in_queue)
            assert (found["proposal"] is not None) == visible, (role, title)
            assert (found["node"] is not None) == visible, (role, title)
        # Files: downloadable exactly where the proposal is readable.
        for proposal in (draft, officers):
            url = proposal["attachments"][0]["downloadUrl"]
            readable = names[proposal["id"]] in own or (
                in_queue is not None and names[proposal["id"]] in in_queue
            )
            assert (await client.get(url)).status_code == (200 if readable else 404), (role, url)
    anonymous = c.anonymous
    for query in (queue, mine, f'{{ proposal(id: "{draft["id"]}") {{ id }} }}'):
        assert top_code(await anonymous.raw(query)) == "UNAUTHENTICATED"
    assert (await anonymous.get(draft["attachments"][0]["downloadUrl"])).status_code == 401

    # The public status tells the status and dates, nothing else, and only of a submission.
    public = await anonymous.gql(
        "query($c: String!) { proposalStatus(trackingCode: $c) { trackingCode status submittedAt statusChangedAt } }",
        {"c": reviewed["trackingCode"]},
    )
    assert public["proposalStatus"]["status"] == "IN_REVIEW"
    assert set(public["proposalStatus"]) == {
        "trackingCode",
        "status",
        "submittedAt",
        "statusChangedAt",
    }
    for unknown in ("PGJ-1999-0001", "", "nonsense"):
        found = await anonymous.gql(
            "query($c: String!) { proposalStatus(trackingCode: $c) { status } }", {"c": unknown}
        )
        assert found["proposalStatus"] is None
    fields = await anonymous.gql('{ __type(name: "ProposalStatusReport") { fields { name } } }')
    assert {f["name"] for f in fields["__type"]["fields"]} == {
        "trackingCode",
        "status",
        "submittedAt",
        "statusChangedAt",
    }


async def test_review_notes_are_internal(api: Api) -> None:
    c = await cast(api)
    proposal = await reach(c, "IN_REVIEW")
    query = "query($id: ID!) { proposal(id: $id) { history { toStatus note recommendation actor { name } } } }"
    for role, shown in [("ADMIN", True), ("REVIEWER", True), ("PARTNER", False)]:
        history = (await c.client(role).gql(query, {"id": proposal["id"]}))["proposal"]["history"]
        review = history[-1]
        assert review["toStatus"] == "IN_REVIEW"
        assert (review["note"] == "Selaras dengan prioritas daerah") == shown, role
        assert (review["recommendation"] == "APPROVE") == shown, role
    asked = await moved(c.reviewer, "requestProposalRevision", proposal["id"], note="Lengkapi KAK")
    partner_view = (await c.partner.gql(query, {"id": asked["id"]}))["proposal"]["history"]
    assert partner_view[-1]["note"] == "Lengkapi KAK"  # a revision request is for the proposer


async def test_tracking_codes_never_repeat_under_concurrent_submissions(api: Api) -> None:
    c = await cast(api)
    drafts = [await ready(c, title=f"Pengajuan {n}") for n in range(6)]
    drafts.append(await ready(c, "OFFICER", title="Pengajuan dinas"))
    clients = [c.partner] * 6 + [c.officer]
    results = await asyncio.gather(
        *(
            move(client, "submitProposal", d["id"])
            for client, d in zip(clients, drafts, strict=True)
        )
    )
    assert all(r["errors"] == [] for r in results), results
    year = datetime.now(CITY_TIMEZONE).year
    assert sorted(r["proposal"]["trackingCode"] for r in results) == [
        f"PGJ-{year}-{n:04d}" for n in range(1, 8)
    ]


async def test_the_same_proposal_submitted_twice_at_once_is_submitted_once(api: Api) -> None:
    c = await cast(api)
    draft = await ready(c)
    results = await asyncio.gather(
        move(c.partner, "submitProposal", draft["id"]),
        move(c.partner, "submitProposal", draft["id"]),
    )
    outcomes = sorted(codes(r)[0][1] if r["errors"] else "OK" for r in results)
    assert outcomes[0] in {"CONFLICT", "INVALID_TRANSITION"}, results
    assert outcomes[1] == "OK", results
    saved = await stored(api, "proposals")
    assert [h["to_status"] for h in saved["history"]] == ["SUBMITTED"]


async def test_two_reviewers_at_once_one_wins_the_other_gets_conflict(api: Api) -> None:
    c = await cast(api)
    _, second_reviewer = await member(api, "REVIEWER")
    proposal = await reach(c, "VERIFIED")
    review = {"note": "Telaah", "recommendation": "APPROVE", "revision": proposal["revision"]}
    results = await asyncio.gather(
        move(c.reviewer, "recordProposalReview", proposal["id"], **review),
        move(second_reviewer, "recordProposalReview", proposal["id"], **review),
    )
    assert sorted(codes(r) for r in results) == [[], [("revision", "CONFLICT")]]
    saved = await stored(api, "proposals")
    assert [h["to_status"] for h in saved["history"]][-1:] == ["IN_REVIEW"]
    assert len(saved["history"]) == 3
    # A reviewer acting on what it read is refused the same way, and nothing changes.
    before = await snapshot(api)
    late = await move(c.reviewer, "recordProposalReview", proposal["id"], **review)
    assert codes(late) == [("revision", "CONFLICT")]
    assert await snapshot(api) == before


async def test_approval_rules(api: Api) -> None:
    c = await cast(api)
    # A reviewer may recommend but not approve.
    proposal = await reach(c, "IN_REVIEW")
    before = await snapshot(api)
    body = await c.reviewer.raw(
        "mutation($i: ApproveProposalInput!) { approveProposal(input: $i) { errors { code } } }",
        {"i": {"proposalId": proposal["id"]}},
    )
    assert top_code(body) == "FORBIDDEN"
    # The registry number must be free; a refusal rolls back the agreement too.
    await api.agreement(number="119/TERPAKAI/2026")
    before = await snapshot(api)
    taken = await move(c.admin, "approveProposal", proposal["id"], number="119/TERPAKAI/2026")
    assert codes(taken) == [("number", "DUPLICATE")]
    assert await snapshot(api) == before
    stale = await move(
        c.admin, "approveProposal", proposal["id"], revision=proposal["revision"] - 1
    )
    assert codes(stale) == [("revision", "CONFLICT")]
    assert await snapshot(api) == before

    # A partner's proposal naming no department needs one at approval.
    unled = await reach(c, "IN_REVIEW", orgUnitId=None)
    assert unled["orgUnit"] is None
    before = await snapshot(api)
    missing = await move(c.admin, "approveProposal", unled["id"])
    assert codes(missing) == [("orgUnitId", "REQUIRED")]
    assert await snapshot(api) == before
    led = await c.admin.ok(
        "approveProposal",
        "agreement { number leadOrgUnits { id } } proposal { orgUnit { id } }",
        {"proposalId": unled["id"], "orgUnitId": c.other_unit["id"], "number": "119/77-KS/2026"},
    )
    assert led["agreement"] == {
        "number": "119/77-KS/2026",
        "leadOrgUnits": [{"id": c.other_unit["id"]}],
    }
    assert led["proposal"]["orgUnit"] == {"id": c.other_unit["id"]}

    # A department's proposal: its partners (verified) and the department itself.
    officers = await reach(c, "IN_REVIEW", proposer="OFFICER", partnerIds=[c.p1["id"], c.p2["id"]])
    made = await c.admin.ok(
        "approveProposal",
        "agreement { partners { id } leadOrgUnits { id } documents { type } }",
        {"proposalId": officers["id"]},
    )
    assert made["agreement"]["partners"] == [{"id": c.p1["id"]}, {"id": c.p2["id"]}]
    assert made["agreement"]["leadOrgUnits"] == [{"id": c.unit["id"]}]
    assert sorted(d["type"] for d in made["agreement"]["documents"]) == ["REQUEST_LETTER", "TOR"]
    # The officers of the lead department read the new agreement and its files.
    data = await c.officer.gql("{ agreements { nodes { id documents { downloadUrl } } } }")
    [agreement] = [n for n in data["agreements"]["nodes"] if n["documents"]]
    assert (await c.officer.get(agreement["documents"][0]["downloadUrl"])).status_code == 200


async def test_queue_filters_order_and_age(api: Api) -> None:
    c = await cast(api)
    first = await reach(c, "SUBMITTED", title="Beasiswa mahasiswa Bogor", cooperationType="KSDPK")
    second = await reach(
        c,
        "VERIFIED",
        proposer="OFFICER",
        title="Pengelolaan sampah terpadu",
        cooperationType="KSDD",
        partnerIds=[c.p2["id"]],
    )
    await reach(c, "DRAFT", title="Draf tidak terlihat")
    third = await reach(c, "IN_REVIEW", title="Festival budaya", cooperationType="SINERGI")
    names = {first["id"]: "first", second["id"]: "second", third["id"]: "third"}

    async def listed(**args: object) -> list[str]:
        data = await c.reviewer.gql(
            "query($f: ProposalFilter, $o: ProposalOrder) { proposals(filter: $f, orderBy: $o, first: 50) { totalCount nodes { id ageInStateSeconds ageInStateDays } } }",
            args,
        )
        nodes = data["proposals"]["nodes"]
        assert data["proposals"]["totalCount"] == len(nodes)
        assert all(n["ageInStateSeconds"] >= 0 and n["ageInStateDays"] >= 0 for n in nodes)
        return [names[n["id"]] for n in nodes]

    # By default the longest waiting in its status first.
    assert await listed() == ["first", "second", "third"]
    assert await listed(o={"field": "STATUS_CHANGED_AT", "direction": "DESC"}) == [
        "third",
        "second",
        "first",
    ]
    assert await listed(o={"field": "TRACKING_CODE", "direction": "ASC"}) == [
        "first",
        "second",
        "third",
    ]
    assert await listed(f={"status": ["SUBMITTED", "IN_REVIEW"]}) == ["first", "third"]
    assert await listed(f={"cooperationType": ["KSDD"]}) == ["second"]
    assert await listed(f={"orgUnitId": c.unit["id"]}) == ["first", "second", "third"]
    assert await listed(f={"orgUnitId": c.other_unit["id"]}) == []
    assert await listed(f={"partnerId": c.p2["id"]}) == ["second"]
    assert await listed(f={"text": "sampah"}) == ["second"]
    assert await listed(f={"text": "sampah", "status": ["SUBMITTED"]}) == []
    today = date.today()
    assert await listed(f={"submittedAfter": str(today - timedelta(days=1))}) == [
        "first",
        "second",
        "third",
    ]
    assert await listed(f={"submittedBefore": str(today - timedelta(days=1))}) == []
    assert await listed(f={"submittedAfter": str(today + timedelta(days=2))}) == []
    page = await c.admin.gql(
        "{ proposals(first: 2) { pageInfo { hasNextPage endCursor } nodes { id } } }"
    )
    rest = await c.admin.gql(
        "query($a: String!) { proposals(first: 2, after: $a) { pageInfo { hasNextPage } nodes { id } } }",
        {"a": page["proposals"]["pageInfo"]["endCursor"]},
    )
    assert [names[n["id"]] for n in page["proposals"]["nodes"] + rest["proposals"]["nodes"]] == [
        "first",
        "second",
        "third",
    ]
    assert rest["proposals"]["pageInfo"]["hasNextPage"] is False
    too_many = await c.admin.raw("{ proposals(first: 101) { totalCount } }")
    assert top_code(too_many) == "PAGE_SIZE_EXCEEDED"
    mine = await c.partner.gql("{ myProposals(filter: {status: [DRAFT]}) { nodes { title } } }")
    assert mine["myProposals"]["nodes"] == [{"title": "Draf tidak terlihat"}]


async def test_a_page_of_proposals_costs_a_bounded_number_of_commands(api: Api) -> None:
    c = await cast(api)
    for n in range(6):
        proposer = "OFFICER" if n % 2 else "PARTNER"
        await reach(c, "SUBMITTED", proposer=proposer, title=f"Usulan {n}", partnerIds=[c.p1["id"]])
    query = "query($n: Int!) { proposals(first: $n) { nodes { trackingCode partners { name } orgUnit { name } proposerPartner { name } proposerOrgUnit { name } attachments { title } history { toStatus } agreement { id } } } }"
    counts = {}
    for size in (2, 6):
        api.commands.reset()
        data = await api.gql(query, {"n": size})
        assert len(data["proposals"]["nodes"]) == size
        counts[size] = len(api.commands.data_commands())
    assert counts[6] == counts[2], api.commands.data_commands()


async def test_files_of_proposals_survive_the_orphan_sweep(api: Api) -> None:
    from resolvers.file_holders import holds_file

    c = await cast(api)
    draft = await ready(c)
    store = api.database.files
    # As if the process had died between storing the file and marking it attached.
    await api.database.db["files.files"].update_many({}, {"$set": {"metadata.attached": False}})
    assert await store.sweep_unattached(timedelta(0), holds_file) == 0
    assert await api.count("files.files", {"metadata.attached": True}) == 2
    for attachment in draft["attachments"]:
        assert (await c.partner.get(attachment["downloadUrl"])).status_code == 200


async def test_notifications_reach_the_right_people(api: Api) -> None:
    c = await cast(api)
    colleague, _ = await member(api, "OFFICER", org_unit_id=c.unit["id"])
    retired, _ = await member(api, "OFFICER", org_unit_id=c.unit["id"])
    retired_admin, _ = await member(api, "ADMIN")
    for user_id in (retired, retired_admin):
        await api.ok("updateUser", "user { id }", {"id": gid("User", user_id), "active": False})
    proposal = await reach(c, "VERIFIED", proposer="OFFICER")
    rows = await api.database.db.notifications.find({}).to_list()
    by_user: dict[str, list[str]] = {}
    for row in rows:
        by_user.setdefault(str(row["user_id"]), []).append(row["kind"])
        assert row["email_status"] == "PENDING"
        assert row["subject_id"] == proposal["id"]
    officers = {c.ids["OFFICER"], colleague}
    assert {u for u, kinds in by_user.items() if "PROPOSAL_STATUS_CHANGED" in kinds} == officers
    assert {u for u, kinds in by_user.items() if "PROPOSAL_SUBMITTED" in kinds} == {c.ids["ADMIN"]}
    assert {u for u, kinds in by_user.items() if "PROPOSAL_READY_FOR_REVIEW" in kinds} == {
        c.ids["REVIEWER"]
    }
    assert retired not in by_user
    assert retired_admin not in by_user
    assert c.ids["PARTNER"] not in by_user
    listed = await c.officer.gql("{ myNotifications { nodes { kind title subjectId } } }")
    assert [n["title"] for n in listed["myNotifications"]["nodes"]] == [
        f"Pengajuan {proposal['trackingCode']} diverifikasi",
        f"Pengajuan {proposal['trackingCode']} diterima",
    ]
