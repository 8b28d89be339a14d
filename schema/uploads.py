"""The `Upload` scalar: a file part of a multipart request (GraphQL multipart request spec).

Strawberry's own scalar takes any value, so a string where a file belongs reached the use
case. This one takes only a file with a name; anything else is BAD_USER_INPUT before the
operation runs.
"""

from typing import Any

from starlette.datastructures import UploadFile
from strawberry.types.scalar import ScalarDefinition


def _file(value: Any) -> UploadFile:
    if not isinstance(value, UploadFile):
        raise ValueError("send a file as a part of a multipart request")
    if not (value.filename or "").strip():
        raise ValueError("the file has no name")
    return value


def _never_literal(*_: Any) -> UploadFile:
    raise ValueError("a file cannot be written in the document: send it as a multipart part")


UploadScalar = ScalarDefinition(
    name="Upload",
    description="Represents a file upload.",
    specified_by_url=None,
    serialize=lambda value: value,
    parse_value=_file,
    parse_literal=_never_literal,
)
