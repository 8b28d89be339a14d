"""The one clock of the stored records: aware UTC.

Everything that needs "now" asks `utcnow()`, so a test can stand the whole application at a
chosen moment (`frozen_at`), e.g. half an hour either side of midnight in the city.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

_frozen: ContextVar[datetime | None] = ContextVar("frozen_now", default=None)


def utcnow() -> datetime:
    return _frozen.get() or datetime.now(UTC)


@contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    """Within the block (and the requests it makes), now is `moment` (an aware time)."""
    token = _frozen.set(moment.astimezone(UTC))
    try:
        yield
    finally:
        _frozen.reset(token)
