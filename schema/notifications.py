"""The viewer's notifications."""

from datetime import datetime

import strawberry

from models import Notification
from models.base import parse_object_id
from resolvers import notifications
from resolvers.pagination import PageRequest
from schema.audit import audited_mutation
from schema.context import Info
from schema.errors import UserError, query
from schema.relay import Connection


@strawberry.type(name="Notification")
class NotificationType:
    id: strawberry.ID
    kind: str
    title: str
    body: str
    subject_id: strawberry.ID | None = strawberry.field(
        description="The global id of what it is about (use `node`)."
    )
    created_at: datetime
    read_at: datetime | None

    @classmethod
    def from_model(cls, item: Notification) -> "NotificationType":
        return cls(
            id=strawberry.ID(str(item.id)),
            kind=item.kind,
            title=item.title,
            body=item.body,
            subject_id=strawberry.ID(item.subject_id) if item.subject_id else None,
            created_at=item.created_at,
            read_at=item.read_at,
        )


@strawberry.input
class MarkNotificationsReadInput:
    ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Which ones; omit to mark all read."
    )


@strawberry.type
class MarkNotificationsReadPayload:
    marked: int = 0
    errors: list[UserError]

    @strawberry.field(description="Unread notifications left, answered also when marking failed.")
    async def unread_count(self, info: Info) -> int:
        return await query(notifications.unread_count(info.context))


@strawberry.type
class NotificationQueries:
    @strawberry.field(description="Your notifications, newest first.")
    async def my_notifications(
        self,
        info: Info,
        unread_only: bool = False,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[NotificationType]:
        page = await query(
            notifications.my_notifications(
                info.context, unread_only, PageRequest(first=first, after=after)
            )
        )
        return Connection[NotificationType].of(page, NotificationType.from_model)


@strawberry.type
class NotificationMutations:
    @audited_mutation(description="Mark your notifications read.")
    async def mark_notifications_read(
        self, info: Info, input: MarkNotificationsReadInput
    ) -> MarkNotificationsReadPayload:
        ids = [parse_object_id(str(i), "ids") for i in input.ids] if input.ids else None
        marked = await notifications.mark_read(info.context, ids)
        return MarkNotificationsReadPayload(marked=marked, errors=[])
