"""Keyset pagination over any collection, sorted by one field with `_id` as the tie-breaker.

A cursor names the last row seen (its sort value and id), so pages stay correct while rows
are added, and each page is one indexed range query however deep the client goes. Rows whose
sort value is missing (an agreement not signed yet) sort first ascending and last descending,
as MongoDB sorts them.

A list may also be ranked in tiers (title matches before the rest of a text search): each
tier is a filter, the tiers split the rows between them, and a whole tier comes before the
next. The cursor also names the tier of its row, so a page that crosses from one tier to the
next is two range queries and every later page continues in the right tier.
"""

import base64
import binascii
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from beanie import Document
from beanie.odm.utils.encoder import Encoder
from bson import json_util

from models.errors import DomainError, ErrorCode
from models.search import title_first


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
        raise invalid_cursor(field) from None
    return value, row_id


def invalid_cursor(field: str) -> DomainError:
    return DomainError(ErrorCode.INVALID_CURSOR, "this cursor is not valid", field)


def encode_tiered_cursor(tier: int, value: Any, row_id: Any) -> str:
    return encode_cursor([tier, value], row_id)


def decode_tiered_cursor(cursor: str, field: str, tiers: int) -> tuple[int, Any, Any]:
    pair, row_id = decode_cursor(cursor, field)
    if not isinstance(pair, list) or len(pair) != 2:
        raise invalid_cursor(field)
    tier, value = pair
    if not isinstance(tier, int) or not 0 <= tier < tiers:
        raise invalid_cursor(field)
    return tier, value, row_id


def combine(*conditions: dict[str, Any]) -> dict[str, Any]:
    """All conditions at once: one query document with a field per condition, and `$and`
    only for a field named twice. SecantusDB plans no index for a query whose top level is
    an operator (`{"$and": [...]}`), and reads the whole collection for it."""
    combined: dict[str, Any] = {}
    repeated: list[dict[str, Any]] = []
    for condition in conditions:
        for name, value in condition.items():
            parts = value if name == "$and" else [{name: value}]
            for part in parts:
                for field, clause in part.items():
                    if field in combined:
                        repeated.append({field: clause})
                    else:
                        combined[field] = clause
    if repeated:
        combined["$and"] = [*combined.get("$and", []), *repeated]
    return combined


def text_tiers(text: str | None, default_order: bool) -> Sequence[dict[str, Any]]:
    """The tiers of a list searched by `text`: title matches first, unless the client chose
    an order (then the list is in that order alone)."""
    if default_order and text and text.strip():
        return title_first(text)
    return ({},)


def _beyond(key: SortKey, value: Any, row_id: Any, forward: bool) -> dict[str, Any]:
    """Rows strictly after (value, row_id) in the scan order."""
    descending = key.descending != (not forward)
    compare = "$lt" if descending else "$gt"
    if value is None:
        tie = {key.field: None, "_id": {compare: row_id}}
        # Missing values come first ascending: everything with a value follows them.
        return tie if descending else {"$or": [tie, {key.field: {"$ne": None}}]}
    # `$ne: None` spelled out: MongoDB never orders null against a value, but mongoeco's
    # range operators match nulls (docs/engines.md).
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
    tiers: Sequence[dict[str, Any]] = ({},),
) -> Page[R]:
    size, backwards = request.size(default_size, max_size)
    cursor = request.before if backwards else request.after
    start: tuple[int, Any, Any] | None = None
    if cursor is not None:
        start = decode_tiered_cursor(cursor, "before" if backwards else "after", len(tiers))
    scan_descending = key.descending != backwards
    direction = -1 if scan_descending else 1
    order = range(len(tiers) - 1, -1, -1) if backwards else range(len(tiers))
    found: list[tuple[int, R]] = []
    for tier in order:
        filter_ = combine(query, tiers[tier])
        if start is not None:
            start_tier, value, row_id = start
            if (tier > start_tier) if backwards else (tier < start_tier):
                continue  # the cursor has left this tier behind
            if tier == start_tier:
                filter_ = combine(filter_, _beyond(key, value, row_id, forward=not backwards))
        raw = (
            await model.get_pymongo_collection()
            .find(filter_)
            .sort([(key.field, direction), ("_id", direction)])
            .limit(size + 1 - len(found))
            .to_list()
        )
        found.extend((tier, model.model_validate(row)) for row in raw)
        if len(found) > size:
            break
    more = len(found) > size
    found = found[:size]
    if backwards:
        found.reverse()

    async def count() -> int:
        return await model.get_pymongo_collection().count_documents(query)

    return Page(
        items=[row for _, row in found],
        cursors=[
            encode_tiered_cursor(tier, Encoder().encode(getattr(row, key.field)), row.id)
            for tier, row in found
        ],
        has_next_page=more if not backwards else request.before is not None,
        has_previous_page=more if backwards else request.after is not None,
        count=count,
    )
