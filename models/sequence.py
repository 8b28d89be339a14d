"""Named counters for numbers that must never repeat (e.g. tracking codes per year).

One atomic `$inc` with upsert per number: concurrent callers, in one process or many, each
get their own value. A number taken by a write that then failed is skipped, never reused.
"""

from beanie import Document
from pymongo import ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import DuplicateKeyError

# Two first-ever upserts of the same name can race on MongoDB: one inserts, the other gets a
# duplicate-key error and simply tries again, now finding the counter.
UPSERT_ATTEMPTS = 3


class Counter(Document):
    id: str  # type: ignore[assignment]
    value: int = 0

    class Settings:
        name = "counters"


async def _increment(name: str, session: AsyncClientSession | None) -> int:
    raw = await Counter.get_pymongo_collection().find_one_and_update(
        {"_id": name},
        {"$inc": {"value": 1}},
        upsert=True,
        return_document=ReturnDocument.AFTER,
        session=session,
    )
    assert raw is not None  # an upsert always returns the document
    return int(raw["value"])


async def next_value(name: str, session: AsyncClientSession | None = None) -> int:
    for _ in range(UPSERT_ATTEMPTS - 1):
        try:
            return await _increment(name, session)
        except DuplicateKeyError:
            continue
    return await _increment(name, session)
