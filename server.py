"""The HTTP service, assembled: its route table (the routes themselves are in routes/), the
layers around them (middleware/) and what runs between start and stop (lifespan.py).

`python server.py` serves on HOST:PORT; with `--demo` it first fills an empty database with
the demo data.
"""

import argparse
import asyncio
import socket
import sys
from typing import Any

import uvicorn
from pymongo.monitoring import CommandListener
from starlette.applications import Starlette
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute

import middleware
from database import EngineStartError, connect, database_uri
from lifespan import check_production_settings, lifespan
from middleware.upload_guard import UploadGuard
from models.credentials import use_hashing
from observability import CommandCounter, Metrics, configure_logging
from resolvers.rate_limit import RateLimiter
from routes.exports import dossier_zip, export, handover_document, open_data
from routes.files import download
from routes.graphql import GraphQLApp
from routes.health import healthz, readyz, serve_metrics
from routes.webapp import SinglePageApp, is_built, not_built
from settings import Settings, get_settings
from workers import serve_workers, unwind_on_sigterm

# uvicorn logs through our JSON log; our line per request replaces its access log.
UVICORN_LOGS: dict[str, Any] = {"log_config": None, "access_log": False}


def routes(settings: Settings) -> list[BaseRoute]:
    graphql = GraphQLApp(settings)
    web = (
        Mount("/", SinglePageApp(directory=settings.web_dist_dir, html=True))
        if is_built(settings.web_dist_dir)
        else Route("/{path:path}", not_built)
    )
    return [
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/files/{file_id}", download, methods=["GET", "HEAD"]),
        Route("/briefings/handover/{org_unit_id}", handover_document),
        Route("/graphql", UploadGuard(graphql, settings)),
        WebSocketRoute("/graphql", graphql),
        Route("/exports/{name}", export),
        Route("/open-data/ocds.json", open_data),
        Route("/dossiers/{agreement_id}.zip", dossier_zip),
        Route("/metrics", serve_metrics),
        web,
    ]


def create_app(
    settings: Settings | None = None,
    *,
    listeners: list[CommandListener] | None = None,
    load_demo: bool = False,
) -> Starlette:
    settings = settings or get_settings()
    check_production_settings(settings, load_demo)
    use_hashing(settings.password_hashing)
    metrics = Metrics()
    app = Starlette(
        routes=routes(settings),
        middleware=middleware.stack(settings, metrics),
        lifespan=lifespan(settings, [*(listeners or []), CommandCounter(metrics)], load_demo),
    )
    app.state.metrics = metrics
    app.state.rate_limiter = (
        RateLimiter(settings.anonymous_requests_per_minute, settings.anonymous_burst)
        if settings.anonymous_requests_per_minute
        else None
    )
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--demo", action="store_true", help="load demo data into an empty database")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="API processes sharing the port and the database (see workers.py)",
    )
    # How a worker started by `--workers` receives the shared listening socket.
    parser.add_argument("--worker-fd", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    configure_logging()
    settings = get_settings()
    unwind_on_sigterm()
    try:
        if args.worker_fd is not None:
            asyncio.run(serve_on_socket(settings, socket.socket(fileno=args.worker_fd)))
        else:
            asyncio.run(serve(settings, args.demo, max(args.workers, 1)))
    except EngineStartError as error:
        print(error, file=sys.stderr)
        sys.exit(2)


async def serve(settings: Settings, load_demo: bool, workers: int = 1) -> None:
    """Start (or join) the database engine first, so that it outlives the app's restarts of
    its lifespan and a failure to start it is one clear line, then serve."""
    async with database_uri(settings) as uri:
        if workers == 1:
            app = create_app(settings.model_copy(update={"mongodb_uri": uri}), load_demo=load_demo)
            # Forwarded headers are handled by the app (FORWARDED_ALLOW_IPS), not by uvicorn,
            # which would otherwise believe them from any loopback client.
            config = uvicorn.Config(
                app, host=settings.host, port=settings.port, proxy_headers=False, **UVICORN_LOGS
            )
            await uvicorn.Server(config).serve()
            return
        if load_demo:
            from demo_data import load_demo_data

            async with connect(settings.model_copy(update={"mongodb_uri": uri})) as database:
                await load_demo_data(database, only_if_empty=True)
        await serve_workers(settings, workers)


async def serve_on_socket(settings: Settings, sock: socket.socket) -> None:
    """One of several workers: join the engine the supervisor started (through the URI it
    published, or MONGODB_URI) and serve on the socket it bound."""
    async with database_uri(settings) as uri:
        app = create_app(settings.model_copy(update={"mongodb_uri": uri}))
        config = uvicorn.Config(app, proxy_headers=False, **UVICORN_LOGS)
        await uvicorn.Server(config).serve(sockets=[sock])


if __name__ == "__main__":
    main()
