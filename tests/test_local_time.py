"""Time: stored in UTC, read and counted in the city's zone (TIME_ZONE, WIB by default)."""

from datetime import datetime, time, timedelta

from models.clock import frozen_at
from tests.api import Api
from tests.monitoring import BOGOR, active_agreement, today

ALERTS = """query($filter: AlertFilter) { alerts(filter: $filter) {
  nodes { kind daysLeft message } } }"""
EXPIRING = "query($id: ID!) { node(id: $id) { ... on Agreement { isExpiring } } }"


async def test_the_day_turns_at_midnight_in_bogor_not_in_utc(api: Api) -> None:
    ends = today() + timedelta(days=1)
    agreement = await active_agreement(api, ends_on=ends)
    wanted = {"agreementId": agreement["id"], "kinds": ["EXPIRING", "PAST_END"]}
    # 23:30 and 00:30 WIB are 16:30 and 17:30 UTC: the same UTC day, different days in Bogor.
    last_evening = datetime.combine(ends, time(23, 30), tzinfo=BOGOR)
    after_midnight = last_evening + timedelta(hours=1)
    assert last_evening.astimezone(BOGOR).date() != after_midnight.astimezone(BOGOR).date()
    with frozen_at(last_evening):
        [alert] = (await api.gql(ALERTS, {"filter": wanted}))["alerts"]["nodes"]
        assert (alert["kind"], alert["daysLeft"]) == ("EXPIRING", 0)
        assert (await api.gql(EXPIRING, {"id": agreement["id"]}))["node"]["isExpiring"]
    with frozen_at(after_midnight):
        [alert] = (await api.gql(ALERTS, {"filter": wanted}))["alerts"]["nodes"]
        assert (alert["kind"], alert["daysLeft"]) == ("PAST_END", -1)
        assert not (await api.gql(EXPIRING, {"id": agreement["id"]}))["node"]["isExpiring"]
