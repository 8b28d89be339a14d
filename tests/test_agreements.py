"""Recording agreements and moving them through their life cycle, over HTTP."""

from datetime import date, timedelta

from tests.api import Api


async def test_create_agreement_returns_the_nested_graph(api: Api) -> None:
    unit = await api.org_unit(name="Dinas Kesehatan")
    partner = await api.partner(name="IPB University")
    ksb = await api.agreement(
        number="119.2/01-KS/2020",
        title="Kesepakatan Bersama Tri Dharma Perguruan Tinggi",
        partnerIds=[partner["id"]],
        leadOrgUnitIds=[unit["id"]],
        value="1250000000",
        visibility="PUBLIC",
    )
    assert ksb["status"] == "DRAFT"
    assert ksb["partners"] == [{"id": partner["id"], "name": "IPB University"}]
    assert ksb["leadOrgUnits"] == [{"id": unit["id"], "name": "Dinas Kesehatan"}]
    assert ksb["value"] == "1250000000"
    assert ksb["revision"] == 1
    [created] = ksb["chronology"]["nodes"]
    assert created["kind"] == "CREATED"
    assert created["recordedBy"]["id"]

    pks = await api.agreement(form="PKS", parentId=ksb["id"], partnerIds=[partner["id"]])
    assert pks["parent"] == {"id": ksb["id"], "number": "119.2/01-KS/2020"}
    data = await api.gql(
        "query($id: ID!) { node(id: $id) { ... on Agreement { children { id } } } }",
        {"id": ksb["id"]},
    )
    assert data["node"]["children"] == [{"id": pks["id"]}]


async def test_bad_input_is_refused_with_codes_and_changes_nothing(api: Api) -> None:
    partner = await api.partner()
    unit = await api.org_unit()
    pks_parent = await api.agreement(
        form="PKS", partnerIds=[partner["id"]], leadOrgUnitIds=[unit["id"]]
    )
    base = {
        "number": "NEW/1",
        "title": "Kerja sama baru",
        "form": "KSB",
        "cooperationType": "KSDD",
        "partnerIds": [partner["id"]],
        "leadOrgUnitIds": [unit["id"]],
    }
    cases = [
        ({"startsOn": "2025-01-01", "endsOn": "2024-01-01"}, "endsOn", "INVALID"),
        ({"number": pks_parent["number"]}, "number", "DUPLICATE"),
        ({"form": "PKS", "parentId": pks_parent["id"]}, "parentId", "INVALID_PARENT"),
        ({"parentId": pks_parent["id"]}, "parentId", "INVALID_PARENT"),
        ({"title": "   "}, "title", "REQUIRED"),
        ({"partnerIds": []}, "partnerIds", "REQUIRED"),
        ({"partnerIds": [unit["id"]]}, "partnerIds", "INVALID_ID"),
        ({"partnerIds": ["not-an-id"]}, "partnerIds", "INVALID_ID"),
        ({"value": "-5"}, "value", "OUT_OF_RANGE"),
    ]
    before = await api.count("agreements")
    for change, field, code in cases:
        payload = await api.mutate("createAgreement", "agreement { id }", {**base, **change})
        assert payload["agreement"] is None, change
        assert {"field": field, "code": code} in [
            {"field": e["field"], "code": e["code"]} for e in payload["errors"]
        ], (change, payload["errors"])
        assert all(e["message"] for e in payload["errors"])
    assert await api.count("agreements") == before


async def test_unknown_partner_is_not_found(api: Api) -> None:
    unit = await api.org_unit()
    ghost = "UGFydG5lcjo2NTAwMDAwMDAwMDAwMDAwMDAwMDAwMDA="  # Partner:650000000000000000000000
    payload = await api.mutate(
        "createAgreement",
        "agreement { id }",
        {
            "number": "X/1",
            "title": "T",
            "form": "NK",
            "cooperationType": "SINERGI",
            "partnerIds": [ghost],
            "leadOrgUnitIds": [unit["id"]],
        },
    )
    assert payload["errors"][0]["code"] == "NOT_FOUND"
    assert payload["errors"][0]["field"] == "partnerIds"


async def test_life_cycle_draft_active_terminated(api: Api) -> None:
    agreement = await api.agreement(
        signedOn="2024-03-01", startsOn="2024-03-01", endsOn="2029-03-01"
    )
    select = (
        "agreement { status revision chronology(first: 10) { nodes { kind title description } } }"
    )

    missing = await api.mutate("activateAgreement", select, {"agreementId": agreement["id"]})
    assert missing["errors"][0]["code"] == "MISSING_SIGNED_DOCUMENT"

    await api.uploaded(agreement["id"], type="SIGNED_KSB")
    active = await api.ok("activateAgreement", select, {"agreementId": agreement["id"]})
    assert active["agreement"]["status"] == "ACTIVE"

    again = await api.mutate("activateAgreement", select, {"agreementId": agreement["id"]})
    assert again["errors"][0]["code"] == "INVALID_TRANSITION"

    no_reason = await api.mutate(
        "terminateAgreement", select, {"agreementId": agreement["id"], "reason": "  "}
    )
    assert no_reason["errors"][0] == {
        "field": "reason",
        "code": "REQUIRED",
        "message": "alasan wajib diisi untuk mengakhiri kerja sama",
    }
    ended = await api.ok(
        "terminateAgreement",
        select,
        {
            "agreementId": agreement["id"],
            "reason": "Mitra dibubarkan",
            "terminatedOn": "2025-06-30",
        },
    )
    assert ended["agreement"]["status"] == "TERMINATED"
    kinds = [e["kind"] for e in ended["agreement"]["chronology"]["nodes"]]
    # Newest first by when it happened: terminated 2025, signed 2024, then the records of today.
    assert kinds[0] in {"DOCUMENT_ADDED", "CREATED"}
    assert "TERMINATED" in kinds
    assert "SIGNED" in kinds
    assert kinds.index("TERMINATED") < kinds.index("SIGNED")


async def test_activation_needs_the_signed_scan_of_its_own_form(api: Api) -> None:
    agreement = await api.agreement(form="NK", cooperationType="SINERGI", signedOn="2024-01-10")
    await api.uploaded(agreement["id"], type="SIGNED_KSB")
    payload = await api.mutate(
        "activateAgreement", "agreement { status }", {"agreementId": agreement["id"]}
    )
    assert payload["errors"][0]["code"] == "MISSING_SIGNED_DOCUMENT"
    await api.uploaded(agreement["id"], type="SIGNED_NK")
    await api.ok("activateAgreement", "agreement { status }", {"agreementId": agreement["id"]})


async def test_extend_creates_and_links_the_successor(api: Api) -> None:
    original = await api.active(endsOn="2025-01-01", title="Pengelolaan air bersih")
    payload = await api.ok(
        "extendAgreement",
        "agreement { status successor { number } pendingRenewal { number } } "
        "successor { id number title status predecessor { id } }",
        {
            "agreementId": original["id"],
            "number": "RENEW/2025",
            "startsOn": "2025-01-02",
            "endsOn": "2030-01-01",
        },
    )
    # The renewal is only a draft: the original stays in force and shows what is coming.
    assert payload["agreement"] == {
        "status": "ACTIVE",
        "successor": {"number": "RENEW/2025"},
        "pendingRenewal": {"number": "RENEW/2025"},
    }
    renewal = payload["successor"]
    assert renewal == {
        "id": renewal["id"],
        "number": "RENEW/2025",
        "title": "Pengelolaan air bersih",
        "status": "DRAFT",
        "predecessor": {"id": original["id"]},
    }
    twice = await api.mutate(
        "extendAgreement", "agreement { id }", {"agreementId": original["id"], "number": "RENEW/2"}
    )
    assert twice["errors"][0]["code"] == "INVALID_TRANSITION"
    assert await api.count("agreements", {"number": "RENEW/2"}) == 0

    # Activating the renewal is what makes the original EXTENDED, with its history saying so.
    await api.uploaded(renewal["id"])
    await api.activated(renewal["id"], "2025-01-02")
    after = await api.gql(
        "query($id: ID!) { node(id: $id) { ... on Agreement { status pendingRenewal { id } "
        "chronology(first: 1) { nodes { kind } } } } }",
        {"id": original["id"]},
    )
    assert after["node"] == {
        "status": "EXTENDED",
        "pendingRenewal": None,
        "chronology": {"nodes": [{"kind": "EXTENDED"}]},
    }


async def test_extend_links_an_existing_agreement(api: Api) -> None:
    original = await api.active(endsOn="2025-01-01")
    renewal = await api.agreement()
    payload = await api.ok(
        "extendAgreement",
        "agreement { status } successor { id predecessor { id } }",
        {"agreementId": original["id"], "successorId": renewal["id"]},
    )
    assert payload["successor"] == {"id": renewal["id"], "predecessor": {"id": original["id"]}}


async def test_expire_only_after_the_end_date(api: Api) -> None:
    future = await api.active(endsOn=(date.today() + timedelta(days=30)).isoformat())
    early = await api.mutate(
        "expireAgreement", "agreement { status }", {"agreementId": future["id"]}
    )
    assert early["errors"][0]["code"] == "INVALID_TRANSITION"
    past = await api.active(endsOn="2021-01-01")
    done = await api.ok("expireAgreement", "agreement { status }", {"agreementId": past["id"]})
    assert done["agreement"]["status"] == "EXPIRED"


async def test_amendment_with_its_addendum(api: Api) -> None:
    agreement = await api.active(endsOn="2030-01-01")
    addendum = await api.uploaded(agreement["id"], type="ADDENDUM", title="Adendum I")
    payload = await api.ok(
        "addAgreementAmendment",
        "agreement { amendments { number title signedOn document { id } } chronology(first: 1) { nodes { kind } } }",
        {
            "agreementId": agreement["id"],
            "number": "ADD-1/2024",
            "title": "Perubahan ruang lingkup",
            "signedOn": "2024-05-01",
            "documentId": addendum["document"]["id"],
        },
    )
    assert payload["agreement"]["amendments"] == [
        {
            "number": "ADD-1/2024",
            "title": "Perubahan ruang lingkup",
            "signedOn": "2024-05-01",
            "document": {"id": addendum["document"]["id"]},
        }
    ]
    wrong_doc = await api.mutate(
        "addAgreementAmendment",
        "agreement { id }",
        {
            "agreementId": agreement["id"],
            "number": "ADD-2",
            "title": "x",
            "signedOn": "2024-06-01",
            "documentId": agreement["documents"][0]["id"],
        },
    )
    assert wrong_doc["errors"][0]["code"] == "INVALID"


async def test_stale_update_is_a_conflict_and_changes_nothing(api: Api) -> None:
    agreement = await api.agreement(title="Judul awal")
    first = await api.ok(
        "updateAgreement",
        "agreement { title revision }",
        {"id": agreement["id"], "revision": 1, "title": "Judul kedua"},
    )
    assert first["agreement"] == {"title": "Judul kedua", "revision": 2}
    stale = await api.mutate(
        "updateAgreement",
        "agreement { title }",
        {"id": agreement["id"], "revision": 1, "title": "Judul basi"},
    )
    assert stale["agreement"] is None
    assert stale["errors"][0]["code"] == "CONFLICT"
    data = await api.gql(
        "query($id: ID!) { node(id: $id) { ... on Agreement { title revision chronology { totalCount } } } }",
        {"id": agreement["id"]},
    )
    assert data["node"] == {"title": "Judul kedua", "revision": 2, "chronology": {"totalCount": 2}}


async def test_update_records_what_changed(api: Api) -> None:
    agreement = await api.agreement()
    payload = await api.ok(
        "updateAgreement",
        "agreement { endsOn archiveLocation chronology(first: 1) { nodes { kind description } } }",
        {"id": agreement["id"], "endsOn": "2030-12-31", "archiveLocation": "Lemari A-3"},
    )
    assert payload["agreement"]["chronology"]["nodes"][0] == {
        "kind": "UPDATED",
        "description": "archive_location, ends_on",
    }
    cleared = await api.ok(
        "updateAgreement", "agreement { endsOn }", {"id": agreement["id"], "endsOn": None}
    )
    assert cleared["agreement"]["endsOn"] is None


async def test_renewal_cannot_point_back_into_its_own_chain(api: Api) -> None:
    first = await api.active(endsOn="2022-01-01")
    second = (
        await api.ok(
            "extendAgreement",
            "successor { id }",
            {"agreementId": first["id"], "number": "R-2", "startsOn": "2022-01-02"},
        )
    )["successor"]
    await api.uploaded(second["id"])
    await api.activated(second["id"], "2022-01-02")
    loop = await api.mutate(
        "extendAgreement",
        "agreement { id }",
        {"agreementId": second["id"], "successorId": first["id"]},
    )
    assert loop["errors"][0]["code"] == "INVALID"
    assert loop["errors"][0]["field"] == "successorId"


async def test_dates_before_the_agreement_began_are_refused(api: Api) -> None:
    agreement = await api.active(endsOn="2030-01-01")
    early_end = await api.mutate(
        "terminateAgreement",
        "agreement { id }",
        {"agreementId": agreement["id"], "reason": "x", "terminatedOn": "2019-12-31"},
    )
    assert early_end["errors"][0]["field"] == "terminatedOn"
    early_amendment = await api.mutate(
        "addAgreementAmendment",
        "agreement { id }",
        {"agreementId": agreement["id"], "number": "A", "title": "x", "signedOn": "2019-01-01"},
    )
    assert early_amendment["errors"][0]["field"] == "signedOn"


async def test_unverified_partner_cannot_be_a_party_yet(api: Api) -> None:
    partner = await api.partner()
    await api.database.db.partners.update_one({}, {"$set": {"registration_status": "UNVERIFIED"}})
    unit = await api.org_unit()
    payload = await api.mutate(
        "createAgreement",
        "agreement { id }",
        {
            "number": "U/1",
            "title": "T",
            "form": "KSB",
            "cooperationType": "KSDPK",
            "partnerIds": [partner["id"]],
            "leadOrgUnitIds": [unit["id"]],
        },
    )
    assert payload["errors"][0]["code"] == "PARTNER_NOT_VERIFIED"
    assert await api.count("agreements") == 0
