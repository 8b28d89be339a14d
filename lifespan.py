"""What the app does between start and stop: checks before serving, the background jobs
(file sweep, reminders, fixity, OCR, mail), and their orderly end."""

import asyncio
import contextlib
import gc
import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import timedelta
from functools import partial
from pathlib import Path

from pymongo.monitoring import CommandListener
from starlette.applications import Starlette

from database import Database, connect
from models import Proposal, User
from models.agreement_keys import key_unkeyed
from models.agreement_listing import list_unlisted
from models.searchable import backfill_search_keys
from resolvers import auth, file_holders, fixity, ocr, reminders
from resolvers.database_health import DatabaseHealth
from resolvers.mailer import MailSender
from resolvers.ocr_availability import detect_availability
from resolvers.periodic import run_periodically
from settings import Settings

log = logging.getLogger("sikerma")
# The demo accounts (read without loading the demo data's loader).
DEMO_ACCOUNTS = Path(__file__).parent / "demo" / "users.json"


class UnsafeForProduction(RuntimeError):
    pass


def check_production_settings(settings: Settings, load_demo: bool) -> None:
    """In production the signing key is the operator's, passwords are hashed at full cost,
    and demo data is never loaded."""
    if not settings.production:
        return
    if not settings.jwt_secret:
        raise UnsafeForProduction("ENVIRONMENT=production needs JWT_SECRET")
    if settings.password_hashing == "cheapest":
        raise UnsafeForProduction("PASSWORD_HASHING=cheapest is for tests, never production")
    if load_demo:
        raise UnsafeForProduction("demo data is never loaded with ENVIRONMENT=production")


async def check_no_demo_accounts(settings: Settings) -> None:
    """The demo accounts' passwords are published in the README."""
    if not settings.production:
        return
    accounts = json.loads(DEMO_ACCOUNTS.read_text(encoding="utf-8"))
    emails = [account["email"] for account in accounts]
    if await User.find({"email": {"$in": emails}}).count():
        raise UnsafeForProduction(
            "the database holds the demo accounts; remove them before ENVIRONMENT=production"
        )


async def sweep_files(database: Database, grace: timedelta) -> str:
    """Remove what interrupted uploads left: files no record took, chunks without a file."""
    files = await database.files.sweep_unattached(grace, file_holders.holds_file)
    chunks = await database.files.sweep_orphan_chunks(grace)
    if files or chunks:
        log.warning("removed %d unattached files and %d orphan chunks", files, chunks)
    return f"{files} unattached files and {chunks} orphan chunks removed"


# Allocations between collections of the youngest generation (Python's default: 2,000).
# A request's records are freed as it ends (see Context.release), so a collection mostly
# walks the objects of the requests in flight: under four clients fetching 50-item pages one
# took about 6 ms of CPU at 10,000 and 50 ms at 50,000, with the event loop held meanwhile.
GC_YOUNG_THRESHOLD = 10_000


def settle_garbage_collector() -> None:
    """What startup made (modules, the schema, the models) lives as long as the process.
    Frozen, it is out of the collector's sight: a full collection under load walked it all
    and held the event loop for several hundred ms."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, 10, 10)


def lifespan(
    settings: Settings, listeners: list[CommandListener], load_demo: bool
) -> Callable[[Starlette], AbstractAsyncContextManager[None]]:
    """The app's lifespan: connect, check, sweep, start the background jobs; stop them."""

    @asynccontextmanager
    async def run(app: Starlette) -> AsyncIterator[None]:
        async with connect(settings, listeners=listeners) as database:
            app.state.database = database
            app.state.settings = settings
            app.state.database_health = health = DatabaseHealth(database.db)
            await health.check()
            await check_no_demo_accounts(settings)
            app.state.signing_key = await auth.signing_key(settings)
            grace = timedelta(minutes=settings.orphan_file_grace_minutes)
            await sweep_files(database, grace)
            keyed = await backfill_search_keys(Proposal) + await key_unkeyed()
            if keyed:
                log.info("wrote the search keys of %d records stored without them", keyed)
            listed = await list_unlisted()
            if listed:
                log.warning("rebuilt the listing rows of %d agreements", listed)
            if load_demo:
                from demo_data import load_demo_data

                await load_demo_data(database, only_if_empty=True)
            # Without SMTP settings notifications are stored and shown, but not emailed.
            sender = MailSender(settings) if settings.smtp_host else None
            if sender is not None:
                sender.start()
            # OCR runs in child processes; without Tesseract documents show UNAVAILABLE.
            app.state.ocr = await detect_availability(settings)
            if not app.state.ocr.available:
                log.warning("OCR is unavailable: %s (see the README)", app.state.ocr.reason)
            reader = (
                ocr.OcrRunner(database, settings)
                if app.state.ocr.available and settings.ocr_workers > 0
                else None
            )
            if reader is not None:
                reader.start()
            jobs = [
                health.run(),
                run_periodically(
                    "file sweep",
                    grace.total_seconds(),
                    partial(sweep_files, database, grace),
                    first_delay=grace.total_seconds(),
                ),
            ]
            if settings.reminder_interval_seconds > 0:
                jobs.append(
                    run_periodically(
                        "reminders",
                        settings.reminder_interval_seconds,
                        partial(reminders.run_reminders, settings),
                        first_delay=reminders.FIRST_RUN_DELAY_SECONDS,
                    )
                )
            if settings.fixity_interval_hours > 0:
                # A run cut short is kept as FAILED and its lease freed for the next one.
                jobs.append(fixity.run_periodically(database, settings))
            tasks = [asyncio.create_task(job) for job in jobs]
            settle_garbage_collector()
            try:
                yield
            finally:
                for task in tasks:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
                if sender is not None:
                    await sender.stop()
                if reader is not None:
                    await reader.stop()

    return run
