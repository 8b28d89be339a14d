"""The last word on a request that failed outside GraphQL's own error handling (in a layer
such as authentication, or in a route): the client gets the GraphQL error shape with a code
and the request id, never the exception. A database that cannot be reached (the embedded
engine restarting, say) is a 503 the client may retry; anything else is logged and masked."""

import logging

from pymongo.errors import ConnectionFailure
from starlette.types import Message, Receive, Scope, Send

from i18n import _
from middleware.base import HttpMiddleware
from middleware.headers import request_id_of
from routes.responses import error_response

log = logging.getLogger("sikerma.http")

# Seconds a client waits before retrying while the database is unreachable.
RETRY_AFTER = 5


class ErrorBoundary(HttpMiddleware):
    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def send_tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, send_tracked)
        except Exception as error:
            if started:
                raise  # part of the answer is out: only closing the connection is left
            request_id = request_id_of(scope)
            if isinstance(error, ConnectionFailure):
                log.warning("database unreachable (request %s): %s", request_id, error)
                response = error_response(
                    503,
                    "SERVICE_UNAVAILABLE",
                    _("The database cannot be reached right now; try again in a moment."),
                    request_id,
                )
                response.headers["Retry-After"] = str(RETRY_AFTER)
            else:
                log.error("unexpected error (request %s)", request_id, exc_info=error)
                response = error_response(
                    500,
                    "INTERNAL_ERROR",
                    _(
                        "Unexpected error; quote request id %(request_id)s when reporting it.",
                        request_id=request_id,
                    ),
                    request_id,
                )
            await response(scope, receive, send)
