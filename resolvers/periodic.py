"""Background jobs that every API process runs on a timer (reminders, the file sweep).

Each job is safe to run in several processes at once; a failed run is logged and the next
one comes as planned, so a job never takes the server down.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger("sikerma.periodic")


async def run_periodically(
    name: str, interval: float, run: Callable[[], Awaitable[object]], first_delay: float
) -> None:
    """Call `run` every `interval` seconds (the first time after `first_delay`) until
    cancelled."""
    delay = min(first_delay, interval)
    while True:
        await asyncio.sleep(delay)
        delay = interval
        try:
            outcome = await run()
        except Exception:
            log.exception("the %s run failed; the next one is in %.0f s", name, interval)
        else:
            log.info("%s: %s", name, outcome)
