"""Keyset pagination over any collection, sorted by one field with `_id` as the tie-breaker.

A cursor names the last row seen (its sort value and id), so pages stay correct while rows
are added, and each page is one indexed range query however deep the client goes. Rows whose
sort value is missing (an agreement not signed yet) sort first ascending and last descending,
as MongoDB sorts them.
"""

import base64
import binascii
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from beanie import Document
from beanie.odm.utils.encoder import Encoder
from bson import json_util

from models.errors import DomainError, ErrorCode


@dataclass(frozen=True)
class PageRequest:
    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None

    def size(self, default: int, maximum: int) -> tuple[int, bool]:
        """How many rows, and whether to page backwards."""
        if self.first is not None and self.last is not None:
            raise DomainError(ErrorCode.INVALID, "pass either first or last, not both", "first")
        backwards = self.last is not None or (self.before is not None and self.first is None)
        count = self.last if backwards else self.first
        if count is None:
            count = default
        name = "last" if backwards else "first"
        if count < 0:
            raise DomainError(ErrorCode.INVALID, "%(name)s must not be negative", name, name=name)
        if count > maximum:
            raise DomainError(
                ErrorCode.PAGE_SIZE_EXCEEDED,
                "%(name)s may be at most %(most)s",
                name,
                name=name,
                most=maximum,
            )
        return count, backwards


@dataclass
class Page[R]:
    items: list[R]
    cursors: list[str]
    has_next_page: bool
    has_previous_page: bool
    count: Callable[[], Awaitable[int]]


@dataclass(frozen=True)
class SortKey:
    field: str
    descending: bool = False


def encode_cursor(value: Any, row_id: Any) -> str:
    raw = json_util.dumps([value, row_id]).encode()
    return base64.urlsafe_b64encode(raw).decode()


def decode_cursor(cursor: str, field: str) -> tuple[Any, Any]:
    try:
        value, row_id = json_util.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError, binascii.Error):
        raise DomainError(ErrorCode.INVALID_CURSOR, "this cursor is not valid", field) from None
    return value, row_id


def combine(*conditions: dict[str, Any]) -> dict[str, Any]:
    """All conditions at once. A `$text` search stays at the top level, where MongoDB (and
    the embedded engine, more strictly) expects it."""
    combined: dict[str, Any] = {}
    parts: list[dict[str, Any]] = []
    for condition in conditions:
        for name, value in condition.items():
            if name == "$text":
                combined[name] = value
            elif name == "$and":
                parts.extend(value)
            else:
                parts.append({name: value})
    if len(parts) == 1:
        combined.update(parts[0])
    elif parts:
        combined["$and"] = parts
    return combined


def _beyond(key: SortKey, value: Any, row_id: Any, forward: bool) -> dict[str, Any]:
    """Rows strictly after (value, row_id) in the scan order."""
    descending = key.descending != (not forward)
    compare = "$lt" if descending else "$gt"
    if value is None:
        tie = {key.field: None, "_id": {compare: row_id}}
        # Missing values come first ascending: everything with a value follows them.
        return tie if descending else {"$or": [tie, {key.field: {"$ne": None}}]}
    # `$ne: None` spelled out: MongoDB never orders null against a value, but the embedded
    # engine's range operators can match nulls.
    after = [
        {key.field: {compare: value, "$ne": None}},
        {key.field: value, "_id": {compare: row_id}},
    ]
    if descending:
        after.append({key.field: None})
    return {"$or": after}


async def paginate[R: Document](
    model: type[R],
    query: dict[str, Any],
    key: SortKey,
    request: PageRequest,
    *,
    default_size: int,
    max_size: int,
) -> Page[R]:
    size, backwards = request.size(default_size, max_size)
    cursor = request.before if backwards else request.after
    filter_ = query
    if cursor is not None:
        value, row_id = decode_cursor(cursor, "before" if backwards else "after")
        filter_ = combine(query, _beyond(key, value, row_id, forward=not backwards))
    scan_descending = key.descending != backwards
    direction = -1 if scan_descending else 1
    # Straight through PyMongo: Beanie adds a projection of every field, which the embedded
    # engine mishandles together with `$text` (it returns only `_id`).
    cursor_ = (
        model.get_pymongo_collection()
        .find(filter_)
        .sort([(key.field, direction), ("_id", direction)])
        .limit(size + 1)
    )
    rows = [model.model_validate(raw) for raw in await cursor_.to_list()]
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()

    async def count() -> int:
        collection = model.get_pymongo_collection()
        if "$text" in query:
            # count_documents wraps the filter in an aggregation, where the embedded engine
            # refuses `$text`; counting the matching ids works on both engines.
            return len(await collection.find(query, {"_id": 1}).to_list())
        return await collection.count_documents(query)

    return Page(
        items=rows,
        cursors=[encode_cursor(Encoder().encode(getattr(r, key.field)), r.id) for r in rows],
        has_next_page=more if not backwards else request.before is not None,
        has_previous_page=more if backwards else request.after is not None,
        count=count,
    )
