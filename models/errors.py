"""The one error type of the domain: every broken rule is a `DomainError` with a code.

The schema turns it into a `UserError` in a mutation payload, or into a top-level error with
`extensions.code` for queries.
"""

from enum import StrEnum
from typing import Any

from i18n import _


class ErrorCode(StrEnum):
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    NOT_FOUND = "NOT_FOUND"
    DUPLICATE = "DUPLICATE"
    CONFLICT = "CONFLICT"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    INVALID_PARENT = "INVALID_PARENT"
    OUTSIDE_PARENT_TERM = "OUTSIDE_PARENT_TERM"
    MISSING_SIGNED_DOCUMENT = "MISSING_SIGNED_DOCUMENT"
    FILE_TOO_LARGE = "FILE_TOO_LARGE"
    FILE_EMPTY = "FILE_EMPTY"
    UNSUPPORTED_FILE_TYPE = "UNSUPPORTED_FILE_TYPE"
    PAGE_SIZE_EXCEEDED = "PAGE_SIZE_EXCEEDED"
    INVALID_CURSOR = "INVALID_CURSOR"
    INVALID_ID = "INVALID_ID"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    RATE_LIMITED = "RATE_LIMITED"
    WEAK_PASSWORD = "WEAK_PASSWORD"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    NOT_EDITABLE = "NOT_EDITABLE"
    MISSING_ATTACHMENT = "MISSING_ATTACHMENT"
    PARTNER_NOT_VERIFIED = "PARTNER_NOT_VERIFIED"
    FILE_CORRUPT = "FILE_CORRUPT"
    FIXITY_RUN_IN_PROGRESS = "FIXITY_RUN_IN_PROGRESS"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    TOO_LONG = "TOO_LONG"
    TOO_MANY_ITEMS = "TOO_MANY_ITEMS"
    INVALID_CHARACTERS = "INVALID_CHARACTERS"
    QUOTA_EXCEEDED = "QUOTA_EXCEEDED"


class DomainError(Exception):
    """`message` is an English msgid with `%(name)s` placeholders filled from `params`; it is
    read in the language of whoever is served when the error reaches them."""

    def __init__(
        self, code: ErrorCode, message: str, field: str | None = None, **params: Any
    ) -> None:
        super().__init__(message)
        self.code = code
        self.msgid = message
        self.params = params
        self.field = field

    @property
    def message(self) -> str:
        return _(self.msgid, **self.params)


class DomainErrors(Exception):
    """Several independent problems with one input, reported together."""

    def __init__(self, errors: list[DomainError]) -> None:
        super().__init__("; ".join(e.msgid for e in errors))
        self.errors = errors
