"""Date ranges in queries, spelled the one way both embedded engines read as MongoDB does.

MongoDB's `{"d": {"$lt": x}}` never matches a missing or null `d`. mongoeco's does when the
range has only an upper bound (with a lower bound it does not), and SecantusDB reads no index
for a range with `"$ne": None` beside it, so that spelling cost a scan of the collection
(docs/engines.md). A lower bound below every stored date excludes nulls on all three engines
and keeps the range on its index.
"""

from datetime import UTC, datetime
from typing import Any

# Before every date a record holds (BSON dates reach back to year 1); a midnight, as stored
# calendar days are, so a range of days stays one (resolvers/counted.py).
EARLIEST = datetime(1, 1, 1, tzinfo=UTC)


def dated(bounds: dict[str, Any]) -> dict[str, Any]:
    """`bounds` (`$gt`, `$gte`, `$lt`, `$lte`) as a range that matches dates only."""
    if "$gt" in bounds or "$gte" in bounds:
        return bounds
    return {"$gte": EARLIEST, **bounds}
