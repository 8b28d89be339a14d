"""Subscriptions (graphql-transport-ws on /graphql): what the signed-in user's screens keep
up to date without reloading. Credentials go in the connection_init payload as
`{"Authorization": "Bearer <token>"}`."""

from collections.abc import AsyncGenerator

import strawberry

from models.errors import DomainError, DomainErrors
from resolvers import live
from schema.context import Info
from schema.errors import to_api_error
from schema.notifications import NotificationType


@strawberry.type
class NotificationUpdate:
    unread_count: int
    latest: NotificationType | None = strawberry.field(description="The newest notification.")


@strawberry.type
class AlertUpdate:
    total: int
    critical: int
    warning: int
    info: int


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Your unread notifications: the count and the newest, at once and on "
        "every change."
    )
    async def my_notifications(self, info: Info) -> AsyncGenerator[NotificationUpdate]:
        try:
            async for snapshot in live.watch_notifications(info.context):
                yield NotificationUpdate(
                    unread_count=snapshot.unread_count,
                    latest=NotificationType.from_model(snapshot.latest)
                    if snapshot.latest
                    else None,
                )
        except (DomainError, DomainErrors) as error:
            raise to_api_error(error) from None

    @strawberry.subscription(
        description="How many alerts you have, by severity: at once and when it changes "
        "(monitoring readers)."
    )
    async def my_alerts(self, info: Info) -> AsyncGenerator[AlertUpdate]:
        try:
            async for snapshot in live.watch_alerts(info.context):
                yield AlertUpdate(
                    total=snapshot.total,
                    critical=snapshot.critical,
                    warning=snapshot.warning,
                    info=snapshot.info,
                )
        except (DomainError, DomainErrors) as error:
            raise to_api_error(error) from None
