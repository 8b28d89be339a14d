"""The embedded database engine, run as a child process of the API (or of `cli.py`).

`python embedded_engine.py --engine secantus DATA_DIR` starts the engine on a loopback port
with its files under DATA_DIR, prints the URI to use on stdout, and runs until its stdin
closes (the parent stopped or died). Nothing of the engines is imported into the API process:
an engine is CPU-heavy Python that must not stall the API's event loop.

- **secantus** (default): SecantusDB, the MongoDB wire protocol on WiredTiger, with SCRAM
  authentication on. The first start makes a random root credential, kept in
  DATA_DIR/engine-credential (mode 0600); a local process without that file is refused.
- **mongoeco**: mongoeco on SQLite, which has no authentication at all.

While it runs, the engine publishes how to reach it in DATA_DIR/engine.json (0600, removed on
exit), so that `cli.py` and further API processes share it instead of starting their own; it
holds an exclusive lock on DATA_DIR/engine.lock so that no second engine opens the same files.

A failure to start is one line on stderr naming the cause and the fix, and exit code 2.
"""

import argparse
import asyncio
import contextlib
import fcntl
import json
import os
import secrets
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Literal
from urllib.parse import quote

Engine = Literal["secantus", "mongoeco"]
ENGINES: tuple[Engine, ...] = ("secantus", "mongoeco")
LOCK_FILE = "engine.lock"
PUBLISHED_FILE = "engine.json"
CREDENTIAL_FILE = "engine-credential"
SECANTUS_HOME = "secantus"
MONGOECO_FILE = "sikerma.sqlite"
ROOT_USER = "sikerma"
# What each engine offers of what the suite tests (MongoDB offers all): a test that needs one
# declares it with `@pytest.mark.requires(...)` and is skipped, and listed, where it is absent.
CAPABILITIES: dict[Engine, frozenset[str]] = {
    "secantus": frozenset({"concurrent_transactions", "change_streams", "authentication"}),
    # One transaction at a time; no change streams; no authentication.
    "mongoeco": frozenset(),
}


class StartFailure(Exception):
    """Why the engine cannot start, phrased for the operator: the cause and the fix."""


def write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read, without a window where it is readable."""
    descriptor = os.open(path.with_suffix(".tmp"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(text)
    os.replace(path.with_suffix(".tmp"), path)


@contextlib.contextmanager
def exclusive_lock(data_dir: Path) -> Iterator[IO[str]]:
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        lock = (data_dir / LOCK_FILE).open("a")
    except OSError as error:
        raise StartFailure(
            f"cannot write the data directory {data_dir} ({error.strerror}); "
            "set DATA_DIR to a directory this user may write"
        ) from error
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as error:
        lock.close()
        raise StartFailure(
            f"another engine is using {data_dir}; stop that server, or set DATA_DIR to "
            "another directory"
        ) from error
    try:
        yield lock
    finally:
        lock.close()


def secantus_password(data_dir: Path, home: Path) -> tuple[str, bool]:
    """The root password, and whether the engine is new (so the user must be created)."""
    credential = data_dir / CREDENTIAL_FILE
    if credential.exists():
        if credential.stat().st_mode & 0o077:
            raise StartFailure(
                f"{credential} may be read by other users; run `chmod 600 {credential}`"
            )
        password = credential.read_text().strip()
        if not password:
            raise StartFailure(f"{credential} is empty; restore it from a backup of {data_dir}")
        return password, False
    if home.exists() and any(home.iterdir()):
        raise StartFailure(
            f"{credential} is missing but {home} holds data; restore the file from a backup "
            f"of {data_dir}, or run `python embedded_engine.py --new-credential {data_dir}` "
            "with the server stopped"
        )
    password = secrets.token_urlsafe(32)
    write_private(credential, password)
    return password, True


def provision_root(server: object, password: str) -> None:
    """Create (or replace) the root user directly in the engine's store before it listens:
    an authenticated engine has no unauthenticated moment to create it over the wire."""
    from secantus.auth import SCRAM_SHA_256, derive_credentials

    record = {
        "_id": f"admin.{ROOT_USER}",
        "user": ROOT_USER,
        "db": "admin",
        "credentials": derive_credentials(
            password, mechanism=SCRAM_SHA_256, username=ROOT_USER
        ).to_doc(),
        "roles": [{"role": "root", "db": "admin"}],
        "mechanisms": [SCRAM_SHA_256],
    }
    server.storage.add_user("admin", ROOT_USER, record, replace=True)  # type: ignore[attr-defined]


def check_credential(uri: str, credential: Path) -> None:
    from pymongo import MongoClient
    from pymongo.errors import OperationFailure

    client: MongoClient = MongoClient(uri, serverSelectionTimeoutMS=10_000)
    with client:
        try:
            client.admin.command("ping")
        except OperationFailure as error:
            raise StartFailure(
                f"the credential in {credential} is not the engine's; restore the file from "
                "a backup, or run `python embedded_engine.py --new-credential DATA_DIR` with "
                "the server stopped"
            ) from error


async def serve_secantus(data_dir: Path, port: int, new_credential: bool) -> None:
    from secantus import SecantusDBServer

    home = data_dir / SECANTUS_HOME
    if new_credential:
        password, create = secrets.token_urlsafe(32), True
        write_private(data_dir / CREDENTIAL_FILE, password)
    else:
        password, create = secantus_password(data_dir, home)
    server = SecantusDBServer(
        host="127.0.0.1",
        port=port,
        storage_path=str(home),
        require_auth=True,
        enable_test_commands=False,
    )
    # Storage work and the final stop() stay on this thread: the engine persists its state at
    # close through the closing thread's WiredTiger session, which another thread lacks.
    try:
        if create:
            provision_root(server, password)
        if new_credential:
            print(f"a new credential is in {data_dir / CREDENTIAL_FILE}", file=sys.stderr)
            return
        if server.storage.get_user("admin", ROOT_USER) is None:
            raise StartFailure(
                f"the engine in {home} has no {ROOT_USER} user; run `python embedded_engine.py "
                f"--new-credential {data_dir}` with the server stopped"
            )
        server.start()
        host, bound = server.address
        uri = f"mongodb://{ROOT_USER}:{quote(password, safe='')}@{host}:{bound}/?authSource=admin"
        await asyncio.to_thread(check_credential, uri, data_dir / CREDENTIAL_FILE)
        await publish_and_wait(data_dir, "secantus", uri)
    finally:
        server.stop()


async def serve_mongoeco(data_dir: Path, port: int) -> None:
    from mongoeco.engines.sqlite import SQLiteEngine
    from mongoeco.wire.proxy import AsyncMongoEcoProxyServer

    proxy = AsyncMongoEcoProxyServer(
        engine=SQLiteEngine(str(data_dir / MONGOECO_FILE)), host="127.0.0.1", port=port
    )
    address = await proxy.start()
    try:
        await publish_and_wait(data_dir, "mongoeco", address.uri)
    finally:
        await proxy.close()


async def publish_and_wait(data_dir: Path, engine: Engine, uri: str) -> None:
    published = data_dir / PUBLISHED_FILE
    write_private(published, json.dumps({"engine": engine, "uri": uri, "pid": os.getpid()}))
    print(uri, flush=True)
    try:
        # The parent holds our stdin; when it closes (or the parent dies) we stop.
        await asyncio.to_thread(sys.stdin.buffer.read)
    finally:
        published.unlink(missing_ok=True)


def published_uri(data_dir: Path, engine: Engine, wait: float = 60.0) -> str | None:
    """The URI of an engine already serving DATA_DIR, or None when none is running.

    An engine that holds the lock but has not published (it is starting, or stopping after
    its server went away) is waited for, up to `wait` seconds.
    """
    lock_path = data_dir / LOCK_FILE
    deadline = time.monotonic() + wait
    while True:
        if not lock_path.exists() or not _locked(lock_path):
            return None
        try:
            published = json.loads((data_dir / PUBLISHED_FILE).read_text())
            break
        except FileNotFoundError:
            if time.monotonic() > deadline:
                raise StartFailure(
                    f"an engine holds {data_dir} but has not said how to reach it; stop the "
                    "process that holds it (see `fuser` on engine.lock) and start again"
                ) from None
            time.sleep(0.2)
        except (OSError, ValueError) as error:
            raise StartFailure(
                f"an engine holds {data_dir} but {data_dir / PUBLISHED_FILE} cannot be read "
                f"({error}); run this as the user that runs the server"
            ) from error
    if published.get("engine") != engine:
        raise StartFailure(
            f"the engine serving {data_dir} is {published.get('engine')}, not {engine}; "
            "set EMBEDDED_ENGINE to match it"
        )
    return str(published["uri"])


def _locked(lock_path: Path) -> bool:
    with lock_path.open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
    return False


def run(engine: Engine, data_dir: Path, port: int, new_credential: bool, answer: IO[str]) -> int:
    """Serve until stdin closes; a failure to start is one line on `answer`."""
    try:
        with exclusive_lock(data_dir):
            if engine == "secantus":
                asyncio.run(serve_secantus(data_dir, port, new_credential))
            else:
                asyncio.run(serve_mongoeco(data_dir, port))
    except StartFailure as failure:
        print(f"embedded engine: {failure}", file=answer, flush=True)
        return 2
    except ModuleNotFoundError as error:
        print(
            f"embedded engine: {engine} is not installed ({error.name}); run `make install`, "
            "or set MONGODB_URI to a MongoDB",
            file=answer,
            flush=True,
        )
        return 2
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--engine", choices=ENGINES, default="secantus")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument(
        "--new-credential",
        action="store_true",
        help="replace the engine's root credential (SecantusDB; with the server stopped)",
    )
    # The process that starts the engine reads its first line of stdout: the URI, or why it
    # could not start. Its stderr is the parent's own, never a pipe that nobody drains.
    parser.add_argument("--answer-on-stdout", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    answer = sys.stdout if args.answer_on_stdout else sys.stderr
    sys.exit(run(args.engine, args.data_dir, args.port, args.new_credential, answer))


if __name__ == "__main__":
    main()
