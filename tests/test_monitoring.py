"""Monitoring across agreements: alerts, evaluations due, the dashboard and the reminder job."""

import asyncio
import logging
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from resolvers.pagination import encode_cursor
from resolvers.periodic import run_periodically
from resolvers.reminders import run_reminders
from schema.relay import parse_global_id
from settings import Settings
from tests.api import Api
from tests.kept import kept_fixture
from tests.monitoring import (
    EVALUATION,
    active_agreement,
    create_evaluation,
    current_period,
    scores,
    submitted_evaluation,
    today,
)

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class World:
    unit_a: dict[str, Any]
    unit_b: dict[str, Any]
    university: dict[str, Any]
    company: dict[str, Any]
    agreements: dict[str, dict[str, Any]]
    action_due: date


async def make_world(api: Api) -> World:
    """Agreements in every monitoring situation, led by two departments."""
    unit_a, unit_b = await api.org_unit(), await api.org_unit()
    university = await api.partner(kind="UNIVERSITY")
    company = await api.partner(kind="COMPANY")
    now = today()
    long_ago = now - timedelta(days=3 * 365)
    previous = current_period().previous()
    visit = previous.start + timedelta(days=10)
    plan = {
        # name: (unit, partner, starts, ends, score of last period's evaluation or None)
        "soon": (unit_a, university, long_ago, now + timedelta(days=10), 4),
        "mid": (unit_a, university, long_ago, now + timedelta(days=50), 4),
        "late": (unit_b, company, long_ago, now + timedelta(days=80), 2),
        "far": (unit_b, company, long_ago, now + timedelta(days=400), 2),
        "over": (unit_a, company, long_ago, now - timedelta(days=5), 4),
        "lazy": (unit_b, university, long_ago, now + timedelta(days=1000), None),
        "new": (unit_a, university, current_period().start, now + timedelta(days=1000), None),
    }
    agreements = {}
    for name, (unit, partner, starts, ends, score) in plan.items():
        agreement = await active_agreement(
            api,
            starts_on=starts,
            ends_on=ends,
            leadOrgUnitIds=[unit["id"]],
            partnerIds=[partner["id"]],
            title=f"Kerja sama {name}",
        )
        agreements[name] = agreement
        if score is not None:
            actions = []
            if name == "far":
                due = visit + timedelta(days=1)
                actions = [{"what": "Laporan triwulan", "owner": "Mitra", "dueOn": due.isoformat()}]
            await submitted_evaluation(
                api, agreement["id"], previous, visit, scores=scores(score), followUpActions=actions
            )
    agreements["draft"] = await api.agreement(
        leadOrgUnitIds=[unit_a["id"]],
        partnerIds=[university["id"]],
        endsOn=(now + timedelta(days=5)).isoformat(),
    )
    # A DRAFT evaluation under way for the current period.
    await create_evaluation(api, agreements["mid"]["id"])
    return World(unit_a, unit_b, university, company, agreements, visit + timedelta(days=1))


@kept_fixture
async def world(api: Api) -> World:
    return await make_world(api)


ALERTS = """query($filter: AlertFilter, $first: Int, $after: String) {
  alerts(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id kind severity message dueOn daysLeft period
            agreement { id number partners { name } leadOrgUnits { name } }
            evaluation { period } followUpAction { what dueOn } } } }"""
RANK = {"CRITICAL": 0, "WARNING": 1, "INFO": 2}


def names(world: World, nodes: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    by_id = {a["id"]: n for n, a in world.agreements.items()}
    return [(n["kind"], by_id[n["agreement"]["id"]], n["severity"]) for n in nodes]


async def test_alerts_say_what_needs_attention_most_urgent_first(api: Api, world: World) -> None:
    data = (await api.gql(ALERTS))["alerts"]
    found = names(world, data["nodes"])
    overdue_days = (today() - current_period().previous().end).days
    action_late = (today() - world.action_due).days
    assert sorted(found) == sorted(
        [
            ("EXPIRING", "soon", "CRITICAL"),
            ("EXPIRING", "mid", "WARNING"),
            ("EXPIRING", "late", "INFO"),
            ("PAST_END", "over", "CRITICAL"),
            ("EVALUATION_OVERDUE", "lazy", "CRITICAL" if overdue_days > 90 else "WARNING"),
            ("FOLLOW_UP_OVERDUE", "far", "CRITICAL" if action_late > 30 else "WARNING"),
        ]
    )
    keys = [(RANK[n["severity"]], n["dueOn"]) for n in data["nodes"]]
    assert keys == sorted(keys)
    assert data["totalCount"] == 6
    follow_up = next(n for n in data["nodes"] if n["kind"] == "FOLLOW_UP_OVERDUE")
    assert follow_up["followUpAction"] == {
        "what": "Laporan triwulan",
        "dueOn": world.action_due.isoformat(),
    }
    assert follow_up["evaluation"]["period"] == current_period().previous().code
    assert follow_up["daysLeft"] == -action_late
    soon = next(n for n in data["nodes"] if n["kind"] == "EXPIRING" and n["daysLeft"] == 10)
    assert "10 hari lagi" in soon["message"]
    assert soon["agreement"]["partners"] == [{"name": world.university["name"]}]

    within_30 = (await api.gql(ALERTS, {"filter": {"withinDays": 30, "kinds": ["EXPIRING"]}}))[
        "alerts"
    ]
    assert names(world, within_30["nodes"]) == [("EXPIRING", "soon", "CRITICAL")]
    critical = (await api.gql(ALERTS, {"filter": {"severities": ["INFO"]}}))["alerts"]
    assert names(world, critical["nodes"]) == [("EXPIRING", "late", "INFO")]

    # Paged, the pages add up to the whole list in the same order.
    seen, after = [], None
    while True:
        page = (await api.gql(ALERTS, {"first": 4, "after": after}))["alerts"]
        seen += [n["id"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [n["id"] for n in data["nodes"]]


async def test_alerts_follow_the_access_rules(api: Api, world: World) -> None:
    _, officer_b = await api.user("OFFICER", orgUnitId=world.unit_b["id"])
    theirs = (await officer_b.gql(ALERTS))["alerts"]["nodes"]
    assert {name for _, name, _ in names(world, theirs)} == {"late", "lazy", "far"}
    _, partner = await api.user("PARTNER", partnerId=world.university["id"])
    assert (await partner.raw(ALERTS))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await api.as_(None).raw(ALERTS))["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    for bad, code in (({"withinDays": -1}, "INVALID"), ({"withinDays": 4000}, "INVALID")):
        assert (await api.raw(ALERTS, {"filter": bad}))["errors"][0]["extensions"]["code"] == code
    assert (await api.raw(ALERTS, {"after": "rusak"}))["errors"][0]["extensions"][
        "code"
    ] == "INVALID_CURSOR"


DUE = """query($filter: EvaluationsDueFilter, $first: Int, $after: String) {
  evaluationsDue(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { period dueOn overdue agreement { id } draft { id status } } } }"""


async def test_evaluations_due_and_overdue(api: Api, world: World) -> None:
    data = (await api.gql(DUE))["evaluationsDue"]
    by_id = {a["id"]: n for n, a in world.agreements.items()}
    rows = [(by_id[n["agreement"]["id"]], n["period"], n["overdue"]) for n in data["nodes"]]
    current, previous = current_period(), current_period().previous()
    over_in_force = today() - timedelta(days=5) >= current.start
    expected_current = {"soon", "mid", "late", "far", "lazy", "new"} | (
        {"over"} if over_in_force else set()
    )
    assert rows[0] == ("lazy", previous.code, True)  # overdue first
    assert {name for name, period, _ in rows[1:]} == expected_current
    assert all(period == current.code and not overdue for _, period, overdue in rows[1:])
    assert data["totalCount"] == 1 + len(expected_current)
    mid = next(n for n in data["nodes"] if n["agreement"]["id"] == world.agreements["mid"]["id"])
    assert mid["draft"]["status"] == "DRAFT"
    assert mid["dueOn"] == current.end.isoformat()

    seen, after = [], None
    while True:
        page = (await api.gql(DUE, {"first": 3, "after": after}))["evaluationsDue"]
        seen += [(n["agreement"]["id"], n["period"]) for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [(n["agreement"]["id"], n["period"]) for n in data["nodes"]]
    # A cursor that decodes but names no (due date, agreement) is refused, not compared.
    forged = encode_cursor("2026-06-30", 7)
    refused = await api.raw(DUE, {"first": 3, "after": forged})
    assert refused["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"

    overdue = (await api.gql(DUE, {"filter": {"overdueOnly": True}}))["evaluationsDue"]
    assert [n["agreement"]["id"] for n in overdue["nodes"]] == [world.agreements["lazy"]["id"]]
    by_unit = (await api.gql(DUE, {"filter": {"orgUnitId": world.unit_b["id"]}}))["evaluationsDue"]
    assert {by_id[n["agreement"]["id"]] for n in by_unit["nodes"]} == {"late", "far", "lazy"}

    # Submitting the current period's evaluation takes the agreement off the list.
    await submitted_evaluation(api, world.agreements["soon"]["id"], current, today())
    after_submit = (await api.gql(DUE))["evaluationsDue"]
    assert world.agreements["soon"]["id"] not in {
        n["agreement"]["id"] for n in after_submit["nodes"]
    }
    _, partner = await api.user("PARTNER", partnerId=world.company["id"])
    assert (await partner.raw(DUE))["errors"][0]["extensions"]["code"] == "FORBIDDEN"


DASHBOARD = """query($filter: DashboardFilter) { dashboard(filter: $filter) {
  agreementCount byStatus { key count } byCooperationType { key count } byForm { key count }
  byField { key count } byPartnerKind { key count } bySigningYear { key count }
  byLeadOrgUnit { orgUnit { id name } count } expiringByMonth { month count }
  averageScoreByOrgUnit { orgUnit { id } averageScore evaluations }
  evaluationProgress { period due done inProgress notStarted overduePrevious } } }"""


def counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    return {r["key"]: r["count"] for r in rows}


async def test_dashboard_figures(api: Api, world: World) -> None:
    data = (await api.gql(DASHBOARD))["dashboard"]
    assert data["agreementCount"] == 8
    assert counts(data["byStatus"]) == {"ACTIVE": 7, "DRAFT": 1}
    assert counts(data["byForm"]) == {"KSB": 8}
    assert counts(data["byCooperationType"]) == {"KSDPK": 8}
    assert counts(data["byPartnerKind"]) == {"UNIVERSITY": 5, "COMPANY": 3}
    units = {r["orgUnit"]["id"]: r["count"] for r in data["byLeadOrgUnit"]}
    assert units == {world.unit_a["id"]: 5, world.unit_b["id"]: 3}
    assert sum(counts(data["bySigningYear"]).values()) == 7  # the draft is not signed
    months = data["expiringByMonth"]
    assert len(months) == 12
    assert months[0]["month"] == today().strftime("%Y-%m")
    ending = [today() + timedelta(days=d) for d in (10, 50, 80)]
    for day in ending:
        assert (
            counts([{"key": m["month"], "count": m["count"]} for m in months])[
                day.strftime("%Y-%m")
            ]
            >= 1
        )
    assert sum(m["count"] for m in months) == 3
    scores_by_unit = {
        r["orgUnit"]["id"]: (r["averageScore"], r["evaluations"])
        for r in data["averageScoreByOrgUnit"]
    }
    assert scores_by_unit == {world.unit_a["id"]: (4.0, 3), world.unit_b["id"]: (2.0, 2)}
    progress = data["evaluationProgress"]
    over_in_force = today() - timedelta(days=5) >= current_period().start
    due = 6 + (1 if over_in_force else 0)
    assert progress == {
        "period": current_period().code,
        "due": due,
        "done": 0,
        "inProgress": 1,
        "notStarted": due - 1,
        "overduePrevious": 1,
    }

    for_unit_b = (await api.gql(DASHBOARD, {"filter": {"orgUnitId": world.unit_b["id"]}}))[
        "dashboard"
    ]
    assert for_unit_b["agreementCount"] == 3
    _, officer_a = await api.user("OFFICER", orgUnitId=world.unit_a["id"])
    own = (await officer_a.gql(DASHBOARD))["dashboard"]
    assert own["agreementCount"] == 5
    assert [r["orgUnit"]["id"] for r in own["averageScoreByOrgUnit"]] == [world.unit_a["id"]]
    _, executive = await api.user("EXECUTIVE")
    assert (await executive.gql(DASHBOARD))["dashboard"]["agreementCount"] == 8
    _, partner = await api.user("PARTNER", partnerId=world.company["id"])
    assert (await partner.raw(DASHBOARD))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    bad = await api.raw(DASHBOARD, {"filter": {"scorePeriod": "2026-Q9"}})
    assert bad["errors"][0]["extensions"]["code"] == "INVALID"


async def test_the_counters_give_the_figures_the_rows_give(api: Api, world: World) -> None:
    """The dashboard of every agreement or of one department is read from the counters; any
    other filter is aggregated over the listing rows. A filter keeping every agreement takes
    the second way, and the two agree, for every viewer and score period."""
    previous = current_period().previous()
    # Ended in the previous period, and (unless today is the 1st) earlier this month.
    await active_agreement(
        api,
        starts_on=previous.start - timedelta(days=400),
        ends_on=previous.start + timedelta(days=20),
        leadOrgUnitIds=[world.unit_a["id"], world.unit_b["id"]],
        partnerIds=[world.university["id"], world.company["id"]],
    )
    if today().day > 1:
        await active_agreement(api, ends_on=today() - timedelta(days=1))
    every = {"status": ["DRAFT", "ACTIVE", "EXTENDED", "EXPIRED", "TERMINATED"]}
    _, officer = await api.user("OFFICER", orgUnitId=world.unit_b["id"])
    compared = 0
    for viewer in (api, officer):
        for period in (None, previous.code, current_period().code):
            counted = await viewer.gql(DASHBOARD, {"filter": {"scorePeriod": period}})
            aggregated = await viewer.gql(DASHBOARD, {"filter": {**every, "scorePeriod": period}})
            assert counted == aggregated
            compared += counted["dashboard"]["agreementCount"]
    unit_a = {"filter": {"orgUnitId": world.unit_a["id"]}}
    assert await api.gql(DASHBOARD, unit_a) == await api.gql(
        DASHBOARD, {"filter": {**unit_a["filter"], **every}}
    )
    assert compared > 0


async def test_dashboard_and_alerts_cost_a_bounded_number_of_commands(api: Api) -> None:
    """However many agreements, the same handful of database commands."""
    world = await make_world(api)
    costs: dict[int, tuple[int, int]] = {}
    for round_ in (1, 2):
        if round_ == 2:
            for n in range(8):
                agreement = await active_agreement(
                    api,
                    ends_on=today() + timedelta(days=20 + n),
                    leadOrgUnitIds=[world.unit_a["id"] if n % 2 else world.unit_b["id"]],
                    partnerIds=[world.company["id"]],
                )
                previous = current_period().previous()
                visit = previous.start + timedelta(days=3)
                actions = [
                    {
                        "what": f"Aksi {n}",
                        "owner": "Mitra",
                        "dueOn": (visit + timedelta(days=1)).isoformat(),
                    }
                ]
                await submitted_evaluation(
                    api, agreement["id"], previous, visit, followUpActions=actions
                )
        api.commands.reset()
        alerts = (await api.gql(ALERTS, {"first": 100}))["alerts"]
        alert_cost = len(api.commands.data_commands())
        api.commands.reset()
        await api.gql(DASHBOARD)
        dashboard_cost = len(api.commands.data_commands())
        costs[len(alerts["nodes"])] = (alert_cost, dashboard_cost)
    (few, small), (many, large) = sorted(costs.items())
    assert many >= few + 16
    assert small == large, api.commands.data_commands()
    alert_cost, dashboard_cost = large
    assert alert_cost <= 8, api.commands.data_commands()
    # Signing in, three reads of the counters and one of the partners they name.
    assert dashboard_cost <= 7, api.commands.data_commands()


async def test_alerts_and_evaluations_due_show_their_agreements_from_their_rows(
    api: Api,
) -> None:
    """Both read listing rows and show their agreements from them; a field only the agreement
    holds loads the agreements, in one more query however many there are."""
    for n in range(3):
        await active_agreement(api, ends_on=today() + timedelta(days=10 + n), purpose=f"Tujuan {n}")
    for listing in (
        "{ alerts(filter: {kinds: [EXPIRING]}) { nodes { agreement { %s } } } }",
        "{ evaluationsDue { nodes { agreement { %s } } } }",
    ):
        commands = {}
        for fields in ("number title status endsOn isExpiring", "number purpose"):
            api.commands.reset()
            (page,) = (await api.gql(listing % fields)).values()
            commands[fields] = len(api.commands.data_commands())
        # An agreement is due for the previous period and for this one: listed twice.
        purposes = {node["agreement"]["purpose"] for node in page["nodes"]}
        assert purposes == {"Tujuan 0", "Tujuan 1", "Tujuan 2"}, listing
        assert commands["number purpose"] == commands["number title status endsOn isExpiring"] + 1


async def test_reminders_notify_each_alert_once(api: Api, world: World, settings: Settings) -> None:
    await api.user("OFFICER", orgUnitId=world.unit_a["id"])
    notifications = api.database.db.notifications
    first = await run_reminders(settings)
    assert first.alerts == 6
    # The ADMIN hears of all six; unit A's officer of the three on unit A's agreements.
    assert first.notifications == 6 + 3
    assert await notifications.count_documents({"email_status": "PENDING"}) == 9
    rows = await notifications.find({}).to_list()
    assert any(r["title"].startswith("[PENTING] Kerja sama segera berakhir") for r in rows)
    assert (await run_reminders(settings)).notifications == 0
    assert await notifications.count_documents({}) == 9

    # Two processes at once still notify each alert once.
    await notifications.delete_many({})
    runs = await asyncio.gather(run_reminders(settings), run_reminders(settings))
    assert sum(r.notifications for r in runs) == 9
    assert await notifications.count_documents({}) == 9

    # A warning that turns critical is news; nothing else is repeated.
    later = await run_reminders(settings, today() + timedelta(days=25))
    assert later.notifications >= 2
    _, mid_id = parse_global_id(world.agreements["mid"]["id"])
    keys = [r["dedupe_key"] for r in await notifications.find({}).to_list()]
    assert any(k.startswith(f"alert:EXPIRING:{mid_id}:") and ":CRITICAL:" in k for k in keys)
    assert len(keys) == len(set(keys)) == 9 + later.notifications

    mine = await api.gql(
        "{ myNotifications(first: 50) { totalCount nodes { kind title body subjectId } } }"
    )
    kinds = {n["kind"] for n in mine["myNotifications"]["nodes"]}
    assert {
        "ALERT_EXPIRING",
        "ALERT_PAST_END",
        "ALERT_EVALUATION_OVERDUE",
        "ALERT_FOLLOW_UP_OVERDUE",
    } <= kinds
    subjects = [
        n["subjectId"] for n in mine["myNotifications"]["nodes"] if n["kind"] == "ALERT_PAST_END"
    ]
    found = await api.gql(
        "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Agreement { id } } }", {"ids": subjects}
    )
    assert world.agreements["over"]["id"] in [n["id"] for n in found["nodes"]]


async def test_cli_run_reminders_for_cron(api: Api, world: World, settings: Settings) -> None:
    env = {
        **os.environ,
        "MONGODB_URI": settings.mongodb_uri,
        "DATABASE_NAME": settings.database_name,
    }

    def run() -> str:
        done = subprocess.run(
            [sys.executable, "cli.py", "run-reminders"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    assert await asyncio.to_thread(run) == "6 alerts; 6 new notifications"
    assert await asyncio.to_thread(run) == "6 alerts; 0 new notifications"
    assert await api.count("notifications") == 6


async def test_the_periodic_job_survives_a_failed_run(caplog: pytest.LogCaptureFixture) -> None:
    calls: list[int] = []
    third = asyncio.Event()

    async def flaky() -> str:
        calls.append(len(calls))
        if len(calls) == 1:
            raise RuntimeError("database unavailable")
        if len(calls) == 3:
            third.set()
        return "ok"

    with caplog.at_level(logging.INFO, logger="sikerma.periodic"):
        task = asyncio.create_task(run_periodically("reminders", 0.01, flaky, first_delay=0))
        await asyncio.wait_for(third.wait(), timeout=10)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert "the reminders run failed" in caplog.text
    assert "reminders: ok" in caplog.text


async def test_submitting_an_evaluation_clears_the_overdue_alert(api: Api, world: World) -> None:
    previous = current_period().previous()
    lazy = world.agreements["lazy"]["id"]
    await submitted_evaluation(api, lazy, previous, previous.end)
    data = (await api.gql(ALERTS, {"filter": {"kinds": ["EVALUATION_OVERDUE"]}}))["alerts"]
    assert data["nodes"] == []
    far = await api.gql(
        "{ evaluations(filter: {status: [SUBMITTED]}, first: 50) { nodes { id followUpActions { id done } } } }"
    )
    [(evaluation_id, action_id)] = [
        (n["id"], a["id"]) for n in far["evaluations"]["nodes"] for a in n["followUpActions"]
    ]
    await api.ok(
        "completeFollowUpAction", EVALUATION, {"evaluationId": evaluation_id, "actionId": action_id}
    )
    assert (await api.gql(ALERTS, {"filter": {"kinds": ["FOLLOW_UP_OVERDUE"]}}))["alerts"][
        "nodes"
    ] == []
