"""Where the data lives: MongoDB at MONGODB_URI, or the embedded engine under DATA_DIR.

The embedded engine (mongoeco on SQLite) runs as one child process that speaks the MongoDB
wire protocol on a loopback port. It is CPU-heavy Python; in its own process it cannot stall
the API's event loop, and several API workers can share it through the same URI. The app
talks to either database through the same `AsyncMongoClient` code path.

Run as a script (`python database.py DATA_DIR`) it is that child: it takes an exclusive lock
on the data directory, prints its URI on stdout, and exits when its parent closes stdin.
"""

import asyncio
import fcntl
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

from models import DOCUMENT_MODELS
from models.file_store import FileStore
from settings import Settings

ENGINE_FILE = "sikerma.sqlite"
LOCK_FILE = "engine.lock"
FILES_BUCKET = "files"


class EngineStartError(RuntimeError):
    pass


@dataclass
class Database:
    client: AsyncMongoClient
    db: AsyncDatabase
    files: FileStore


def _engine_command(data_dir: Path) -> list[str]:
    data_dir.mkdir(parents=True, exist_ok=True)
    return [sys.executable, str(Path(__file__).resolve()), str(data_dir.resolve())]


@asynccontextmanager
async def embedded_engine(data_dir: Path) -> AsyncIterator[str]:
    """Start the embedded engine as a child process; yield its URI; stop it on exit."""
    process = await asyncio.create_subprocess_exec(
        *_engine_command(data_dir), stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert process.stdout is not None
    assert process.stdin is not None
    try:
        line = await asyncio.wait_for(process.stdout.readline(), timeout=60)
        uri = line.decode().strip()
        if not uri.startswith("mongodb://"):
            raise EngineStartError(
                f"embedded engine did not start (exit code {await process.wait()}); "
                f"is another server using {data_dir}?"
            )
        yield uri
    finally:
        if process.returncode is None:
            process.stdin.close()
            try:
                await asyncio.wait_for(process.wait(), timeout=15)
            except TimeoutError:
                process.kill()
                await process.wait()


@asynccontextmanager
async def connect(
    settings: Settings, *, listeners: list[CommandListener] | None = None
) -> AsyncIterator[Database]:
    """Open the database the settings name (starting the embedded one if none) and Beanie."""
    async with _uri(settings) as uri:
        client: AsyncMongoClient = AsyncMongoClient(
            uri, tz_aware=True, event_listeners=listeners or [], serverSelectionTimeoutMS=10_000
        )
        try:
            db = client[settings.database_name]
            await init_beanie(database=db, document_models=DOCUMENT_MODELS)
            yield Database(client=client, db=db, files=FileStore(db, FILES_BUCKET))
        finally:
            await client.close()


@asynccontextmanager
async def _uri(settings: Settings) -> AsyncIterator[str]:
    if settings.mongodb_uri:
        yield settings.mongodb_uri
        return
    async with embedded_engine(settings.data_dir) as uri:
        yield uri


async def _serve_engine(data_dir: Path) -> None:
    from mongoeco.engines.sqlite import SQLiteEngine
    from mongoeco.wire.proxy import AsyncMongoEcoProxyServer

    proxy = AsyncMongoEcoProxyServer(engine=SQLiteEngine(str(data_dir / ENGINE_FILE)))
    address = await proxy.start()
    print(address.uri, flush=True)
    try:
        # The parent holds our stdin; when it closes (or the parent dies) we stop.
        await asyncio.to_thread(sys.stdin.buffer.read)
    finally:
        await proxy.close()


def _run_child(data_dir: Path) -> int:
    data_dir.mkdir(parents=True, exist_ok=True)
    lock = (data_dir / LOCK_FILE).open("w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print(f"another engine owns {data_dir}", file=sys.stderr)
        return 1
    asyncio.run(_serve_engine(data_dir))
    return 0


if __name__ == "__main__":
    sys.exit(_run_child(Path(sys.argv[1])))
