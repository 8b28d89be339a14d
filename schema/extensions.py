"""Error shaping: every error a client sees has `extensions.code`; unexpected ones are masked.

Validation, parsing and limit errors (depth, aliases, tokens) happen before execution and say
what is wrong with the request. Errors raised on purpose (`ApiError`) keep their message. Any
other exception is logged with the request id and shown only as INTERNAL_ERROR + that id.
"""

import logging
from collections.abc import Iterator, Sequence

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from i18n import _

log = logging.getLogger("sikerma.graphql")

# Messages of graphql-core and Strawberry's limiters, and the code each gets.
REQUEST_ERROR_CODES = (
    ("exceeds maximum operation depth", "QUERY_TOO_DEEP"),
    ("aliases found. Allowed", "TOO_MANY_ALIASES"),
    ("tokens. Parsing aborted", "TOO_MANY_TOKENS"),
    ("Syntax Error", "GRAPHQL_PARSE_FAILED"),
    ("got invalid value", "BAD_USER_INPUT"),
    ("cannot represent", "BAD_USER_INPUT"),
    ("has invalid value", "BAD_USER_INPUT"),
    ("Expected value of type", "BAD_USER_INPUT"),
)


def request_error_code(message: str) -> str:
    for fragment, code in REQUEST_ERROR_CODES:
        if fragment in message:
            return code
    return "GRAPHQL_VALIDATION_FAILED"


class ShapeErrors(SchemaExtension):
    """Shapes the errors of an operation that ran; the HTTP view (server.py) shapes again
    whatever an operation ended with, so an error raised outside any field is masked too."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        context = self.execution_context.context
        request_id = getattr(context, "request_id", "-")
        result.errors = shape_errors(result.errors, request_id)


def shape_errors(errors: Sequence[GraphQLError], request_id: str) -> list[GraphQLError]:
    return [_shape(error, request_id) for error in errors]


def _shape(error: GraphQLError, request_id: str) -> GraphQLError:
    original = error.original_error
    if (error.extensions or {}).get("code") and not _unexpected(original):
        return error
    if isinstance(original, GraphQLError) and (original.extensions or {}).get("code"):
        return error
    # graphql-core says which input value was wrong (its message names the variable and the
    # type); nothing of the server is in it.
    if original is None or (error.path is None and _is_request_error(error.message)):
        code = request_error_code(error.message)
        return _with_extensions(error, {**(error.extensions or {}), "code": code})
    where = ".".join(map(str, error.path)) if error.path else "the request"
    log.error("unexpected error in %s (request %s)", where, request_id, exc_info=original)
    return GraphQLError(
        _(
            "Unexpected error; quote request id %(request_id)s when reporting it.",
            request_id=request_id,
        ),
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions={"code": "INTERNAL_ERROR", "requestId": request_id},
    )


def _unexpected(original: BaseException | None) -> bool:
    return original is not None and not isinstance(original, GraphQLError)


def _is_request_error(message: str) -> bool:
    return any(fragment in message for fragment, _ in REQUEST_ERROR_CODES)


def _with_extensions(error: GraphQLError, extensions: dict[str, object]) -> GraphQLError:
    return GraphQLError(
        error.message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error,
        extensions=extensions,
    )
