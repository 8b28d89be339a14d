"""Whether the database answers, as a background ping last saw it.

`/healthz` reports this without asking the database itself: under load the database is busy
with other requests, and a liveness probe that waits behind them would call a working
server dead. `/readyz` pings now (and records what it saw).
"""

import asyncio
import logging
import time
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

log = logging.getLogger("sikerma.health")

CHECK_INTERVAL_SECONDS = 5.0
# A ping that takes longer counts as a failure: the database is too busy or gone.
PING_TIMEOUT_SECONDS = 5.0


class DatabaseHealth:
    def __init__(self, db: AsyncDatabase) -> None:
        self.db = db
        self.available = False
        # Monotonic time of the last ping's end (answer, failure or timeout).
        self.checked_at = time.monotonic()

    async def check(self) -> bool:
        try:
            await asyncio.wait_for(self.db.command("ping"), PING_TIMEOUT_SECONDS)
        except Exception:
            log.exception("the database did not answer its ping")
            self.available = False
        else:
            self.available = True
        self.checked_at = time.monotonic()
        return self.available

    async def run(self) -> None:
        """Ping every CHECK_INTERVAL_SECONDS until cancelled."""
        while True:
            await asyncio.sleep(CHECK_INTERVAL_SECONDS)
            await self.check()

    def report(self) -> dict[str, Any]:
        """The answer's body: what the last ping found, and how long ago."""
        return {
            "status": "ok" if self.available else "unavailable",
            "databaseCheckedSecondsAgo": round(time.monotonic() - self.checked_at, 1),
        }
