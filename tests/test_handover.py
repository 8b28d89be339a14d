"""The hand-over briefing (serah terima): in the API and as a printable PDF."""

from datetime import timedelta

from tests.api import Api
from tests.monitoring import current_period, today
from tests.test_monitoring import make_world

BRIEFING = """query($id: ID!) { handoverBriefing(orgUnitId: $id) {
  orgUnit { id name } period downloadUrl
  agreements { agreement { id title } partners { name } endsOn daysLeft latestEvaluation { period overallScore } }
  deadlines { kind dueOn overdue title agreement { id } }
  recentEvents { kind title occurredAt agreement { id } } } }"""


async def test_a_briefing_for_the_incoming_official(api: Api) -> None:
    world = await make_world(api)
    a = world.agreements
    _, officer = await api.user("OFFICER", orgUnitId=world.unit_a["id"])
    briefing = (await officer.gql(BRIEFING, {"id": world.unit_a["id"]}))["handoverBriefing"]
    assert briefing["orgUnit"]["id"] == world.unit_a["id"]
    assert briefing["period"] == current_period().code
    # Active agreements by end date (the draft is not one of them), with their partners.
    listed = [item["agreement"]["id"] for item in briefing["agreements"]]
    assert listed == [a[n]["id"] for n in ("over", "soon", "mid", "new")]
    soon = briefing["agreements"][1]
    assert soon["daysLeft"] == 10
    assert soon["partners"] == [{"name": world.university["name"]}]
    assert soon["latestEvaluation"] == {
        "period": current_period().previous().code,
        "overallScore": 4.0,
    }
    assert briefing["agreements"][3]["latestEvaluation"] is None

    deadlines = briefing["deadlines"]
    assert [d["dueOn"] for d in deadlines] == sorted(d["dueOn"] for d in deadlines)
    kinds = {(d["kind"], d["agreement"]["id"]) for d in deadlines}
    for name in ("over", "soon", "mid"):
        assert ("EXPIRY", a[name]["id"]) in kinds
        assert ("EVALUATION", a[name]["id"]) in kinds
    assert ("EXPIRY", a["new"]["id"]) not in kinds  # years away
    over = next(
        d for d in deadlines if d["kind"] == "EXPIRY" and d["agreement"]["id"] == a["over"]["id"]
    )
    assert over["overdue"] is True

    recent = briefing["recentEvents"]
    assert 0 < len(recent) <= 15
    assert {e["agreement"]["id"] for e in recent} <= {
        a[n]["id"] for n in ("over", "soon", "mid", "new", "draft")
    }
    assert [e["occurredAt"] for e in recent] == sorted(
        (e["occurredAt"] for e in recent), reverse=True
    )

    # The same, printable: a PDF for the same readers.
    response = await officer.get(briefing["downloadUrl"])
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "serah-terima-" in response.headers["content-disposition"]
    assert response.headers["cache-control"] == "private, no-store"


async def test_the_briefing_follows_the_access_rules(api: Api) -> None:
    unit, other = await api.org_unit(), await api.org_unit(name="Dinas Lain — Bidang ‘Khusus’ 日本")
    partner = await api.partner()
    await api.agreement(
        leadOrgUnitIds=[other["id"]],
        partnerIds=[partner["id"]],
        endsOn=(today() + timedelta(days=30)).isoformat(),
    )
    _, officer = await api.user("OFFICER", orgUnitId=unit["id"])
    _, executive = await api.user("EXECUTIVE")
    _, partner_user = await api.user("PARTNER", partnerId=partner["id"])
    raw_url = (await api.gql(BRIEFING, {"id": other["id"]}))["handoverBriefing"]["downloadUrl"]
    assert (await executive.gql(BRIEFING, {"id": other["id"]}))["handoverBriefing"][
        "downloadUrl"
    ] == raw_url
    # Names outside Latin-1 still print.
    assert (await executive.get(raw_url)).content.startswith(b"%PDF")
    for client, code, status in (
        (officer, "NOT_FOUND", 404),
        (partner_user, "FORBIDDEN", 403),
        (api.as_(None), "UNAUTHENTICATED", 401),
    ):
        body = await client.raw(BRIEFING, {"id": other["id"]})
        assert body["errors"][0]["extensions"]["code"] == code
        assert (await client.get(raw_url)).status_code == status
    assert (await api.get("/briefings/handover/bukan-id")).status_code == 404
    assert (await api.get("/briefings/handover/650000000000000000000000")).status_code == 404
