"""Turning GraphQL inputs into the plain values the resolvers take."""

from typing import Any

import strawberry
from strawberry.types.base import has_object_definition

from schema.errors import camel
from schema.relay import decode_id, decode_ids


def provided(data: object, *, skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The fields the client actually sent (an omitted field is not a field set to null)."""
    out: dict[str, Any] = {}
    for name, value in vars(data).items():
        if name in skip or value is strawberry.UNSET:
            continue
        if isinstance(value, list):
            value = [_plain(v) for v in value]
        out[name] = _plain(value)
    return out


def _plain(value: Any) -> Any:
    if has_object_definition(value):
        return provided(value)
    return value


def with_ids(fields: dict[str, Any], ids: dict[str, tuple[str, str]]) -> dict[str, Any]:
    """Replace global ids by database ids: `{field: (type name, model field)}`."""
    out = dict(fields)
    for name, (type_name, target) in ids.items():
        if name not in out:
            continue
        value = out.pop(name)
        label = camel(name)
        if value is None:
            out[target] = None
        elif isinstance(value, list):
            out[target] = decode_ids(value, type_name, label)
        else:
            out[target] = decode_id(value, type_name, label)
    return out


IDEMPOTENCY_HELP = (
    "A key the client generates once per intended request (a UUID) and sends again with every "
    "retry: a retry returns the first result and creates nothing new."
)
