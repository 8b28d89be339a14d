"""Relay plumbing: global ids and keyset connections shared by every list field."""

from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Any, ClassVar, Self

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


def optional_id(
    value: strawberry.ID | str | None, type_name: str, field: str
) -> PydanticObjectId | None:
    """`decode_id` of an id that may be left out."""
    return decode_id(value, type_name, field) if value is not None else None


def decode_ids(values: list[strawberry.ID], type_name: str, field: str) -> list[PydanticObjectId]:
    return [decode_id(v, type_name, field) for v in values]


class RecordNode(relay.Node):
    """A node type that shows one kind of record: `node(id:)` (schema/nodes.py) reads its
    records through the scoped read and shows each with `from_model`."""

    record_type: ClassVar[type[Record]]
    # PUBLIC for the public catalogue's view of a record.
    read_as: ClassVar[Use] = Use.READ

    @classmethod
    def from_model(cls, record: Any) -> Self:
        """The node showing `record`; each type says how."""
        raise NotImplementedError

    @classmethod
    async def load_nodes(cls, info: Info, ids: list[PydanticObjectId]) -> list[Self | None]:
        found = await scoped.by_ids(info.context.viewer, cls.record_type, ids, cls.read_as)
        return [None if record is None else cls.from_model(record) for record in found]


def record_values(node: type, record: Any, **converted: Any) -> dict[str, Any]:
    """The values of a node type's fields that its record holds as they are, under the same
    names, and `converted`: those it shows otherwise (the id as a string, nested types)."""
    names = [
        f.python_name
        for f in node.__strawberry_definition__.fields  # type: ignore[attr-defined]
        if f.base_resolver is None and f.python_name not in converted
    ]
    return {**{name: getattr(record, name) for name in names}, **converted}


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
