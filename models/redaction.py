"""Fields only some readers may see, declared on the model where the field is.

A field is marked `Annotated[..., Sensitive(Audience.X)]`. `redact` gives a copy of a record
(and of the models inside it) with every field the reader is not cleared for set back to its
default. Who is cleared for what is decided in `resolvers/access.py`; every path that hands a
record to a reader (GraphQL types, exports) goes through `redact`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import BaseModel


class Audience(StrEnum):
    # The city's own staff: the TKKSD's review notes and recommendations.
    CITY = "CITY"
    # The city's staff and the party the record describes: a partner's contacts and address.
    CITY_OR_SELF = "CITY_OR_SELF"


@dataclass(frozen=True)
class Sensitive:
    audience: Audience


# Whether the reader may see fields of `audience` on `record`.
Clearance = Callable[[Audience, BaseModel], bool]


def sensitive_fields(model: type[BaseModel]) -> dict[str, Audience]:
    return {
        name: marker.audience
        for name, info in model.model_fields.items()
        for marker in info.metadata
        if isinstance(marker, Sensitive)
    }


def redact[M: BaseModel](record: M, cleared: Clearance) -> M:
    """`record` as the reader may see it; the record itself is left as it was."""
    changes: dict[str, Any] = {
        name: type(record).model_fields[name].get_default(call_default_factory=True)
        for name, audience in sensitive_fields(type(record)).items()
        if not cleared(audience, record)
    }
    for name in type(record).model_fields:
        if name in changes:
            continue
        value = getattr(record, name)
        if isinstance(value, BaseModel):
            inner = redact(value, cleared)
            if inner is not value:
                changes[name] = inner
        elif isinstance(value, list) and value and isinstance(value[0], BaseModel):
            items = [redact(item, cleared) for item in value]
            if any(a is not b for a, b in zip(items, value, strict=True)):
                changes[name] = items
    return record.model_copy(update=changes) if changes else record
