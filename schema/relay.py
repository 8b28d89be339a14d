"""Relay plumbing: global ids and keyset connections shared by every list field."""

from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Any

import strawberry
from beanie import PydanticObjectId
from strawberry import relay

from models.base import Record
from models.errors import DomainError, ErrorCode
from resolvers import scoped
from resolvers.pagination import Page, PageRequest
from resolvers.scoped import Use
from schema.context import Info


def global_id(type_name: str, raw_id: Any) -> str:
    return str(relay.GlobalID(type_name, str(raw_id)))


def parse_global_id(value: str, *, field: str = "id") -> tuple[str, PydanticObjectId]:
    try:
        gid = relay.GlobalID.from_id(value)
        return gid.type_name, PydanticObjectId(gid.node_id)
    except Exception:
        raise DomainError(
            ErrorCode.INVALID_ID, "%(value)r is not a valid id", field, value=value
        ) from None


def decode_id(value: strawberry.ID | str, type_name: str, field: str) -> PydanticObjectId:
    """The database id behind a global id, which must name a `type_name`."""
    kind, raw = parse_global_id(str(value), field=field)
    if kind != type_name:
        raise DomainError(
            ErrorCode.INVALID_ID, "expected the id of a %(type)s", field, type=type_name
        )
    return raw


def decode_ids(values: list[strawberry.ID], type_name: str, field: str) -> list[PydanticObjectId]:
    return [decode_id(v, type_name, field) for v in values]


async def scoped_nodes[M: Record, T](
    info: Info,
    model: type[M],
    ids: list[PydanticObjectId],
    convert: Callable[[M], T],
    use: Use = Use.READ,
) -> list[T | None]:
    """A node type's `load_nodes` (schema/nodes.py): its records by id, through the scoped
    read."""
    found = await scoped.by_ids(info.context.viewer, model, ids, use)
    return [None if record is None else convert(record) for record in found]


async def embedded_nodes[M: Record, T](
    info: Info,
    model: type[M],
    field: str,
    ids: list[PydanticObjectId],
    convert: Callable[[Any, M], T],
) -> list[T | None]:
    """`load_nodes` of items embedded in records (documents, attachments): each readable
    with its record."""
    found = await scoped.embedded_by_id(info.context.viewer, model, field, ids)
    return [None if pair is None else convert(*pair) for pair in found]


def page_request(
    first: int | None, after: str | None, last: int | None, before: str | None
) -> PageRequest:
    return PageRequest(first=first, after=after, last=last, before=before)


@strawberry.enum
class SortDirection(Enum):
    ASC = "ASC"
    DESC = "DESC"


@strawberry.type
class Edge[T]:
    node: T
    cursor: str


@strawberry.type(description="A page of a keyset-paginated list.")
class Connection[T]:
    edges: list[Edge[T]]
    nodes: list[T]
    page_info: relay.PageInfo
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="How many items match the filter, over all pages.")
    async def total_count(self) -> int:
        return await self.count()

    @classmethod
    def of[M](cls, page: Page[M], convert: Callable[[M], T]) -> "Connection[T]":
        nodes = [convert(item) for item in page.items]
        return cls(
            edges=[Edge(node=n, cursor=c) for n, c in zip(nodes, page.cursors, strict=True)],
            nodes=nodes,
            page_info=relay.PageInfo(
                has_next_page=page.has_next_page,
                has_previous_page=page.has_previous_page,
                start_cursor=page.cursors[0] if page.cursors else None,
                end_cursor=page.cursors[-1] if page.cursors else None,
            ),
            count=page.count,
        )
