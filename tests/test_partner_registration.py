"""Partner sign-up (anonymous) and the cooperation unit's decision: verify, merge, reject."""

from typing import Any

from bson import ObjectId

from tests.api import Api
from tests.proposals import (
    READY,
    attached,
    cast,
    codes,
    gid,
    moved,
    propose,
    raw_id,
    snapshot,
    stored,
    top_code,
)

PASSWORD = "Tugu-Kujang-Pakuan-1980"
REGISTERED = "partner { id name kind city registrationStatus contacts { name position email phone } } user { id email role displayName }"


def registration(n: int = 1, **fields: Any) -> dict[str, Any]:
    return {
        "name": f"Yayasan Hijau Bogor {n}",
        "kind": "NGO",
        "province": "Jawa Barat",
        "city": "Kota Bogor",
        "contactName": f"Siti Aminah {n}",
        "contactPosition": "Ketua",
        "phone": "0251-8312345",
        "email": f"kontak{n}@hijau.example",
        "password": PASSWORD,
        **fields,
    }


async def register(api: Api, n: int = 1, **fields: Any) -> dict[str, Any]:
    return await api.as_(None).ok("registerPartner", REGISTERED, registration(n, **fields))


async def test_a_registered_partner_signs_in_at_once_and_may_propose(api: Api) -> None:
    await api.partner(name="Mitra Tercatat")
    done = await register(api)
    partner, user = done["partner"], done["user"]
    assert partner["registrationStatus"] == "UNVERIFIED"
    # Contacts are for the city and the partner itself: not for the anonymous request.
    assert partner["contacts"] == []
    assert (user["role"], user["email"], user["displayName"]) == (
        "PARTNER",
        "kontak1@hijau.example",
        "Siti Aminah 1",
    )
    client = await api.as_(None).signed_in("KONTAK1@hijau.example", PASSWORD)
    me = await client.gql(
        "{ viewer { partner { id name registrationStatus contacts { name position email phone } } } }"
    )
    assert me["viewer"]["partner"] == {
        "id": partner["id"],
        "name": "Yayasan Hijau Bogor 1",
        "registrationStatus": "UNVERIFIED",
        "contacts": [
            {
                "name": "Siti Aminah 1",
                "position": "Ketua",
                "email": "kontak1@hijau.example",
                "phone": "0251-8312345",
            }
        ],
    }
    # An unverified partner drafts and submits like any other.
    draft = await propose(client, **READY)
    await attached(client, draft["id"], type="REQUEST_LETTER")
    await attached(client, draft["id"], type="TOR")
    assert (await moved(client, "submitProposal", draft["id"]))["status"] == "SUBMITTED"
    # The cooperation unit hears of the registration and finds it among those waiting.
    admin_id = (await stored(api, "users", {"role": "ADMIN"}))["_id"]
    notice = await stored(api, "notifications", {"kind": "PARTNER_REGISTERED"})
    assert notice["user_id"] == admin_id
    assert notice["subject_id"] == partner["id"]
    waiting = await api.gql(
        "{ partners(filter: {registrationStatus: [UNVERIFIED]}) { nodes { id } } }"
    )
    assert waiting["partners"]["nodes"] == [{"id": partner["id"]}]
    verified = await api.gql(
        "{ partners(filter: {registrationStatus: [VERIFIED]}) { nodes { name } } }"
    )
    assert verified["partners"]["nodes"] == [{"name": "Mitra Tercatat"}]


async def test_bad_registrations_are_refused_with_codes_and_create_nothing(api: Api) -> None:
    await register(api, 1)
    before = await snapshot(api)
    anonymous = api.as_(None)
    cases = [
        ({"password": "password123"}, "password", "WEAK_PASSWORD"),
        ({"password": "Yayasan Hijau Bogor 2"}, "password", "WEAK_PASSWORD"),  # its own name
        ({"email": ""}, "email", "REQUIRED"),
        ({"email": "bukan-email"}, "email", "INVALID"),
        ({"email": "Kontak1@Hijau.example"}, "email", "DUPLICATE"),
        ({"name": "  "}, "name", "REQUIRED"),
        ({"contactName": ""}, "contactName", "REQUIRED"),
    ]
    for change, field, code in cases:
        payload = await anonymous.mutate(
            "registerPartner", "partner { id } user { id }", registration(2, **change)
        )
        assert (payload["partner"], payload["user"]) == (None, None)
        assert (field, code) in codes(payload), (change, payload["errors"])
        assert await snapshot(api) == before, change


async def test_registrations_are_throttled_per_client_address(api: Api) -> None:
    anonymous = api.as_(None)
    free = api.client.app.state.settings.registration_free_per_address  # type: ignore[attr-defined]
    for n in range(free):
        weak = await anonymous.mutate(
            "registerPartner", "partner { id }", registration(n, password="x")
        )
        assert codes(weak) == [("password", "WEAK_PASSWORD")]
    before = await snapshot(api)
    limited = await anonymous.mutate(
        "registerPartner", "partner { id } retryAfterSeconds", registration(99)
    )
    assert codes(limited) == [(None, "RATE_LIMITED")]
    assert limited["retryAfterSeconds"] >= 1
    assert "pendaftaran" in limited["errors"][0]["message"]
    assert await snapshot(api) == before
    # Signing in is throttled on its own count.
    login = await anonymous.login("admin@kotabogor.example", "Kebun-Raya-1817-Bogor")
    assert login["errors"] == []


async def test_verifying_a_registration(api: Api) -> None:
    c = await cast(api)
    done = await register(api)
    partner_id = done["partner"]["id"]
    client = await api.as_(None).signed_in("kontak1@hijau.example", PASSWORD)
    select = "partner { id registrationStatus revision }"
    before = await snapshot(api)
    for who, code in [
        ("ANONYMOUS", "UNAUTHENTICATED"),
        ("REVIEWER", "FORBIDDEN"),
        ("PARTNER", "FORBIDDEN"),
        ("OFFICER", "FORBIDDEN"),
    ]:
        body = await c.client(who).raw(
            "mutation($i: VerifyPartnerRegistrationInput!) { verifyPartnerRegistration(input: $i) { errors { code } } }",
            {"i": {"partnerId": partner_id}},
        )
        assert top_code(body) == code, who
    own = await client.raw(
        "mutation($i: VerifyPartnerRegistrationInput!) { verifyPartnerRegistration(input: $i) { errors { code } } }",
        {"i": {"partnerId": partner_id}},
    )
    assert top_code(own) == "FORBIDDEN"  # nobody verifies itself
    stale = await api.mutate(
        "verifyPartnerRegistration", select, {"partnerId": partner_id, "revision": 7}
    )
    assert codes(stale) == [("revision", "CONFLICT")]
    unknown = await api.mutate(
        "verifyPartnerRegistration",
        select,
        {"partnerId": gid("Partner", "650000000000000000000000")},
    )
    assert codes(unknown) == [("partnerId", "NOT_FOUND")]
    recorded = await api.mutate("verifyPartnerRegistration", select, {"partnerId": c.p1["id"]})
    assert codes(recorded) == [("partnerId", "INVALID_TRANSITION")]  # recorded by an ADMIN
    assert await snapshot(api) == before
    verified = await api.ok("verifyPartnerRegistration", select, {"partnerId": partner_id})
    assert verified["partner"]["registrationStatus"] == "VERIFIED"
    again = await api.mutate("verifyPartnerRegistration", select, {"partnerId": partner_id})
    assert codes(again) == [("partnerId", "INVALID_TRANSITION")]
    notice = await stored(api, "notifications", {"kind": "PARTNER_VERIFIED"})
    assert str(notice["user_id"]) == raw_id(done["user"]["id"])
    assert notice["email_status"] == "PENDING"


async def test_rejecting_a_registration_closes_its_accounts_and_open_proposals(api: Api) -> None:
    done = await register(api)
    partner_id = done["partner"]["id"]
    client = await api.as_(None).signed_in("kontak1@hijau.example", PASSWORD)
    draft = await propose(client, **READY)
    submitted = await propose(client, **READY, title="Diajukan")
    for pid in (submitted["id"],):
        await attached(client, pid, type="REQUEST_LETTER")
        await attached(client, pid, type="TOR")
        await moved(client, "submitProposal", pid)
    select = "partner { registrationStatus rejectionReason }"
    before = await snapshot(api)
    no_reason = await api.mutate(
        "rejectPartnerRegistration", select, {"partnerId": partner_id, "reason": " "}
    )
    assert codes(no_reason) == [("reason", "REQUIRED")]
    assert await snapshot(api) == before
    rejected = await api.ok(
        "rejectPartnerRegistration",
        select,
        {"partnerId": partner_id, "reason": "Organisasi fiktif"},
    )
    assert rejected["partner"] == {
        "registrationStatus": "REJECTED",
        "rejectionReason": "Organisasi fiktif",
    }
    # Its account is closed at once, and cannot sign in again.
    assert top_code(await client.raw("{ myProposals { totalCount } }")) == "UNAUTHENTICATED"
    login = await api.as_(None).login("kontak1@hijau.example", PASSWORD)
    assert login["errors"][0]["code"] == "INVALID_CREDENTIALS"
    statuses = {
        r["title"]: (r["status"], r["rejection_reason"])
        for r in await api.database.db.proposals.find({}).to_list()
    }
    assert statuses == {
        draft["title"]: ("DRAFT", ""),
        "Diajukan": ("REJECTED", "Pendaftaran mitra ditolak: Organisasi fiktif"),
    }
    notice = await stored(api, "notifications", {"kind": "PARTNER_REJECTED"})
    assert "Organisasi fiktif" in notice["body"]
    again = await api.mutate(
        "verifyPartnerRegistration", "partner { id }", {"partnerId": partner_id}
    )
    assert codes(again) == [("partnerId", "INVALID_TRANSITION")]


async def test_merging_a_registration_into_the_partner_on_record(api: Api) -> None:
    c = await cast(api)
    await api.ok(
        "updatePartner",
        "partner { id }",
        {
            "id": c.p1["id"],
            "contacts": [{"name": "Kantor Kerja Sama IPB", "email": "kerjasama@ipb.example"}],
        },
    )
    done = await register(
        api, name="IPB", kind="UNIVERSITY", email="humas@ipb.example", contactName="Humas IPB"
    )
    duplicate = done["partner"]["id"]
    client = await api.as_(None).signed_in("humas@ipb.example", PASSWORD)
    proposal = await propose(client, **READY, orgUnitId=c.unit["id"])
    await attached(client, proposal["id"], type="REQUEST_LETTER")
    await attached(client, proposal["id"], type="TOR")
    await moved(client, "submitProposal", proposal["id"])
    # Recorded in the archive under the registration before anyone noticed the duplicate (data
    # entered before the archive required verified partners: written straight to the store).
    agreement = await api.agreement(partnerIds=[c.p2["id"]])
    await api.database.db.agreements.update_one(
        {"number": agreement["number"]},
        {"$set": {"partner_ids": [ObjectId(raw_id(duplicate)), ObjectId(raw_id(c.p2["id"]))]}},
    )
    other = await register(api, 2)

    select = "partner { id name contacts { name email } }"
    before = await snapshot(api)
    for target, field, code in [
        (other["partner"]["id"], "intoPartnerId", "PARTNER_NOT_VERIFIED"),
        (duplicate, "intoPartnerId", "INVALID"),
    ]:
        refused = await api.mutate(
            "mergePartnerRegistration", select, {"partnerId": duplicate, "intoPartnerId": target}
        )
        assert codes(refused) == [(field, code)]
    recorded = await api.mutate(
        "mergePartnerRegistration", select, {"partnerId": c.p2["id"], "intoPartnerId": c.p1["id"]}
    )
    assert codes(recorded) == [("partnerId", "INVALID_TRANSITION")]
    body = await c.reviewer.raw(
        "mutation($i: MergePartnerRegistrationInput!) { mergePartnerRegistration(input: $i) { errors { code } } }",
        {"i": {"partnerId": duplicate, "intoPartnerId": c.p1["id"]}},
    )
    assert top_code(body) == "FORBIDDEN"
    assert await snapshot(api) == before

    merged = await api.ok(
        "mergePartnerRegistration", select, {"partnerId": duplicate, "intoPartnerId": c.p1["id"]}
    )
    assert merged["partner"] == {
        "id": c.p1["id"],
        "name": "IPB University",
        "contacts": [
            {"name": "Kantor Kerja Sama IPB", "email": "kerjasama@ipb.example"},
            {"name": "Humas IPB", "email": "humas@ipb.example"},
        ],
    }
    gone = await api.gql("query($id: ID!) { node(id: $id) { id } }", {"id": duplicate})
    assert gone["node"] is None
    # The account now acts for the partner kept, with its proposals.
    me = await client.gql(
        "{ viewer { partner { id } } myProposals { nodes { id proposerPartner { id } partners { id } } } }"
    )
    assert me["viewer"]["partner"] == {"id": c.p1["id"]}
    assert me["myProposals"]["nodes"] == [
        {
            "id": proposal["id"],
            "proposerPartner": {"id": c.p1["id"]},
            "partners": [{"id": c.p1["id"]}],
        }
    ]
    # Its colleagues at the partner on record see the proposal too.
    theirs = await c.partner.gql("{ myProposals { nodes { id } } }")
    assert theirs["myProposals"]["nodes"] == [{"id": proposal["id"]}]
    record = await api.gql(
        "query($id: ID!) { node(id: $id) { ... on Agreement { partners { id } chronology(first: 1) { nodes { kind title } } } } }",
        {"id": agreement["id"]},
    )
    assert record["node"]["partners"] == [{"id": c.p1["id"]}, {"id": c.p2["id"]}]
    assert record["node"]["chronology"]["nodes"] == [
        {"kind": "UPDATED", "title": "Data mitra digabungkan"}
    ]
    notice = await stored(api, "notifications", {"kind": "PARTNER_MERGED"})
    assert str(notice["user_id"]) == raw_id(done["user"]["id"])
    again = await api.mutate(
        "mergePartnerRegistration", select, {"partnerId": duplicate, "intoPartnerId": c.p1["id"]}
    )
    assert codes(again) == [("partnerId", "NOT_FOUND")]
