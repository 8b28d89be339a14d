"""/healthz for the orchestrator, /metrics for Prometheus."""

import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from database import Database
from observability import metrics_response
from resolvers import queues

log = logging.getLogger("sikerma")


async def healthz(request: Request) -> Response:
    database: Database = request.app.state.database
    try:
        await database.db.command("ping")
    except Exception:
        log.exception("health check failed")
        return JSONResponse({"status": "unavailable"}, status_code=503)
    return JSONResponse({"status": "ok"})


async def serve_metrics(request: Request) -> Response:
    state = request.app.state
    return await metrics_response(
        request, state.metrics, state.settings.metrics_token, queues.queue_lengths
    )
