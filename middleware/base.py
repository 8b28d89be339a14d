"""What every layer of the stack shares: HTTP only, and a say in the response's headers."""

from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HttpMiddleware:
    """A layer for HTTP requests; websockets and lifespan events pass straight through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self.handle(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


def on_response_start(send: Send, edit: Callable[[Message], None]) -> Send:
    """`send` that lets `edit` change the response's status line and headers before they go."""

    async def send_edited(message: Message) -> None:
        if message["type"] == "http.response.start":
            edit(message)
        await send(message)

    return send_edited
