"""The HTTP service: /graphql (API, subscriptions and GraphiQL), /files/{id} (downloads),
/dossiers/{id}.zip (agreement dossiers), /healthz, and the web app at / (webapp.py).

`python server.py` serves on HOST:PORT; with `--demo` it first fills an empty database with
the demo data.
"""

import argparse
import asyncio
import contextlib
import logging
import re
import socket
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from functools import partial
from typing import Any
from urllib.parse import quote

import uvicorn
from beanie import PydanticObjectId
from bson.errors import InvalidId
from cross_web import HTTPException
from graphql import GraphQLError
from pymongo.monitoring import CommandListener
from starlette.applications import Starlette
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, process_result
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET, UnsetType
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

import i18n
from database import Database, EngineStartError, connect, database_uri
from i18n import N_, _
from models import Agreement, Proposal
from models.errors import DomainError, DomainErrors, ErrorCode
from models.searchable import backfill_search_keys
from observability import (
    CommandCounter,
    Metrics,
    ObservabilityMiddleware,
    configure_logging,
    metrics_response,
)
from resolvers import (
    agreements,
    auth,
    dossier,
    evaluations,
    fixity,
    handover,
    ocds,
    ocr,
    proposals,
    public,
    queues,
    reminders,
)
from resolvers.context import Context
from resolvers.mailer import MailSender
from resolvers.ocr_availability import detect_availability
from resolvers.periodic import run_periodically
from resolvers.rate_limit import RateLimiter
from schema import build_schema, exports
from schema.extensions import shape_errors
from settings import Settings, get_settings
from webapp import APP_CSP, SinglePageApp, is_built, local_graphiql, not_built
from workers import serve_workers

log = logging.getLogger("sikerma")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
# uvicorn's lines go through our JSON log (no config of its own); our line per request
# replaces its access log.
UVICORN_LOGS: dict[str, Any] = {"log_config": None, "access_log": False}
# Multipart bodies carry a little more than the file: field names, boundaries, the query.
MULTIPART_OVERHEAD = 1024 * 1024


async def request_context(request: Request | WebSocket) -> Context:
    """Who the request acts for (the one place that reads credentials) and what it carries."""
    settings: Settings = request.app.state.settings
    key: str = request.app.state.signing_key
    # Checked once per request: the rate limit already knows who it is.
    viewer = request.scope.get("state", {}).get("viewer")
    if viewer is None:
        viewer = await auth.authenticate(request.headers.get("authorization"), settings, key)
    if viewer.language:
        # Reset with the request's own language by LanguageMiddleware when the request ends.
        i18n.set_language(viewer.language)
    return Context(
        database=request.app.state.database,
        settings=settings,
        viewer=viewer,
        request_id=request_id_of(request.scope),
        signing_key=key,
        client_address=request.client.host if request.client else None,
        ocr=request.app.state.ocr,
    )


def request_id_of(scope: Scope) -> str:
    return str(scope.get("state", {}).get("request_id", "-"))


class RequestIdMiddleware:
    """Give every request an id (the client's X-Request-ID if sane) and echo it back."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode()))
            await send(message)

        await self.app(scope, receive, send_with_id)


class LanguageMiddleware:
    """Serve each request in the language its client prefers (`Accept-Language`; Indonesian
    by default). A signed-in user's own preference overrides it (see `request_context`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header = dict(scope["headers"]).get(b"accept-language", b"").decode("latin-1")
        token = i18n.set_language(i18n.negotiate(header))

        async def send_with_language(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.setdefault("headers", [])
                headers.append((b"content-language", i18n.current_language().encode()))
                headers.append((b"vary", b"Accept-Language"))
            await send(message)

        try:
            await self.app(scope, receive, send_with_language)
        finally:
            i18n.reset_language(token)


class SecurityHeadersMiddleware:
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

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
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
            await send(message)

        await self.app(scope, receive, send_with_headers)


class AnonymousRateLimit:
    """Requests without valid credentials are limited per client address (one count for
    every API process); over the limit they get 429 RATE_LIMITED with Retry-After.
    Only the API is limited: health checks and the web app's own files (pages, scripts,
    GraphiQL's assets, which a browser fetches without credentials even for a signed-in
    user) are not."""

    LIMITED = ("/graphql", "/files/", "/exports/", "/open-data/", "/briefings/", "/dossiers/")

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.LIMITED):
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        request = Request(scope)
        viewer = await auth.authenticate(
            request.headers.get("authorization"), state.settings, state.signing_key
        )
        scope.setdefault("state", {})["viewer"] = viewer
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


def error_response(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": code}}]}, status_code=status
    )


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


def http_refusal(error: HTTPException) -> JSONResponse:
    """A request the GraphQL view refused before running it, in the GraphQL error shape.
    Strawberry's reasons say what is wrong with the request, nothing of the server."""
    status, reason = error.status_code, error.reason
    if "not allowed when using GET" in reason or status == 405:
        response = error_response(405, "METHOD_NOT_ALLOWED", reason)
        response.headers["Allow"] = "GET, POST"
        return response
    if reason == "Unsupported content type":
        return error_response(
            415, "UNSUPPORTED_MEDIA_TYPE", "send application/json or multipart/form-data"
        )
    if status == 404:
        return error_response(404, "NOT_FOUND", reason)
    return error_response(400, "BAD_REQUEST", reason)


class GraphQLApp(GraphQL[Context, None]):
    """Strawberry's ASGI app with our context, the upload guards, and every answer (refused
    requests and errors raised outside any field included) in the GraphQL error shape."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(
            build_schema(settings),
            multipart_uploads_enabled=True,
            graphql_ide="graphiql" if settings.graphiql_enabled else None,
        )
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        refusal = self._refuse(Request(scope))
        if refusal is None:
            limit = self.settings.max_upload_bytes + MULTIPART_OVERHEAD
            try:
                response = await self.run(Request(scope, limited(receive, limit)))
            except BodyTooLarge:
                refusal = error_response(
                    413,
                    "FILE_TOO_LARGE",
                    f"the file is larger than {self.settings.max_upload_mb} MB",
                )
            except HTTPException as error:
                refusal = http_refusal(error)
            except UnicodeError:
                refusal = error_response(400, "BAD_REQUEST", "the body is not valid UTF-8")
            else:
                await response(scope, receive, send)
                return
        await refusal(scope, receive, send)

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        if result.errors:
            errors: list[GraphQLError] = list(result.errors)
            result.errors = shape_errors(errors, request_id_of(request.scope))
        return process_result(result)

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
        # Only signed-in users upload: refused before a byte of the body is read.
        viewer = request.scope.get("state", {}).get("viewer")
        if viewer is None or not viewer.signed_in:
            reason = viewer.auth_error if viewer is not None else None
            return error_response(401, "UNAUTHENTICATED", reason or "sign in to upload files")
        length = request.headers.get("content-length", "")
        limit = self.settings.max_upload_bytes + MULTIPART_OVERHEAD
        if length.isdigit() and int(length) > limit:
            return error_response(
                413,
                "FILE_TOO_LARGE",
                _(
                    "the file is larger than %(megabytes)s MB",
                    megabytes=self.settings.max_upload_mb,
                ),
            )
        return None

    async def get_context(self, request: Any, response: Any) -> Context:
        return await request_context(request)

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """A subscription's credentials come in the connection_init payload."""
        params = context.connection_params or {}
        header = params.get("Authorization") or params.get("authorization")
        context.viewer = await auth.authenticate(
            header if isinstance(header, str) else None, context.settings, context.signing_key
        )
        return UNSET

    async def render_graphql_ide(self, request: Any) -> Response:
        html, csp = local_graphiql(self.graphql_ide_html, self.settings.web_dist_dir)
        return HTMLResponse(html, headers={"Content-Security-Policy": csp})


async def healthz(request: Request) -> Response:
    database: Database = request.app.state.database
    try:
        await database.db.command("ping")
    except Exception:
        log.exception("health check failed")
        return JSONResponse({"status": "unavailable"}, status_code=503)
    return JSONResponse({"status": "ok"})


def content_disposition(filename: str, inline: bool) -> str:
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_")
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def byte_range(header: str | None, size: int) -> tuple[int, int] | str | None:
    """(start, end inclusive) of a single satisfiable range; None for the whole file;
    "unsatisfiable" for a range outside the file."""
    if not header:
        return None
    match = RANGE.match(header.strip())
    if match is None:
        return None  # several ranges or another unit: answer with the whole file
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:
        start, end = max(size - int(last), 0), size - 1
    else:
        start = int(first)
        end = min(int(last), size - 1) if last else size - 1
    if start >= size or start > end:
        return "unsatisfiable"
    return start, end


async def download(request: Request) -> Response:
    """Stream a stored file, with the same access rule as the record that owns it."""
    try:
        file_id = PydanticObjectId(request.path_params["file_id"])
    except (InvalidId, TypeError):
        return error_response(404, "NOT_FOUND", _("no such file"))
    ctx = await request_context(request)
    # Templates are public information: their current files need no sign-in.
    found = await public.find_template_file(ctx, file_id)
    if found is None and not ctx.viewer.signed_in:
        return error_response(
            401, "UNAUTHENTICATED", _(ctx.viewer.auth_error or N_("sign in to download files"))
        )
    database = ctx.database
    # A proposal's files are referenced by the agreement it led to: either owner may grant.
    found = (
        found
        or await agreements.find_document(ctx, file_id)
        or await proposals.find_attachment(ctx, file_id)
        or await evaluations.find_evidence(ctx, file_id)
        or await ocr.find_rendition(ctx, file_id)
    )
    layout = await database.files.stat(file_id) if found else None
    if found is None or layout is None:
        return error_response(404, "NOT_FOUND", _("no such file"))
    doc = found[1]
    try:
        # Before any answer, a 304 included: the client's copy may be right, ours is not.
        await fixity.check_before_serve(ctx, file_id)
    except DomainError as error:
        # The stored copy is damaged: the server's fault, and retrying will not help.
        return error_response(500, error.code, error.message)
    etag = f'"{doc.sha256}"'
    headers = {
        "ETag": etag,
        "Accept-Ranges": "bytes",
        "Cache-Control": "private, no-cache",
        "Content-Disposition": content_disposition(
            doc.filename, request.query_params.get("disposition") == "inline"
        ),
    }
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    size = layout.length
    wanted = byte_range(request.headers.get("range"), size)
    if_range = request.headers.get("if-range")
    if if_range is not None and if_range != etag:
        wanted = None
    if wanted == "unsatisfiable":
        return Response(status_code=416, headers={**headers, "Content-Range": f"bytes */{size}"})
    start, end = wanted if isinstance(wanted, tuple) else (0, size - 1)
    status = 206 if isinstance(wanted, tuple) else 200
    if status == 206:
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    headers["Content-Length"] = str(end - start + 1)
    return StreamingResponse(
        database.files.read_range(layout, start, end - start + 1),
        status_code=status,
        headers=headers,
        media_type=doc.content_type,
    )


# How a refused export is answered (anything else the filter refuses is a 400).
EXPORT_STATUS = {
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.NOT_FOUND: 404,
}


async def export(request: Request) -> Response:
    """Stream an export (schema/exports.py) of what the viewer may read, under its filter."""
    ctx = await request_context(request)
    try:
        found = await exports.open_export(ctx, request.path_params["name"], request.query_params)
    except (DomainError, DomainErrors) as error:
        first = error.errors[0] if isinstance(error, DomainErrors) else error
        response = error_response(EXPORT_STATUS.get(first.code, 400), first.code, first.message)
        if first.code == ErrorCode.UNAUTHENTICATED:
            response.headers["WWW-Authenticate"] = "Bearer"
        return response
    if found is None:
        return error_response(404, "NOT_FOUND", _("no such export"))
    filename = f"sikerma-{ctx.today().isoformat()}-{found.filename}"
    headers = {
        "Content-Disposition": content_disposition(filename, inline=False),
        "Cache-Control": "private, no-store",
    }
    return StreamingResponse(found.body, media_type=found.media_type, headers=headers)


async def dossier_zip(request: Request) -> Response:
    """Everything about one agreement as a streamed ZIP; the same access rule as the
    agreement (a record the viewer may not read is not found)."""
    try:
        agreement_id = PydanticObjectId(request.path_params["agreement_id"])
    except (InvalidId, TypeError):
        return error_response(404, "NOT_FOUND", "no such agreement")
    ctx = await request_context(request)
    try:
        found = await dossier.open_dossier(ctx, agreement_id)
    except (DomainError, DomainErrors) as error:
        first = error.errors[0] if isinstance(error, DomainErrors) else error
        response = error_response(EXPORT_STATUS.get(first.code, 400), first.code, first.message)
        if first.code == ErrorCode.UNAUTHENTICATED:
            response.headers["WWW-Authenticate"] = "Bearer"
        return response
    headers = {
        "Content-Disposition": content_disposition(found.filename, inline=False),
        "Cache-Control": "private, no-store",
    }
    return StreamingResponse(found.body, media_type="application/zip", headers=headers)


async def open_data(request: Request) -> Response:
    """The public catalogue as an OCDS record package (no sign-in; any origin may read it)."""
    ctx = await request_context(request)
    if not ocds.publishable(ctx.settings):
        return error_response(
            503,
            "OCDS_PREFIX_NOT_REGISTERED",
            _("open data is not published under the example ocid prefix; set OCDS_OCID_PREFIX"),
        )
    body = ocds.record_package(ctx, str(request.url.replace(query="")))
    headers = {"Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*"}
    return StreamingResponse(body, media_type="application/json", headers=headers)


async def serve_metrics(request: Request) -> Response:
    state = request.app.state
    return await metrics_response(
        request, state.metrics, state.settings.metrics_token, queues.queue_lengths
    )


async def sweep_files(database: Database, grace: timedelta) -> str:
    """Remove what interrupted uploads left: files no record took, chunks without a file."""
    files = await database.files.sweep_unattached(grace, is_file_referenced)
    chunks = await database.files.sweep_orphan_chunks(grace)
    if files or chunks:
        log.warning("removed %d unattached files and %d orphan chunks", files, chunks)
    return f"{files} unattached files and {chunks} orphan chunks removed"


async def is_file_referenced(file_id: PydanticObjectId) -> bool:
    """Whether any record holds the file (for the sweep of interrupted uploads)."""
    return (
        await agreements.is_file_referenced(file_id)
        or await proposals.is_file_referenced(file_id)
        or await public.is_template_file(file_id)
        or await evaluations.is_file_referenced(file_id)
        or await ocr.is_file_referenced(file_id)
    )


async def handover_document(request: Request) -> Response:
    """The hand-over briefing of a department as a printable PDF; the same access rule as
    the `handoverBriefing` query."""
    try:
        org_unit_id = PydanticObjectId(request.path_params["org_unit_id"])
    except (InvalidId, TypeError):
        return error_response(404, "NOT_FOUND", _("no such department"))
    ctx = await request_context(request)
    try:
        briefing = await handover.handover_briefing(ctx, org_unit_id)
    except (DomainError, DomainErrors) as error:
        first = error.errors[0] if isinstance(error, DomainErrors) else error
        return error_response(EXPORT_STATUS.get(first.code, 400), first.code, first.message)
    from resolvers.handover_document import render_pdf

    # Laying out a long briefing takes a while: not on the event loop.
    content = await asyncio.to_thread(render_pdf, briefing)
    filename = f"serah-terima-{briefing.org_unit.code}-{briefing.today.isoformat()}.pdf"
    inline = request.query_params.get("disposition") == "inline"
    headers = {
        "Content-Disposition": content_disposition(filename, inline),
        "Cache-Control": "private, no-store",
    }
    return Response(content, media_type="application/pdf", headers=headers)


class UnsafeForProduction(RuntimeError):
    pass


def check_production_settings(settings: Settings, load_demo: bool) -> None:
    """In production the signing key is the operator's, and demo data is never loaded."""
    if not settings.production:
        return
    if not settings.jwt_secret:
        raise UnsafeForProduction("ENVIRONMENT=production needs JWT_SECRET")
    if load_demo:
        raise UnsafeForProduction("demo data is never loaded with ENVIRONMENT=production")


async def check_no_demo_accounts(settings: Settings) -> None:
    """The demo accounts' passwords are published in the README."""
    if not settings.production:
        return
    from demo_data import DEMO_USERS
    from models import User

    emails = [u["email"] for u in DEMO_USERS]
    if await User.find({"email": {"$in": emails}}).count():
        raise UnsafeForProduction(
            "the database holds the demo accounts; remove them before ENVIRONMENT=production"
        )


def create_app(
    settings: Settings | None = None,
    *,
    listeners: list[CommandListener] | None = None,
    load_demo: bool = False,
) -> Starlette:
    settings = settings or get_settings()
    check_production_settings(settings, load_demo)
    metrics = Metrics()
    listeners = [*(listeners or []), CommandCounter(metrics)]

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with connect(settings, listeners=listeners) as database:
            app.state.database = database
            app.state.settings = settings
            await check_no_demo_accounts(settings)
            app.state.signing_key = await auth.signing_key(settings)
            grace = timedelta(minutes=settings.orphan_file_grace_minutes)
            await sweep_files(database, grace)
            keyed = await backfill_search_keys(Agreement, Proposal)
            if keyed:
                log.info("added search keys to %d records stored before search keys", keyed)
            if load_demo:
                from demo_data import load_demo_data

                await load_demo_data(database, only_if_empty=True)
            # Without SMTP settings notifications are stored and shown, but not emailed.
            sender = MailSender(settings) if settings.smtp_host else None
            if sender is not None:
                sender.start()
            # OCR runs in child processes; without Tesseract documents show UNAVAILABLE.
            app.state.ocr = await detect_availability(settings)
            if not app.state.ocr.available:
                log.warning("OCR is unavailable: %s (see the README)", app.state.ocr.reason)
            reader = (
                ocr.OcrRunner(database, settings)
                if app.state.ocr.available and settings.ocr_workers > 0
                else None
            )
            if reader is not None:
                reader.start()
            jobs = [
                run_periodically(
                    "file sweep",
                    grace.total_seconds(),
                    partial(sweep_files, database, grace),
                    first_delay=grace.total_seconds(),
                )
            ]
            if settings.reminder_interval_seconds > 0:
                jobs.append(
                    run_periodically(
                        "reminders",
                        settings.reminder_interval_seconds,
                        partial(reminders.run_reminders, settings),
                        first_delay=reminders.FIRST_RUN_DELAY_SECONDS,
                    )
                )
            if settings.fixity_interval_hours > 0:
                # A run cut short is kept as FAILED and its lease freed for the next one.
                jobs.append(fixity.run_periodically(database, settings))
            tasks = [asyncio.create_task(job) for job in jobs]
            try:
                yield
            finally:
                for task in tasks:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
                if sender is not None:
                    await sender.stop()
                if reader is not None:
                    await reader.stop()

    graphql = GraphQLApp(settings)
    web = (
        Mount("/", SinglePageApp(directory=settings.web_dist_dir, html=True))
        if is_built(settings.web_dist_dir)
        else Route("/{path:path}", not_built)
    )
    app = Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/files/{file_id}", download, methods=["GET", "HEAD"]),
            Route("/briefings/handover/{org_unit_id}", handover_document),
            Route("/graphql", graphql),
            WebSocketRoute("/graphql", graphql),
            Route("/exports/{name}", export),
            Route("/open-data/ocds.json", open_data),
            Route("/dossiers/{agreement_id}.zip", dossier_zip),
            Route("/metrics", serve_metrics),
            web,
        ],
        lifespan=lifespan,
    )
    app.state.rate_limiter = (
        RateLimiter(settings.anonymous_requests_per_minute, settings.anonymous_burst)
        if settings.anonymous_requests_per_minute
        else None
    )
    app.add_middleware(AnonymousRateLimit)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "OPTIONS"],
        allow_headers=["Authorization", "Content-Type", "Apollo-Require-Preflight", "X-Request-ID"],
        expose_headers=["X-Request-ID", "Content-Disposition", "ETag", "Content-Range"],
        max_age=600,
    )
    app.state.metrics = metrics
    app.add_middleware(ObservabilityMiddleware, metrics=metrics)
    app.add_middleware(RequestIdMiddleware)
    app.add_middleware(LanguageMiddleware)
    if settings.forwarded_allow_ips:
        # Outermost: every other layer sees the client's address as the proxy reported it.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.forwarded_allow_ips)
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
