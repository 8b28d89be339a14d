"""Layers that give each response its request id, language and security headers."""

import re
import uuid

from starlette.types import Message, Receive, Scope, Send

import i18n
from middleware.base import HttpMiddleware, on_response_start
from routes.webapp import APP_CSP

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def request_id_of(scope: Scope) -> str:
    return str(scope.get("state", {}).get("request_id", "-"))


class RequestIdMiddleware(HttpMiddleware):
    """Give every request an id (the client's X-Request-ID if sane) and echo it back."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id

        def add_id(message: Message) -> None:
            message.setdefault("headers", []).append((b"x-request-id", request_id.encode()))

        await self.app(scope, receive, on_response_start(send, add_id))


class LanguageMiddleware(HttpMiddleware):
    """Serve each request in the language its client prefers (`Accept-Language`; Indonesian
    by default). A signed-in user's own preference overrides it (see `request_context`)."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        header = dict(scope["headers"]).get(b"accept-language", b"").decode("latin-1")
        token = i18n.set_language(i18n.negotiate(header))

        def add_language(message: Message) -> None:
            headers = message.setdefault("headers", [])
            headers.append((b"content-language", i18n.current_language().encode()))
            headers.append((b"vary", b"Accept-Language"))

        try:
            await self.app(scope, receive, on_response_start(send, add_language))
        finally:
            i18n.reset_language(token)


class SecurityHeadersMiddleware(HttpMiddleware):
    """Headers every response carries. Pages (HTML) get the web app's content policy unless
    they set their own (GraphiQL does); everything else gets the strictest one."""

    HEADERS = (
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"no-referrer"),
        (b"cross-origin-opener-policy", b"same-origin"),
        (b"strict-transport-security", b"max-age=31536000"),
    )
    STRICT_CSP = (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'")
    PAGE_CSP = (b"content-security-policy", APP_CSP.encode())

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, on_response_start(send, self.add_headers))

    def add_headers(self, message: Message) -> None:
        headers = message.setdefault("headers", [])
        present = {name.lower() for name, _ in headers}
        headers.extend(h for h in self.HEADERS if h[0] not in present)
        is_html = any(
            name.lower() == b"content-type" and value.startswith(b"text/html")
            for name, value in headers
        )
        # A 304 has no body and no type: a browser keeps the stored response's
        # headers, and a policy added here would replace the page's own.
        if b"content-security-policy" not in present and message["status"] != 304:
            headers.append(self.PAGE_CSP if is_html else self.STRICT_CSP)
