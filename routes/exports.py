"""Downloads made on request: exports of lists, agreement dossiers, hand-over briefings and
the open-data (OCDS) package."""

import asyncio

from beanie import PydanticObjectId
from bson.errors import InvalidId
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from i18n import _
from models.errors import DomainError, DomainErrors
from resolvers import dossier, handover, ocds
from routes.context import request_context
from routes.responses import content_disposition, error_response, refusal
from schema import exports


async def export(request: Request) -> Response:
    """Stream an export (schema/exports.py) of what the viewer may read, under its filter."""
    ctx = request_context(request)
    try:
        found = await exports.open_export(ctx, request.path_params["name"], request.query_params)
    except (DomainError, DomainErrors) as error:
        return refusal(error)
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
    ctx = request_context(request)
    try:
        found = await dossier.open_dossier(ctx, agreement_id)
    except (DomainError, DomainErrors) as error:
        return refusal(error)
    headers = {
        "Content-Disposition": content_disposition(found.filename, inline=False),
        "Cache-Control": "private, no-store",
    }
    return StreamingResponse(found.body, media_type="application/zip", headers=headers)


async def open_data(request: Request) -> Response:
    """The public catalogue as an OCDS record package (no sign-in; any origin may read it)."""
    ctx = request_context(request)
    if not ocds.publishable(ctx.settings):
        return error_response(
            503,
            "OCDS_PREFIX_NOT_REGISTERED",
            _("open data is not published under the example ocid prefix; set OCDS_OCID_PREFIX"),
        )
    body = ocds.record_package(ctx, str(request.url.replace(query="")))
    headers = {"Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*"}
    return StreamingResponse(body, media_type="application/json", headers=headers)


async def handover_document(request: Request) -> Response:
    """The hand-over briefing of a department as a printable PDF; the same access rule as
    the `handoverBriefing` query."""
    try:
        org_unit_id = PydanticObjectId(request.path_params["org_unit_id"])
    except (InvalidId, TypeError):
        return error_response(404, "NOT_FOUND", _("no such department"))
    ctx = request_context(request)
    try:
        briefing = await handover.handover_briefing(ctx, org_unit_id)
    except (DomainError, DomainErrors) as error:
        return refusal(error)
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
