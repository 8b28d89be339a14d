"""Listing rows, counters and search keys: every write of an agreement or an evaluation leaves
the row, the counters and the keys a rebuild would write, a refused or failed write leaves them
as they were, and rows or counters missing for any reason come back."""

from datetime import date, timedelta
from typing import Any

import pymongo
from bson import ObjectId

from models.agreement_keys import rebuild_keys
from models.agreement_listing import AgreementListing, list_unlisted, rebuild_listings
from tests.api import Api
from tests.monitoring import (
    EVALUATION,
    active_agreement,
    create_evaluation,
    current_period,
    photo,
    scores,
    today,
    upload_evidence,
)
from tests.proposals import cast, reach
from tests.test_backup import cli
from tests.test_chronology import add, correct

LIST = "{ agreements(first: 100) { totalCount nodes { number title status visibility } } }"
FIRST = "{ agreements(first: 1) { totalCount } }"


async def rows(api: Api) -> list[dict[str, Any]]:
    return await api.database.db.agreement_listings.find({}).sort("_id", 1).to_list()


async def rebuilt(api: Api) -> list[dict[str, Any]]:
    """The rows a rebuild writes from the agreements, from nothing."""
    await api.database.db.agreement_listings.delete_many({})
    await rebuild_listings()
    return await rows(api)


async def counters(api: Api) -> dict[str, dict[str, Any]]:
    """The counters that count something (a write may leave one at zero; a rebuild has none)."""
    found = api.database.db.agreement_counters.find({})
    return {c["_id"]: c async for c in found if c["n"] or c["centi"]}


async def keys(api: Api) -> list[dict[str, Any]]:
    return await api.database.db.agreement_keys.find({}).sort("_id", 1).to_list()


async def as_rebuilt(api: Api) -> None:
    """The live rows, counters and search keys are those a rebuild writes."""
    live_rows, live_counters, live_keys = await rows(api), await counters(api), await keys(api)
    assert live_counters
    assert live_keys
    assert await rebuilt(api) == live_rows
    assert await counters(api) == live_counters
    await api.database.db.agreement_keys.delete_many({})
    await rebuild_keys()
    assert await keys(api) == live_keys


async def test_every_write_path_leaves_the_row_a_rebuild_writes(api: Api) -> None:
    c = await cast(api)
    # Created, edited (every listed field), a document uploaded, activated.
    agreement = await api.agreement(value="1500000", visibility="INTERNAL")
    await as_rebuilt(api)
    other_unit = await api.org_unit()
    other_partner = await api.partner()
    await api.ok(
        "updateAgreement",
        "agreement { id }",
        {
            "id": agreement["id"],
            "title": "Judul yang diubah",
            "field": "Kesehatan",
            "cooperationType": "KSDD",
            "partnerIds": [other_partner["id"]],
            "leadOrgUnitIds": [other_unit["id"]],
            "signedOn": "2024-01-10",
            "startsOn": "2024-01-10",
            "endsOn": "2030-01-10",
            "value": "2500000.50",
            "visibility": "PUBLIC",
        },
    )
    await as_rebuilt(api)
    await api.uploaded(agreement["id"])
    await api.ok("activateAgreement", "agreement { id }", {"agreementId": agreement["id"]})
    await as_rebuilt(api)
    # History by hand, its correction, an amendment.
    meeting = await add(api, agreement["id"], occurredAt="2024-02-01T00:00:00Z")
    await correct(api, agreement["id"], meeting["event"]["id"], occurredAt="2024-02-02T00:00:00Z")
    await as_rebuilt(api)
    await api.ok(
        "addAgreementAmendment",
        "agreement { id }",
        {"agreementId": agreement["id"], "number": "ADD-1", "title": "x", "signedOn": "2024-05-01"},
    )
    # A renewal created as a draft, then activated: the original becomes EXTENDED with it.
    renewal = (
        await api.ok(
            "extendAgreement",
            "successor { id }",
            {"agreementId": agreement["id"], "number": "RENEW/1", "endsOn": "2035-01-01"},
        )
    )["successor"]
    await api.uploaded(renewal["id"])
    await api.activated(renewal["id"], "2030-01-11")
    await as_rebuilt(api)
    # Terminated, expired, and one recorded from an approved proposal.
    ending = await api.active(endsOn="2030-01-01")
    await api.ok(
        "terminateAgreement", "agreement { id }", {"agreementId": ending["id"], "reason": "Bubar"}
    )
    await as_rebuilt(api)
    ended = await api.active(endsOn=(date.today() - timedelta(days=3)).isoformat())
    await api.ok("expireAgreement", "agreement { id }", {"agreementId": ended["id"]})
    await reach(c, "APPROVED")
    await as_rebuilt(api)

    live = await rows(api)
    assert len(live) == await api.count("agreements") == 5
    stored = {r["_id"]: r async for r in api.database.db.agreements.find({})}
    for row in live:
        agreement_row = stored[row["_id"]]
        assert {name: agreement_row.get(name) for name in AgreementListing.copied} == {
            name: row.get(name) for name in AgreementListing.copied
        }
    assert await rebuilt(api) == live
    listed = (await api.gql(LIST))["agreements"]
    assert listed["totalCount"] == 5
    assert {n["status"] for n in listed["nodes"]} == {
        "EXTENDED",
        "ACTIVE",
        "TERMINATED",
        "EXPIRED",
        "DRAFT",
    }
    assert {"number": agreement["number"], "title": "Judul yang diubah"}.items() <= next(
        n for n in listed["nodes"] if n["number"] == agreement["number"]
    ).items()


async def test_a_refused_or_failed_write_changes_neither_the_agreement_nor_its_row(
    api: Api,
) -> None:
    agreement = await api.agreement(title="Judul awal")
    taken = await api.agreement()
    before = await rows(api)
    stale = await api.mutate(
        "updateAgreement", "agreement { id }", {"id": agreement["id"], "revision": 7, "title": "B"}
    )
    assert stale["errors"][0]["code"] == "CONFLICT"
    duplicate = await api.mutate(
        "updateAgreement", "agreement { id }", {"id": agreement["id"], "number": taken["number"]}
    )
    assert duplicate["errors"][0]["code"] == "DUPLICATE"
    assert await rows(api) == before
    counted = await counters(api)

    # The row's own write fails after the agreement's succeeded (a row holding the new title
    # under a unique index that only this test adds): the agreement's write is undone too.
    listings = api.database.db.agreement_listings
    await listings.insert_one({"_id": ObjectId(), "title_key": "judul baru"})
    await listings.create_index([("title_key", pymongo.ASCENDING)], unique=True, name="test_unique")
    try:
        failed = await api.post(
            {
                "query": "mutation($i: UpdateAgreementInput!) { updateAgreement(input: $i) "
                "{ agreement { id } } }",
                "variables": {"i": {"id": agreement["id"], "title": "Judul Baru"}},
            }
        )
        assert failed.json()["errors"][0]["extensions"]["code"] == "INTERNAL_ERROR"
    finally:
        await listings.drop_index("test_unique")
        await listings.delete_many({"title_key": "judul baru"})
    assert await rows(api) == before
    assert await counters(api) == counted
    kept = await api.database.db.agreements.find_one({"_id": before[0]["_id"]})
    assert kept is not None
    assert (kept["title"], kept["revision"]) == ("Judul awal", 1)


async def test_rebuild_command_restores_missing_rows_and_removes_strays(
    api: Api, database_uri: str
) -> None:
    first = await api.agreement()
    await api.agreement()
    live = await rows(api)
    await api.database.db.agreement_listings.delete_one({"_id": live[0]["_id"]})
    # The row of an agreement that is not there.
    stray = {**live[1], "_id": ObjectId(), "number": "YATIM"}
    await api.database.db.agreement_listings.insert_one(stray)
    assert (await api.gql(LIST))["agreements"]["totalCount"] == 2
    done = cli("rebuild-listings", uri=database_uri, database_name=api.database.db.name)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2 agreements listed"
    assert await rows(api) == live
    assert first["number"] in {n["number"] for n in (await api.gql(LIST))["agreements"]["nodes"]}


async def test_rebuild_never_sets_a_newer_row_back(api: Api) -> None:
    """A rebuild while the server writes: a row written meanwhile at a newer revision stays."""
    agreement = await api.agreement()
    [row] = await rows(api)
    newer = {**row, "title": "Ditulis sesudahnya", "revision": row["revision"] + 1}
    await api.database.db.agreement_listings.replace_one({"_id": row["_id"]}, newer)
    assert await rebuild_listings() == 1
    assert await rows(api) == [newer]
    assert agreement["id"]


async def test_startup_lists_agreements_that_have_no_row(api: Api) -> None:
    """Agreements stored before the rows existed (or inserted past the API) are listed when
    the server starts (lifespan.py runs this); a complete listing is left alone."""
    await api.agreement()
    await api.agreement()
    live, counted = await rows(api), await counters(api)
    assert await list_unlisted() == 0
    await api.database.db.agreement_listings.delete_many({})
    assert await list_unlisted() == 2
    assert await rows(api) == live
    # A database from before the counters: they are counted at start-up.
    await api.database.db.agreement_counters.delete_many({})
    assert await list_unlisted() == 2
    assert await counters(api) == counted
    # Rows from before the marks named their evaluations and open follow-up actions.
    old_mark = {"period": current_period().code, "status": "SUBMITTED", "overall_score": 3.0}
    await api.database.db.agreement_listings.update_one(
        {"_id": live[0]["_id"]}, {"$set": {"evaluations": [old_mark]}}
    )
    assert await list_unlisted() == 2
    assert await rows(api) == live


async def test_every_evaluation_write_marks_its_row_and_moves_the_counters(api: Api) -> None:
    agreement = await active_agreement(api)
    visit = today() - timedelta(days=1)
    created = await api.ok(
        "createEvaluation",
        EVALUATION,
        {
            "agreementId": agreement["id"],
            "period": current_period().code,
            "visitDate": visit.isoformat(),
            "scores": scores(3),
            "followUpActions": [{"what": "Lapor", "owner": "Mitra", "dueOn": today().isoformat()}],
        },
    )
    evaluation = created["evaluation"]
    await as_rebuilt(api)
    [row] = await rows(api)
    [mark] = row["evaluations"]
    assert {name: mark[name] for name in ("period", "status", "overall_score")} == {
        "period": current_period().code,
        "status": "DRAFT",
        "overall_score": 3.0,
    }
    # The alerts find open follow-up actions on the row, and name the evaluation.
    assert [(a["what"], a["due_on"].date()) for a in mark["open_follow_ups"]] == [
        ("Lapor", today())
    ]
    [stored] = await api.database.db.evaluations.find({}).to_list()
    assert mark["evaluation_id"] == stored["_id"]
    await api.ok(
        "updateEvaluation",
        EVALUATION,
        {"id": evaluation["id"], "scores": scores(5), "recommendation": "EXPAND"},
    )
    await as_rebuilt(api)
    counted = await counters(api)
    duplicate = await create_evaluation(api, agreement["id"], visitDate=visit.isoformat())
    assert duplicate["errors"][0]["code"] == "DUPLICATE"
    assert await counters(api) == counted
    submitted = await api.ok("submitEvaluation", EVALUATION, {"evaluationId": evaluation["id"]})
    await as_rebuilt(api)
    done = f"*/done/{current_period().code}"
    assert (await counters(api))[done]["n"] == counted.get(done, {"n": 0})["n"] + 1
    action = submitted["evaluation"]["followUpActions"][0]
    await api.ok(
        "completeFollowUpAction",
        EVALUATION,
        {"evaluationId": evaluation["id"], "actionId": action["id"], "note": "Selesai"},
    )
    await as_rebuilt(api)
    [row] = await rows(api)
    assert [m["open_follow_ups"] for m in row["evaluations"]] == [[]]
    uploaded = await upload_evidence(api, evaluation["id"], photo())
    assert uploaded["errors"] == []
    await as_rebuilt(api)
    await api.ok("reviewEvaluation", EVALUATION, {"evaluationId": evaluation["id"], "note": "Ok"})
    await as_rebuilt(api)
    # The agreement's own write keeps the marks; its end moves the dated counters.
    await api.ok(
        "updateAgreement",
        "agreement { id }",
        {"id": agreement["id"], "endsOn": (today() + timedelta(days=40)).isoformat()},
    )
    await as_rebuilt(api)
    [row] = await rows(api)
    assert [m["status"] for m in row["evaluations"]] == ["REVIEWED"]


async def test_the_counted_total_is_exact_for_every_scope(api: Api) -> None:
    """An unfiltered list's totalCount comes from the counters: all agreements for the
    cooperation unit, their department's for an officer (whose figures are never another's)."""
    unit, other = await api.org_unit(), await api.org_unit()
    await api.agreement(leadOrgUnitIds=[unit["id"]])
    await api.agreement(leadOrgUnitIds=[unit["id"], other["id"]])
    await api.agreement(leadOrgUnitIds=[other["id"]])
    _, officer = await api.user("OFFICER", orgUnitId=unit["id"])
    assert (await api.gql(LIST))["agreements"]["totalCount"] == 3
    mine = (await officer.gql(LIST))["agreements"]
    assert mine["totalCount"] == len(mine["nodes"]) == 2
    assert (await officer.gql(FIRST))["agreements"]["totalCount"] == 2


async def test_a_list_by_status_type_form_field_or_end_is_counted_exactly(api: Api) -> None:
    """Filtered on some statuses, types or forms, one field, or (ACTIVE agreements) a range
    of end days, and at most one department, a list's totalCount adds up counters instead of
    counting the rows again; it is the number of agreements listed, for the cooperation unit
    and for an officer. Any other filter is counted over the rows."""
    unit, other = await api.org_unit(), await api.org_unit()
    soon, later = today() + timedelta(days=30), today() + timedelta(days=400)
    await api.agreement(leadOrgUnitIds=[unit["id"]], field="Kesehatan")
    await api.agreement(leadOrgUnitIds=[unit["id"], other["id"]], cooperationType="KSDD")
    await api.agreement(leadOrgUnitIds=[unit["id"]], form="NK", endsOn=soon.isoformat())
    await api.active(leadOrgUnitIds=[unit["id"]], field="Kesehatan", endsOn=soon.isoformat())
    await api.active(
        leadOrgUnitIds=[other["id"]],
        cooperationType="KSDD",
        field="Pendidikan",
        endsOn=later.isoformat(),
    )
    _, officer = await api.user("OFFICER", orgUnitId=unit["id"])
    listed = (
        "query($f: AgreementFilter) { agreements(first: 100, filter: $f) { totalCount "
        "nodes { id } } }"
    )
    filters: list[dict[str, Any]] = [
        {"status": ["ACTIVE"]},
        {"status": ["DRAFT", "ACTIVE", "DRAFT"]},
        {"cooperationType": ["KSDD"]},
        {"cooperationType": ["KSDD", "KSDPK"]},
        {"form": ["NK"]},
        {"field": "Kesehatan"},
        {"field": "Pertanian"},
        # The day it ends is within 30 days, not within 29.
        {"expiringWithinDays": 30},
        {"expiringWithinDays": 29},
        {"status": ["ACTIVE"], "endsAfter": soon.isoformat(), "endsBefore": later.isoformat()},
        {"status": ["ACTIVE"], "endsBefore": (later + timedelta(days=1)).isoformat()},
    ]
    everyone = [*filters, {"orgUnitId": other["id"], "status": ["ACTIVE"]}]
    for viewer, asked, expected in (
        (api, everyone, [2, 5, 2, 5, 1, 2, 0, 1, 0, 1, 2, 1]),
        (officer, filters, [1, 4, 1, 4, 1, 2, 0, 1, 0, 1, 1]),
    ):
        totals = []
        for flt in asked:
            api.commands.reset()
            page = (await viewer.gql(listed, {"f": flt}))["agreements"]
            assert page["totalCount"] == len(page["nodes"]), flt
            # The rows are counted by an aggregation; the counters are read with a find.
            assert "aggregate" not in api.commands.data_commands(), flt
            totals.append(page["totalCount"])
        assert totals == expected
    # Not counted by counters: two fields, or an end range of every status (a draft's end is
    # not counted by day).
    for flt, number in (
        ({"status": ["ACTIVE"], "field": "Kesehatan"}, 1),
        ({"endsAfter": soon.isoformat()}, 3),
    ):
        api.commands.reset()
        page = (await api.gql(listed, {"f": flt}))["agreements"]
        assert page["totalCount"] == len(page["nodes"]) == number
        assert "aggregate" in api.commands.data_commands()


async def test_the_counted_number_of_evaluations_is_exact(api: Api) -> None:
    """The cooperation unit's unfiltered evaluation list is counted by the counters."""
    for _ in range(2):
        agreement = await active_agreement(api)
        await create_evaluation(api, agreement["id"], visitDate=today().isoformat())
    evaluations = "{ evaluations(first: 1) { totalCount } }"
    assert (await api.gql(evaluations))["evaluations"]["totalCount"] == 2
    await rebuilt(api)
    assert (await api.gql(evaluations))["evaluations"]["totalCount"] == 2
