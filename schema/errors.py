"""How broken rules reach clients.

Business-rule failures of a mutation come back in its payload as `UserError`s. Malformed
requests, missing authentication and refused permissions are top-level errors with
`extensions.code`. Anything unexpected is masked by the error extension (see `server.py`).
"""

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any, cast

import strawberry
from graphql import GraphQLError
from strawberry.extensions import FieldExtension
from strawberry.types.base import get_object_definition
from strawberry.types.field import StrawberryField

from i18n import _
from models.errors import DomainError, DomainErrors, ErrorCode

ErrorCodeEnum = strawberry.enum(ErrorCode, name="ErrorCode")

# These are never a payload error: they say the request itself may not be made.
TOP_LEVEL_CODES = frozenset({ErrorCode.UNAUTHENTICATED, ErrorCode.FORBIDDEN})


@strawberry.type(description="A business rule the input broke. `field` names the input field.")
class UserError:
    field: str | None
    code: ErrorCodeEnum  # type: ignore[valid-type]
    message: str


class ApiError(GraphQLError):
    """A top-level error whose message is safe to show and carries `extensions.code`.

    `message` is an English msgid (placeholders filled from `params`), shown translated."""

    def __init__(
        self, code: ErrorCode, message: str, field: str | None = None, **params: Any
    ) -> None:
        extensions: dict[str, Any] = {"code": code.value}
        if field:
            extensions["field"] = camel(field)
        super().__init__(_(message, **params), extensions=extensions)


def camel(name: str) -> str:
    """Name a model field the way the API does (`ends_on` → `endsOn`, `0.name` kept)."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _flatten(error: DomainError | DomainErrors) -> list[DomainError]:
    return error.errors if isinstance(error, DomainErrors) else [error]


def to_user_errors(error: DomainError | DomainErrors) -> list[UserError]:
    items = _flatten(error)
    for item in items:
        if item.code in TOP_LEVEL_CODES:
            raise ApiError(item.code, item.msgid, **item.params) from None
    return [
        UserError(field=camel(i.field) if i.field else None, code=i.code, message=i.message)
        for i in items
    ]


def to_api_error(error: DomainError | DomainErrors) -> ApiError:
    first = _flatten(error)[0]
    return ApiError(first.code, first.msgid, first.field, **first.params)


class PayloadErrors(FieldExtension):
    """A mutation's body is only its use case: a rule it breaks (DomainError) comes back as
    the payload's `errors`, every other field of the payload null (or its declared default;
    a field with a resolver answers for itself). Refusals of the request itself
    (UNAUTHENTICATED, FORBIDDEN) stay top-level errors. Saleor's BaseMutation does the same
    for its mutations."""

    def apply(self, field: StrawberryField) -> None:
        definition = get_object_definition(field.type, strict=True)
        self.payload = cast(Callable[..., Any], field.type)
        self.empty = {
            f.python_name: None
            for f in definition.fields
            if f.init and f.python_name != "errors" and f.default is dataclasses.MISSING
        }

    async def resolve_async(
        self, next_: Callable[..., Awaitable[Any]], source: Any, info: Any, **kwargs: Any
    ) -> Any:
        try:
            return await next_(source, info, **kwargs)
        except (DomainError, DomainErrors) as error:
            return self.payload(**self.empty, errors=to_user_errors(error))


async def query[T](action: Awaitable[T]) -> T:
    """Run a query's use case; a broken rule (bad filter, cursor, page size) is top-level."""
    try:
        return await action
    except (DomainError, DomainErrors) as error:
        raise to_api_error(error) from None
