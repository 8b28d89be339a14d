"""/healthz (is the process alive, and the database as last seen) and /readyz (does the
database answer now) for the orchestrator, /metrics for Prometheus."""

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from observability import metrics_response
from resolvers import queues
from resolvers.database_health import DatabaseHealth


def health_response(health: DatabaseHealth) -> Response:
    return JSONResponse(health.report(), status_code=200 if health.available else 503)


async def healthz(request: Request) -> Response:
    """Answered by the process alone, so a database busy with other requests does not make
    a working server look dead."""
    return health_response(request.app.state.database_health)


async def readyz(request: Request) -> Response:
    health: DatabaseHealth = request.app.state.database_health
    await health.check()
    return health_response(health)


async def serve_metrics(request: Request) -> Response:
    state = request.app.state
    return await metrics_response(
        request, state.metrics, state.settings.metrics_token, queues.queue_lengths
    )
