"""`node(id:)` and `nodes(ids:)`: any object by its global id, under the viewer's rules.

Each node type loads its own records (`load_nodes`, through resolvers/scoped.py); one path
here finds the type a global id names and asks it, once per type for `nodes(ids:)`. A type
without `load_nodes` answers null: it is closed until it declares how it is read.
"""

from collections import defaultdict
from typing import Any

import strawberry
from beanie import PydanticObjectId
from strawberry import relay
from strawberry.types.base import StrawberryObjectDefinition

from models.errors import DomainError, ErrorCode
from schema.context import Info
from schema.errors import query
from schema.relay import parse_global_id

MAX_NODES = 100


async def _load(info: Info, global_ids: list[strawberry.ID], field: str) -> list[Any]:
    wanted = [parse_global_id(str(value), field=field) for value in global_ids]
    positions: dict[str, list[int]] = defaultdict(list)
    for position, (type_name, _) in enumerate(wanted):
        positions[type_name].append(position)
    found: list[Any] = [None] * len(wanted)
    for type_name, at in positions.items():
        definition = info.schema.get_type_by_name(type_name)
        if not isinstance(definition, StrawberryObjectDefinition):
            continue
        load_nodes = getattr(definition.origin, "load_nodes", None)
        if load_nodes is None or not issubclass(definition.origin, relay.Node):
            continue
        ids: list[PydanticObjectId] = [wanted[p][1] for p in at]
        for position, node in zip(at, await load_nodes(info, ids), strict=True):
            found[position] = node
    return found


@strawberry.type
class NodeQueries:
    @strawberry.field(description="Any object by its global id; null if not found or not yours.")
    async def node(self, info: Info, id: strawberry.ID) -> relay.Node | None:
        [found] = await query(_load(info, [id], "id"))
        return found

    @strawberry.field(description="Several objects by global id, in the order asked (≤ 100).")
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[relay.Node | None]:
        async def run() -> list[Any]:
            if len(ids) > MAX_NODES:
                raise DomainError(
                    ErrorCode.PAGE_SIZE_EXCEEDED,
                    "ask for at most %(most)s ids",
                    "ids",
                    most=MAX_NODES,
                )
            return await _load(info, ids, "ids")

        return await query(run())
