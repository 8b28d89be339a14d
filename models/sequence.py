"""Named counters for numbers that must never repeat (e.g. tracking codes per year).

One atomic `$inc` per number: concurrent callers, in one process or many, each get their own
value. A number taken by a write that then failed is skipped, never reused.
"""

from contextlib import suppress

from beanie import Document
from pymongo import ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import DuplicateKeyError


class Counter(Document):
    id: str  # type: ignore[assignment]
    value: int = 0

    class Settings:
        name = "counters"


async def _increment(
    name: str, session: AsyncClientSession | None = None, *, upsert: bool = False
) -> int | None:
    raw = await Counter.get_pymongo_collection().find_one_and_update(
        {"_id": name},
        {"$inc": {"value": 1}},
        upsert=upsert,
        return_document=ReturnDocument.AFTER,
        session=session,
    )
    return None if raw is None else int(raw["value"])


async def _create(name: str) -> None:
    """Start the counter at zero unless someone already has."""
    # A racing creator got there first: the counter exists, which is all that is needed.
    with suppress(DuplicateKeyError):
        await Counter.get_pymongo_collection().update_one(
            {"_id": name}, {"$setOnInsert": {"value": 0}}, upsert=True
        )


async def next_value(name: str, session: AsyncClientSession | None = None) -> int:
    if session is not None and session.in_transaction:
        # Racing first upserts conflict and the transaction is retried whole; a counter
        # created here is undone with the rest if the transaction aborts.
        value = await _increment(name, session, upsert=True)
    else:
        # Not an upserting `$inc`: racing first upserts fail with a duplicate key on MongoDB,
        # and on SecantusDB apply the increment but answer no document, losing that number.
        value = await _increment(name, session)
        if value is None:
            await _create(name)
            value = await _increment(name, session)
    if value is None:
        raise RuntimeError(f"counter {name!r} gave no value")
    return value
