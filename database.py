"""Where the data lives: MongoDB at MONGODB_URI, or the embedded engine under DATA_DIR.

The embedded engine (`embedded_engine.py`: SecantusDB by default, or mongoeco) runs as a child
process that speaks the MongoDB wire protocol on a loopback port; several API processes and
`cli.py` share it through the URI it publishes. The app talks to either database through the
same `AsyncMongoClient` code path.
"""

import asyncio
import contextlib
import logging
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from beanie import init_beanie
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.monitoring import CommandListener
from pymongo.uri_parser import parse_uri

from embedded_engine import Engine, StartFailure, published_uri
from models import DOCUMENT_MODELS
from models.file_store import FileStore
from settings import Settings

FILES_BUCKET = "files"
ENGINE_SCRIPT = Path(__file__).with_name("embedded_engine.py")
# A crashed engine is started again on the same port (the client reconnects by itself), but
# not endlessly: an engine that keeps dying needs a person.
ENGINE_RESTARTS = 3
log = logging.getLogger("sikerma.database")


class EngineStartError(RuntimeError):
    """The embedded engine could not start; the message names the cause and the fix."""


@dataclass
class Database:
    client: AsyncMongoClient
    db: AsyncDatabase
    files: FileStore


async def _start_child(
    engine: Engine, data_dir: Path, port: int
) -> tuple[asyncio.subprocess.Process, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ENGINE_SCRIPT),
        "--answer-on-stdout",
        "--engine",
        engine,
        "--port",
        str(port),
        str(data_dir),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert process.stdout is not None
    line = (await asyncio.wait_for(process.stdout.readline(), timeout=120)).decode().strip()
    if not line.startswith("mongodb://"):
        await process.wait()
        raise EngineStartError(line or f"embedded engine exited with code {process.returncode}")
    return process, line


async def _stop_child(process: asyncio.subprocess.Process) -> None:
    if process.returncode is not None:
        return
    assert process.stdin is not None
    process.stdin.close()
    try:
        await asyncio.wait_for(process.wait(), timeout=30)
    except TimeoutError:
        process.kill()
        await process.wait()


@asynccontextmanager
async def embedded_engine(data_dir: Path, engine: Engine = "secantus") -> AsyncIterator[str]:
    """Start the embedded engine as a child process and yield its URI; stop it on exit.

    If the engine dies meanwhile (killed, crashed) it is started again on the same port, so
    the clients reconnect; acknowledged writes are in its journal.
    """
    process, uri = await _start_child(engine, data_dir, 0)
    port = parse_uri(uri)["nodelist"][0][1]
    state = {"process": process}

    async def supervise() -> None:
        for _ in range(ENGINE_RESTARTS):
            code = await state["process"].wait()
            log.error("embedded engine exited with code %s; starting it again", code)
            state["process"], _ = await _start_child(engine, data_dir, port)
        code = await state["process"].wait()
        log.critical("embedded engine exited with code %s again; restart the server", code)

    supervisor = asyncio.create_task(supervise())
    try:
        yield uri
    finally:
        supervisor.cancel()
        with contextlib.suppress(asyncio.CancelledError, EngineStartError):
            await supervisor
        await _stop_child(state["process"])


@asynccontextmanager
async def connect(
    settings: Settings, *, listeners: list[CommandListener] | None = None
) -> AsyncIterator[Database]:
    """Open the database the settings name (starting the embedded one if none) and Beanie."""
    async with database_uri(settings) as uri:
        # journal=True: a write is acknowledged once it is in the engine's journal on disk, so
        # nothing acknowledged is lost when the engine is killed (SecantusDB, like MongoDB,
        # otherwise flushes its journal a little later).
        client: AsyncMongoClient = AsyncMongoClient(
            uri,
            tz_aware=True,
            event_listeners=listeners or [],
            serverSelectionTimeoutMS=10_000,
            journal=True,
        )
        try:
            db = client[settings.database_name]
            # Each collection gets exactly the indexes its model declares: one a new version
            # no longer declares (the agreements' list indexes, now on the listing rows) is
            # dropped, since every index costs every write.
            await init_beanie(
                database=db, document_models=DOCUMENT_MODELS, allow_index_dropping=True
            )
            yield Database(client=client, db=db, files=FileStore(db, FILES_BUCKET))
        finally:
            await client.close()


@asynccontextmanager
async def database_uri(settings: Settings) -> AsyncIterator[str]:
    """MONGODB_URI; or the embedded engine's, joining one that already serves DATA_DIR or
    starting it (and stopping it on exit)."""
    if settings.mongodb_uri:
        yield settings.mongodb_uri
        return
    try:
        running = await asyncio.to_thread(
            published_uri, settings.data_dir, settings.embedded_engine
        )
    except StartFailure as failure:
        raise EngineStartError(str(failure)) from failure
    if running is not None:
        yield running
        return
    async with embedded_engine(settings.data_dir, settings.embedded_engine) as uri:
        yield uri
