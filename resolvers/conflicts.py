"""A write that lost a race to a concurrent change of the same record, tried again on a
fresh copy.

Records are written with compare-and-set on their revision (models/base.py): a write based
on an outdated copy is refused with CONFLICT on `revision`. Adding a file or an event does
not depend on what the other request changed, so it is retried on the record as it is now.
"""

from collections.abc import Awaitable, Callable

from models.errors import DomainError, ErrorCode

# How many times an upload (an agreement document, a proposal attachment, a template) is
# written on a fresh copy before the conflict is the caller's: a concurrent change to the
# record (another upload, an edit) should not fail an upload that does not conflict with it.
ATTACH_ATTEMPTS = 3


async def on_fresh_copy[R, T](
    record: R,
    write: Callable[[R], Awaitable[T]],
    reload: Callable[[], Awaitable[R]],
    attempts: int,
) -> T:
    """`write(record)`; when the record changed since it was read, `reload` it and write
    again, `attempts` times in all. The last conflict is the caller's error."""
    for _ in range(attempts - 1):
        try:
            return await write(record)
        except DomainError as error:
            if error.code != ErrorCode.CONFLICT or error.field != "revision":
                raise
            record = await reload()
    return await write(record)
