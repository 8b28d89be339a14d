"""Notifications: stored per user, read and marked through the API, made once per key."""

from beanie import PydanticObjectId

from resolvers.notifications import Message, notify
from tests.api import Api


async def test_notifications_are_per_user_and_deduplicated(api: Api) -> None:
    _, other = await api.user("REVIEWER")
    admin_id, reviewer_id = [
        PydanticObjectId(row["_id"])
        for row in await api.database.db.users.find({}, {"_id": 1}).sort("created_at").to_list()
    ]
    message = Message(kind="AGREEMENT_EXPIRING", title="Kerja sama segera berakhir")
    assert await notify([admin_id, reviewer_id], message, email=False, dedupe_key="exp:1") == 2
    assert await notify([admin_id, reviewer_id], message, email=False, dedupe_key="exp:1") == 0
    assert await notify([admin_id], Message(kind="NOTE", title="Catatan"), email=False) == 1

    mine = await api.gql("{ myNotifications { totalCount nodes { id kind title readAt } } }")
    assert mine["myNotifications"]["totalCount"] == 2
    assert mine["myNotifications"]["nodes"][0]["title"] == "Catatan"
    first_id = mine["myNotifications"]["nodes"][0]["id"]
    marked = await api.ok("markNotificationsRead", "marked unreadCount", {"ids": [first_id]})
    assert (marked["marked"], marked["unreadCount"]) == (1, 1)
    unread = await api.gql("{ myNotifications(unreadOnly: true) { totalCount } }")
    assert unread["myNotifications"]["totalCount"] == 1
    # Someone else's notification cannot be marked by guessing its id.
    theirs = await other.gql("{ myNotifications { nodes { id } } }")
    foreign = theirs["myNotifications"]["nodes"][0]["id"]
    assert (await api.ok("markNotificationsRead", "marked", {"ids": [foreign]}))["marked"] == 0
    # A malformed id is a coded error; the payload still says how many are unread.
    refused = await api.mutate("markNotificationsRead", "marked unreadCount", {"ids": ["x"]})
    assert (refused["marked"], refused["unreadCount"]) == (0, 1)
    assert [e["field"] for e in refused["errors"]] == ["ids"]
    everything = await api.ok("markNotificationsRead", "marked unreadCount", {})
    assert (everything["marked"], everything["unreadCount"]) == (1, 0)
