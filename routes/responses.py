"""What the HTTP routes answer with: errors in the GraphQL error shape, and file names."""

from urllib.parse import quote

from starlette.responses import JSONResponse

from models.errors import DomainError, DomainErrors, ErrorCode

# How a refused export, dossier or briefing is answered (anything else refused is a 400).
REFUSAL_STATUS = {
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.NOT_FOUND: 404,
}


def error_response(
    status: int, code: str, message: str, request_id: str | None = None
) -> JSONResponse:
    extensions = {"code": code} if request_id is None else {"code": code, "requestId": request_id}
    return JSONResponse(
        {"errors": [{"message": message, "extensions": extensions}]}, status_code=status
    )


def refusal(error: DomainError | DomainErrors) -> JSONResponse:
    """A use case's refusal as an answer; sign-in is asked for the Bearer way."""
    first = error.errors[0] if isinstance(error, DomainErrors) else error
    response = error_response(REFUSAL_STATUS.get(first.code, 400), first.code, first.message)
    if first.code == ErrorCode.UNAUTHENTICATED:
        response.headers["WWW-Authenticate"] = "Bearer"
    return response


def content_disposition(filename: str, inline: bool) -> str:
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_")
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
