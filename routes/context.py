"""The resolvers' context of an HTTP request or websocket."""

from starlette.requests import Request
from starlette.websockets import WebSocket

import i18n
from middleware.authentication import viewer_of
from middleware.headers import request_id_of
from resolvers.context import Context


def request_context(request: Request | WebSocket) -> Context:
    """Who the request acts for (as `Authentication` found) and what it carries."""
    viewer = viewer_of(request.scope)
    if viewer.language:
        # Reset with the request's own language by LanguageMiddleware when the request ends.
        i18n.set_language(viewer.language)
    return Context(
        database=request.app.state.database,
        settings=request.app.state.settings,
        viewer=viewer,
        request_id=request_id_of(request.scope),
        signing_key=request.app.state.signing_key,
        client_address=request.client.host if request.client else None,
        ocr=request.app.state.ocr,
    )
