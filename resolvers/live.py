"""Live updates for subscriptions: the viewer's unread notifications and alerts.

Every snapshot is read from the database, never from memory shared inside one process, so
a change made through any API process reaches subscribers on every other one. Where the
engine has change streams, a write to the notifications wakes the subscriber at once;
where it has none (or the stream breaks), the subscriber re-reads every
`live_poll_seconds`. Alerts derive from dates as well as data, so they are recomputed every
`live_alert_seconds`.
"""

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

from pymongo.errors import PyMongoError

from models import Notification
from models.enums import AlertSeverity
from models.errors import DomainError, ErrorCode
from resolvers import auth, monitoring, notifications, scoped
from resolvers.access import require_monitoring_reader, require_signed_in
from resolvers.context import Context

log = logging.getLogger("sikerma")


@dataclass(frozen=True)
class NotificationSnapshot:
    unread_count: int
    latest: Notification | None

    def same_as(self, other: "NotificationSnapshot | None") -> bool:
        return (
            other is not None
            and other.unread_count == self.unread_count
            and (other.latest.id if other.latest else None)
            == (self.latest.id if self.latest else None)
        )


@dataclass(frozen=True)
class AlertSnapshot:
    total: int
    critical: int
    warning: int
    info: int


async def recheck_viewer(ctx: Context) -> None:
    """A long-lived subscription must stop when its credentials stop working (signed out,
    expired, deactivated): authenticate again as the HTTP requests would."""
    params = ctx.connection_params or {}
    header = params.get("Authorization") or params.get("authorization")
    viewer = await auth.authenticate(
        header if isinstance(header, str) else None, ctx.settings, ctx.signing_key
    )
    if not viewer.signed_in or viewer.user_id != ctx.viewer.user_id:
        raise DomainError(
            ErrorCode.UNAUTHENTICATED, viewer.auth_error or "sign in again to keep receiving"
        )


async def _read[T](ctx: Context, snapshot: Callable[[Context], Awaitable[T]]) -> T | None:
    """Re-check the credentials, then read a snapshot; None when the database could not
    answer this time (a busy engine, a failover): the next tick tries again rather than
    ending the subscriber's stream."""
    try:
        await recheck_viewer(ctx)
        return await snapshot(ctx)
    except PyMongoError as error:
        log.warning("live update read failed, retrying: %s", error)
        return None


async def notification_snapshot(ctx: Context) -> NotificationSnapshot:
    count = await notifications.unread_count(ctx)
    latest = (
        await Notification.find({"user_id": ctx.viewer.user_id})
        .sort("-created_at", "-_id")
        .first_or_none()
    )
    return NotificationSnapshot(unread_count=count, latest=latest)


async def _wake_on_change(wake: asyncio.Event, interval: float) -> None:
    """Set `wake` on every write to the notifications, by change stream if the engine has
    them, else every `interval` seconds."""
    collection = Notification.get_pymongo_collection()
    try:
        async with await collection.watch(
            [{"$match": {"operationType": {"$in": ["insert", "update", "replace", "delete"]}}}]
        ) as stream:
            async for _ in stream:
                wake.set()
    except PyMongoError as error:
        log.info("no change stream on notifications (%s); polling every %s s", error, interval)
    while True:
        await asyncio.sleep(interval)
        wake.set()


async def watch_notifications(ctx: Context) -> AsyncIterator[NotificationSnapshot]:
    """The viewer's unread count and newest notification: now, then on every change."""
    require_signed_in(ctx.viewer)
    wake = asyncio.Event()
    waker = asyncio.create_task(_wake_on_change(wake, ctx.settings.live_poll_seconds))
    last: NotificationSnapshot | None = None
    try:
        while True:
            current = await _read(ctx, notification_snapshot)
            if current is not None and not current.same_as(last):
                last = current
                yield current
            # A change stream that wakes us on every write still gets a periodic re-check
            # of the credentials.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), ctx.settings.live_poll_seconds)
            wake.clear()
    finally:
        waker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await waker


async def alert_snapshot(ctx: Context) -> AlertSnapshot:
    found = await monitoring.compute_alerts(
        await scoped.monitored(ctx.viewer),
        monitoring.schedule(ctx),
        ctx.settings.expiring_window_days,
    )
    counts = Counter(a.severity for a in found)
    return AlertSnapshot(
        total=len(found),
        critical=counts[AlertSeverity.CRITICAL],
        warning=counts[AlertSeverity.WARNING],
        info=counts[AlertSeverity.INFO],
    )


async def watch_alerts(ctx: Context) -> AsyncIterator[AlertSnapshot]:
    """How many alerts the viewer has, by severity: now, then whenever the counts change."""
    require_monitoring_reader(ctx.viewer)
    last: AlertSnapshot | None = None
    while True:
        current = await _read(ctx, alert_snapshot)
        if current is not None and current != last:
            last = current
            yield current
        await asyncio.sleep(ctx.settings.live_alert_seconds)
