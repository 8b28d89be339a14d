"""Notifying users, and reading one's own notifications."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from beanie import PydanticObjectId
from pymongo.errors import BulkWriteError
from strawberry import relay

from i18n import Text, language
from models import Notification, User
from models.clock import utcnow
from models.enums import Role
from models.notification import EmailStatus
from resolvers.access import require_signed_in, require_writer
from resolvers.context import Context
from resolvers.pagination import Page, PageRequest, SortKey, paginate

log = logging.getLogger("sikerma")


@dataclass(frozen=True)
class Message:
    """Written in each recipient's preferred language when it is stored for them (a plain
    string is already final, e.g. words a person typed)."""

    kind: str
    title: Text | str
    body: Text | str | None = None
    subject_id: str | None = None

    def rendered(self, chosen: str | None) -> tuple[str, str]:
        with language(chosen):
            return str(self.title), str(self.body) if self.body is not None else ""


async def preferred_languages(user_ids: list[PydanticObjectId]) -> dict[PydanticObjectId, str]:
    """Each recipient's chosen language (those without one read the default)."""
    rows = User.get_pymongo_collection().find(
        {"_id": {"$in": user_ids}, "preferred_language": {"$ne": None}},
        {"preferred_language": 1},
    )
    return {r["_id"]: r["preferred_language"] for r in await rows.to_list()}


async def notify(
    user_ids: Iterable[PydanticObjectId],
    message: Message,
    *,
    email: bool,
    dedupe_key: str | None = None,
) -> int:
    """Store one notification per user; with `email`, also queue it for mail. With a
    `dedupe_key`, a notification already made for that key and user is not made again.
    Returns how many were made."""
    now = utcnow()
    recipients = list(dict.fromkeys(user_ids))
    if not recipients:
        return 0
    chosen = await preferred_languages(recipients)
    texts = {lang: message.rendered(lang) for lang in {None, *chosen.values()}}
    rows = [
        Notification(
            user_id=user_id,
            kind=message.kind,
            title=texts[chosen.get(user_id)][0],
            body=texts[chosen.get(user_id)][1],
            subject_id=message.subject_id,
            dedupe_key=f"{dedupe_key}:{user_id}" if dedupe_key else None,
            email_status=EmailStatus.PENDING if email else EmailStatus.NONE,
            email_next_attempt_at=now if email else None,
        )
        for user_id in recipients
    ]
    try:
        await Notification.insert_many(rows, ordered=False)
    except BulkWriteError as error:
        # Duplicates of an already-notified key are expected; anything else is not.
        if any(e.get("code") != 11000 for e in error.details.get("writeErrors", [])):
            raise
        return int(error.details.get("nInserted", 0))
    return len(rows)


def subject(type_name: str, raw_id: Any) -> str:
    """The global id a notification names its subject by (what `node(id:)` takes)."""
    return str(relay.GlobalID(type_name, str(raw_id)))


async def notify_safely(
    user_ids: Iterable[PydanticObjectId], message: Message, *, email: bool
) -> None:
    """Notify about an act already stored: a failure here is logged, never turned into a
    failure of the act."""
    try:
        await notify(user_ids, message, email=email)
    except Exception:
        log.exception("could not store the %s notification", message.kind)


async def users_with_role(role: Role) -> list[PydanticObjectId]:
    found = await User.find({"role": role.value, "active": True}).to_list()
    return [u.id for u in found if u.id is not None]


async def my_notifications(
    ctx: Context, unread_only: bool, request: PageRequest
) -> Page[Notification]:
    require_signed_in(ctx.viewer)
    query: dict[str, Any] = {"user_id": ctx.viewer.user_id}
    if unread_only:
        query["read_at"] = None
    return await paginate(
        Notification,
        query,
        SortKey("created_at", descending=True),
        request,
        default_size=ctx.settings.default_page_size,
        max_size=ctx.settings.max_page_size,
    )


async def unread_count(ctx: Context) -> int:
    require_signed_in(ctx.viewer)
    return await Notification.get_pymongo_collection().count_documents(
        {"user_id": ctx.viewer.user_id, "read_at": None}
    )


async def mark_read(ctx: Context, ids: list[PydanticObjectId] | None) -> int:
    """Mark the given notifications of the viewer (or all of them) read; how many changed."""
    require_writer(ctx.viewer)
    query: dict[str, Any] = {"user_id": ctx.viewer.user_id, "read_at": None}
    if ids is not None:
        query["_id"] = {"$in": ids}
    result = await Notification.get_pymongo_collection().update_many(
        query, {"$set": {"read_at": utcnow()}}
    )
    return result.modified_count
