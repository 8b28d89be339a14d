"""A budget of requests per key (a client address), shared by every API process.

Each key may make `burst` requests in any window of `burst / per_minute` minutes, so `burst`
at once and no more than `per_minute` a minute over time. The window moves (PyPI `limits`'
moving-window strategy) and is counted in the database (models/rate_limit.py): the processes
behind one load balancer spend from one budget, whichever of them a request reaches.
"""

import math
import time
from collections.abc import Callable

from limits import RateLimitItemPerSecond
from limits.aio.strategies import MovingWindowRateLimiter

from models.rate_limit import WindowStore


class RateLimiter:
    def __init__(
        self, per_minute: int, burst: int, *, clock: Callable[[], float] = time.time
    ) -> None:
        window = max(1, round(burst * 60 / per_minute))
        self.item = RateLimitItemPerSecond(burst, window, namespace="anonymous")
        self.clock = clock
        self.strategy = MovingWindowRateLimiter(WindowStore(clock))

    async def take(self, key: str) -> int | None:
        """Spend one request of `key`: None if allowed, else the seconds until it would be."""
        if await self.strategy.hit(self.item, key):
            return None
        stats = await self.strategy.get_window_stats(self.item, key)
        return max(1, math.ceil(stats.reset_time - self.clock()))
