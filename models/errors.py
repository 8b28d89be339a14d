"""The one error type of the domain: every broken rule is a `DomainError` with a code.

The schema turns it into a `UserError` in a mutation payload, or into a top-level error with
`extensions.code` for queries.
"""

from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    NOT_FOUND = "NOT_FOUND"
    DUPLICATE = "DUPLICATE"
    CONFLICT = "CONFLICT"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    INVALID_PARENT = "INVALID_PARENT"
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
    OUT_OF_RANGE = "OUT_OF_RANGE"
    TOO_LONG = "TOO_LONG"
    TOO_MANY_ITEMS = "TOO_MANY_ITEMS"
    INVALID_CHARACTERS = "INVALID_CHARACTERS"
    QUOTA_EXCEEDED = "QUOTA_EXCEEDED"


class DomainError(Exception):
    def __init__(self, code: ErrorCode, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


class DomainErrors(Exception):
    """Several independent problems with one input, reported together."""

    def __init__(self, errors: list[DomainError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors
