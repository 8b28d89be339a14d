"""A token bucket per key (a client address), kept in this process.

Each key may make `burst` requests at once and then `per_minute` a minute. The buckets live
in memory, so with several API processes each counts the requests it sees; the README says
how to set the limit then, and how to share the count.
"""

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

# Beyond this many addresses the least recently seen are forgotten (memory stays bounded).
MAX_KEYS = 100_000


@dataclass
class Bucket:
    tokens: float
    at: float


class RateLimiter:
    def __init__(
        self,
        per_minute: int,
        burst: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = MAX_KEYS,
    ) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.clock = clock
        self.max_keys = max_keys
        self.buckets: OrderedDict[str, Bucket] = OrderedDict()

    def take(self, key: str) -> int | None:
        """Spend one request of `key`: None if allowed, else the seconds until it would be."""
        now = self.clock()
        bucket = self.buckets.pop(key, None) or Bucket(self.burst, now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.rate)
        bucket.at = now
        self.buckets[key] = bucket
        while len(self.buckets) > self.max_keys:
            self.buckets.popitem(last=False)
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return None
        return max(1, math.ceil((1 - bucket.tokens) / self.rate))
