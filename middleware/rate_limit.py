"""The rate limit of requests without sign-in."""

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import Receive, Scope, Send

from i18n import _
from middleware.authentication import API_PATHS, viewer_of
from middleware.base import HttpMiddleware
from resolvers.rate_limit import RateLimiter


class AnonymousRateLimit(HttpMiddleware):
    """Requests without valid credentials are limited per client address (one count for
    every API process); over the limit they get 429 RATE_LIMITED with Retry-After.
    Only the API is limited (`API_PATHS`)."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not scope["path"].startswith(API_PATHS):
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        request = Request(scope)
        viewer = viewer_of(scope)
        limiter: RateLimiter | None = state.rate_limiter
        wait = None
        if limiter is not None and not viewer.signed_in:
            wait = await limiter.take(request.client.host if request.client else "-")
        if wait is None:
            await self.app(scope, receive, send)
            return
        response = JSONResponse(
            {
                "errors": [
                    {
                        "message": _(
                            "too many requests without sign-in; try again in %(seconds)s s",
                            seconds=wait,
                        ),
                        "extensions": {"code": "RATE_LIMITED", "retryAfterSeconds": wait},
                    }
                ]
            },
            status_code=429,
            headers={"Retry-After": str(wait)},
        )
        await response(scope, receive, send)
