"""The layers every request passes through, in one list (`stack`)."""

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from middleware.authentication import Authentication
from middleware.errors import ErrorBoundary
from middleware.headers import LanguageMiddleware, RequestIdMiddleware, SecurityHeadersMiddleware
from middleware.rate_limit import AnonymousRateLimit
from observability import Metrics, ObservabilityMiddleware
from settings import Settings


def stack(settings: Settings, metrics: Metrics) -> list[Middleware]:
    """Outermost first: each layer sees what the ones before it set (the client's address,
    the language, the request id) and answers for what the ones after it refuse."""
    # Outermost: every other layer sees the client's address as the proxy reported it.
    proxy = (
        [Middleware(ProxyHeadersMiddleware, trusted_hosts=settings.forwarded_allow_ips)]
        if settings.forwarded_allow_ips
        else []
    )
    return [
        *proxy,
        Middleware(LanguageMiddleware),
        Middleware(RequestIdMiddleware),
        # Inside the request id and language, so a failure's answer carries both.
        Middleware(ErrorBoundary),
        Middleware(ObservabilityMiddleware, metrics=metrics),
        Middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=[
                "Authorization",
                "Content-Type",
                "Apollo-Require-Preflight",
                "X-Request-ID",
            ],
            expose_headers=["X-Request-ID", "Content-Disposition", "ETag", "Content-Range"],
            max_age=600,
        ),
        Middleware(SecurityHeadersMiddleware),
        Middleware(Authentication),
        Middleware(AnonymousRateLimit),
    ]
