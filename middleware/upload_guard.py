"""The guard in front of the GraphQL endpoint for uploads (multipart requests): refused
before a byte of the body is read unless they are signed in, preflighted and within size,
and stopped as soon as the streamed body passes the limit."""

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from i18n import _
from middleware.authentication import viewer_of
from middleware.base import HttpMiddleware
from routes.responses import error_response
from settings import Settings

# Multipart bodies carry a little more than the file: field names, boundaries, the query.
MULTIPART_OVERHEAD = 1024 * 1024


class BodyTooLarge(Exception):
    pass


def limited(receive: Receive, limit: int) -> Receive:
    """`receive` that stops a body longer than `limit` while it streams: a chunked body
    without Content-Length is not spooled to disk in full before its size is known."""
    received = 0

    async def receive_within_limit() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge
        return message

    return receive_within_limit


class UploadGuard(HttpMiddleware):
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        super().__init__(app)
        self.settings = settings
        self.limit = settings.max_upload_bytes + MULTIPART_OVERHEAD

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        refusal = self._refuse(Request(scope))
        if refusal is None:
            try:
                await self.app(scope, limited(receive, self.limit), send)
                return
            except BodyTooLarge:
                refusal = self._too_large()
        await refusal(scope, receive, send)

    def _refuse(self, request: Request) -> Response | None:
        if not request.headers.get("content-type", "").startswith("multipart/form-data"):
            return None
        # A browser sends a cross-site form without preflight; such a form cannot set this
        # header, so requiring it stops cross-site request forgery through uploads.
        if "apollo-require-preflight" not in request.headers:
            return error_response(
                400,
                "CSRF_PREFLIGHT_REQUIRED",
                _("multipart requests must send the Apollo-Require-Preflight header"),
            )
        # Only signed-in users upload.
        viewer = viewer_of(request.scope)
        if not viewer.signed_in:
            return error_response(
                401, "UNAUTHENTICATED", viewer.auth_error or "sign in to upload files"
            )
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > self.limit:
            return self._too_large()
        return None

    def _too_large(self) -> Response:
        return error_response(
            413,
            "FILE_TOO_LARGE",
            _("the file is larger than %(megabytes)s MB", megabytes=self.settings.max_upload_mb),
        )
