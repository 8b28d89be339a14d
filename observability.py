"""Why a request was slow: one structured log line per request, and Prometheus metrics.

Every HTTP request gets a record (request id, operation, viewer role, status, duration,
database commands) that the middleware logs as one JSON line when the response is done and
adds to the metrics. The record lives in a context variable: PyMongo's command listener and
the GraphQL extension that names the operation run in the request's task (or tasks it
started, which share the record), so they add to the right one even with requests in flight
side by side.

`GET /metrics` (off unless METRICS_TOKEN is set; the token is sent as a Bearer credential)
serves the counters of this process in Prometheus's text format.
"""

import hmac
import logging
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import structlog
from graphql import FieldNode, OperationDefinitionNode
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import generate_latest
from pymongo.monitoring import (
    CommandFailedEvent,
    CommandListener,
    CommandStartedEvent,
    CommandSucceededEvent,
)
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension

log = structlog.get_logger("sikerma.request")
# Seconds: from a cached page to a large upload.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)
# Commands the driver sends on its own (connection checks, signing a new connection in), not
# for a request.
BACKGROUND_COMMANDS = frozenset(
    {"hello", "ismaster", "isMaster", "ping", "endSessions", "saslStart", "saslContinue"}
)


@dataclass
class RequestRecord:
    operation: str
    commands: int = 0


_current: ContextVar[RequestRecord | None] = ContextVar("sikerma_request", default=None)


def configure_logging(level: int = logging.INFO) -> None:
    """JSON lines on stderr for our log lines and everyone else's (uvicorn, the driver)."""
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                structlog.processors.JSONRenderer(),
            ],
        )
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)


class Metrics:
    """This process's counters, in a registry of their own (one per app)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "sikerma_requests",
            "HTTP requests by operation and status",
            ["operation", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "sikerma_request_duration_seconds",
            "Request duration by operation",
            ["operation"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.commands = Counter(
            "sikerma_database_commands",
            "Database commands sent, by command name",
            ["command"],
            registry=self.registry,
        )
        self.upload_bytes = Counter(
            "sikerma_upload_bytes",
            "Bytes received in multipart (upload) request bodies",
            registry=self.registry,
        )
        self.queue = Gauge(
            "sikerma_queue_length",
            "Work waiting in a background queue, read at each scrape",
            ["queue"],
            registry=self.registry,
        )


class CommandCounter(CommandListener):
    """Counts each command against the request that sent it, and by name in the metrics."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def started(self, event: CommandStartedEvent) -> None:
        if event.command_name in BACKGROUND_COMMANDS:
            return
        self.metrics.commands.labels(event.command_name).inc()
        record = _current.get()
        if record is not None:
            record.commands += 1

    def succeeded(self, event: CommandSucceededEvent) -> None:
        pass

    def failed(self, event: CommandFailedEvent) -> None:
        pass


class CommandLog(CommandListener):
    """The names of the commands sent, in order: the tests and benchmarks bound the round trips
    of a request with it."""

    def __init__(self) -> None:
        # The driver's monitoring threads report too.
        self._lock = threading.Lock()
        self.names: list[str] = []

    def started(self, event: CommandStartedEvent) -> None:
        with self._lock:
            self.names.append(event.command_name)

    def succeeded(self, event: CommandSucceededEvent) -> None:
        pass

    def failed(self, event: CommandFailedEvent) -> None:
        pass

    def reset(self) -> None:
        with self._lock:
            self.names.clear()

    def data_commands(self) -> list[str]:
        """Commands about data (not the driver's own handshakes and session bookkeeping)."""
        ignored = BACKGROUND_COMMANDS | {"buildInfo"}
        return [n for n in self.names if n not in ignored]


class NameOperation(SchemaExtension):
    """Names the request's record after the GraphQL operation: its type and root fields
    (`query agreements,dashboard`), a set the schema bounds, unlike client-chosen names."""

    def on_validate(self) -> Iterator[None]:
        record = _current.get()
        document = self.execution_context.graphql_document
        wanted = self.execution_context.operation_name
        operations = [
            definition
            for definition in (document.definitions if document is not None else ())
            if isinstance(definition, OperationDefinitionNode)
            and (wanted is None or (definition.name and definition.name.value == wanted))
        ]
        if record is not None and operations:
            operation = operations[0]
            fields = sorted(
                {
                    selection.name.value
                    for selection in operation.selection_set.selections
                    if isinstance(selection, FieldNode)
                }
            )
            record.operation = f"{operation.operation.value} {','.join(fields)}"
        yield


class ObservabilityMiddleware:
    """Times each HTTP request, counts its database commands, logs and measures it."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        record = RequestRecord(operation=f"{scope['method']} {route_name(scope)}")
        token = _current.set(record)
        status = 500
        is_upload = dict(scope["headers"]).get(b"content-type", b"").startswith(b"multipart/")
        started = time.perf_counter()

        async def counted_receive() -> Message:
            message = await receive()
            if is_upload and message["type"] == "http.request":
                self.metrics.upload_bytes.inc(len(message.get("body", b"")))
            return message

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, counted_receive, send_status)
        finally:
            _current.reset(token)
            seconds = time.perf_counter() - started
            self.metrics.requests.labels(record.operation, str(status)).inc()
            self.metrics.latency.labels(record.operation).observe(seconds)
            state = scope.get("state", {})
            viewer = state.get("viewer")
            role = getattr(viewer, "role", None)
            log.info(
                "request",
                request_id=state.get("request_id", "-"),
                operation=record.operation,
                role=role.value if role is not None else "ANONYMOUS",
                status=status,
                duration_ms=round(seconds * 1000, 1),
                db_commands=record.commands,
            )


def route_name(scope: Scope) -> str:
    """The path with ids left out (`/files/{id}`): one metric per route, not per file."""
    parts = scope["path"].split("/")
    return "/".join("{id}" if len(part) >= 16 and part.isalnum() else part for part in parts[:3])


async def metrics_response(
    request: Request, metrics: Metrics, token: str, queues: Callable[[], Awaitable[dict[str, int]]]
) -> Response:
    """The metrics in Prometheus's text format, for the holder of the token only."""
    given = request.headers.get("authorization", "")
    if not token or not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        # Off, or not for this caller: for them the route does not exist.
        return JSONResponse(
            {"errors": [{"message": "not found", "extensions": {"code": "NOT_FOUND"}}]},
            status_code=404,
        )
    for name, length in (await queues()).items():
        metrics.queue.labels(name).set(length)
    return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)
