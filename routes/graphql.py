"""/graphql: the API, its subscriptions (websocket) and GraphiQL."""

from typing import Any

from cross_web import HTTPException
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, process_result
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET, UnsetType

from middleware.headers import request_id_of
from resolvers import auth
from resolvers.context import Context
from routes.context import request_context
from routes.responses import error_response
from routes.webapp import local_graphiql
from schema import build_schema
from schema.extensions import shape_errors
from settings import Settings


def http_refusal(error: HTTPException) -> JSONResponse:
    """A request the GraphQL view refused before running it, in the GraphQL error shape.
    Strawberry's reasons say what is wrong with the request, nothing of the server."""
    status, reason = error.status_code, error.reason
    if "not allowed when using GET" in reason or status == 405:
        response = error_response(405, "METHOD_NOT_ALLOWED", reason)
        response.headers["Allow"] = "GET, POST"
        return response
    if reason == "Unsupported content type":
        return error_response(
            415, "UNSUPPORTED_MEDIA_TYPE", "send application/json or multipart/form-data"
        )
    if status == 404:
        return error_response(404, "NOT_FOUND", reason)
    return error_response(400, "BAD_REQUEST", reason)


def release_context(request: Request) -> None:
    """The request's context lets go of its records (see Context.release); a request
    refused before it ran has none."""
    context: Context | None = getattr(request.state, "graphql_context", None)
    if context is not None:
        context.release()


class GraphQLApp(GraphQL[Context, None]):
    """Strawberry's ASGI app with our context, and every answer (refused requests and
    errors raised outside any field included) in the GraphQL error shape."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(
            build_schema(settings),
            multipart_uploads_enabled=True,
            graphql_ide="graphiql" if settings.graphiql_enabled else None,
        )
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            response = await self.response_to(request)
            await response(scope, receive, send)
        finally:
            release_context(request)

    async def response_to(self, request: Request) -> Response:
        """The operation's answer, or why it was refused, in the GraphQL error shape."""
        try:
            return await self.run(request)
        except HTTPException as error:
            return http_refusal(error)
        except UnicodeError:
            return error_response(400, "BAD_REQUEST", "the body is not valid UTF-8")

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        if result.errors:
            errors: list[GraphQLError] = list(result.errors)
            result.errors = shape_errors(errors, request_id_of(request.scope))
        return process_result(result)

    async def get_context(self, request: Any, response: Any) -> Context:
        context = request.state.graphql_context = request_context(request)
        return context

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """A subscription's credentials come in the connection_init payload."""
        params = context.connection_params or {}
        header = params.get("Authorization") or params.get("authorization")
        context.viewer = await auth.authenticate(
            header if isinstance(header, str) else None, context.settings, context.signing_key
        )
        return UNSET

    async def render_graphql_ide(self, request: Any) -> Response:
        html, csp = local_graphiql(self.graphql_ide_html, self.settings.web_dist_dir)
        return HTMLResponse(html, headers={"Content-Security-Policy": csp})
