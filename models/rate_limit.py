"""Rate-limit windows kept in the database, so that every API process spends one budget.

A storage for PyPI `limits`' moving-window strategy on PyMongo's async client (limits' own
MongoDB storage needs Motor, which this project does not use). One record per key holds the
times of its most recent requests, newest first, at most `limit` of them; a TTL index drops
a record once its window has passed.
"""

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import ClassVar

from beanie import Document
from limits.aio.storage import MovingWindowSupport, Storage
from pymongo import IndexModel, WriteConcern
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError, PyMongoError


class RateLimitWindow(Document):
    id: str  # type: ignore[assignment]
    entries: list[float]  # request times (seconds since the epoch), newest first
    expire_at: datetime

    class Settings:
        name = "rate_limit_windows"
        indexes: ClassVar = [IndexModel("expire_at", expireAfterSeconds=0)]


def _windows() -> AsyncCollection:
    # A request time lost in a crash costs nothing worth waiting for the journal on every
    # anonymous request (the client's other writes are journaled: see database.py).
    return RateLimitWindow.get_pymongo_collection().with_options(
        write_concern=WriteConcern(w=1, j=False)
    )


class WindowStore(Storage, MovingWindowSupport):
    """Only the moving window is kept here: the counters of limits' other strategies are
    not implemented."""

    STORAGE_SCHEME = None

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self.clock = clock

    @property
    def base_exceptions(self) -> type[Exception]:
        return PyMongoError

    async def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        """Add `amount` requests unless the window would then hold more than `limit`: the
        filter matches only while the (limit - amount)th newest entry (counted from zero)
        has left the window, so the check and the write are one atomic update."""
        if amount > limit:
            return False
        now = self.clock()
        collection = _windows()
        selector = {"_id": key, f"entries.{limit - amount}": {"$not": {"$gt": now - expiry}}}
        update = {
            "$push": {"entries": {"$each": [now] * amount, "$position": 0, "$slice": limit}},
            "$set": {"expire_at": datetime.fromtimestamp(now, UTC) + timedelta(seconds=expiry)},
        }
        try:
            await collection.update_one(selector, update, upsert=True)
        except DuplicateKeyError:
            # The record exists and its window is full, or a twin request of another
            # process created it a moment ago: try once more without creating it.
            return (await collection.update_one(selector, update)).modified_count == 1
        return True

    async def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        """The oldest request time in the window and how many requests it holds."""
        now = self.clock()
        record = await _windows().find_one({"_id": key})
        recent = [t for t in (record or {}).get("entries", []) if t > now - expiry]
        return (min(recent), len(recent)) if recent else (now, 0)

    async def clear(self, key: str) -> None:
        await _windows().delete_one({"_id": key})

    async def reset(self) -> int | None:
        return (await _windows().delete_many({})).deleted_count

    async def check(self) -> bool:
        try:
            await _windows().database.command("ping")
        except PyMongoError:
            return False
        return True

    async def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        raise NotImplementedError

    async def get(self, key: str) -> int:
        raise NotImplementedError

    async def get_expiry(self, key: str) -> float:
        raise NotImplementedError
