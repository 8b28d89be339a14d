"""/files/{id}: stored files, with the access rule of the record that holds each, ETags and
byte ranges."""

import re

from beanie import PydanticObjectId
from bson.errors import InvalidId
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from i18n import N_, _
from models.errors import DomainError
from resolvers import file_holders, fixity
from routes.context import request_context
from routes.responses import content_disposition, error_response

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


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
    ctx = request_context(request)
    database = ctx.database
    layout = await database.files.stat(file_id)
    found = await file_holders.find_file(ctx, file_id, layout.holder) if layout else None
    if found is None and not ctx.viewer.signed_in:
        return error_response(
            401, "UNAUTHENTICATED", _(ctx.viewer.auth_error or N_("sign in to download files"))
        )
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
