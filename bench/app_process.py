"""The real server (`python server.py`) as a child process on a free loopback port.

A separate process keeps the server's event loop and memory apart from the benchmark's own
client work, so latencies and RSS are the server's alone. Its first ADMIN is made the way an
operator makes one (`cli.py create-user`), and clients sign in through the `login` mutation.
"""

import asyncio
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench import procmem

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATABASE_NAME = "sikerma_bench"
ADMIN_EMAIL = "bench-admin@sikerma.example"
STARTUP_TIMEOUT = 90.0
STOP_TIMEOUT = 30.0
LOGIN = """mutation($input: LoginInput!) {
  login(input: $input) { accessToken errors { code message } }
}"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ServerProcess:
    process: asyncio.subprocess.Process
    base_url: str
    log_path: Path
    admin_password: str

    @property
    def pid(self) -> int:
        return self.process.pid

    def engine_pid(self) -> int | None:
        """The embedded engine the server started (its only child), if it started one."""
        found = procmem.children(self.pid)
        return found[0] if len(found) == 1 else None

    def last_error(self) -> str:
        """The last exception line the server logged (`SomeError: message`), if any."""
        for line in reversed(self.log_tail(200).splitlines()):
            name = line.split(":", 1)[0]
            if name.endswith(("Error", "Exception")) and " " not in name.strip():
                return line.strip()
        return ""

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return ""

    @asynccontextmanager
    async def admin_client(
        self, request_timeout: float | None = 120
    ) -> AsyncIterator[httpx.AsyncClient]:
        """An HTTP client signed in as the bench's ADMIN (a Bearer access token)."""
        async with httpx.AsyncClient(base_url=self.base_url, timeout=request_timeout) as client:
            variables = {"input": {"email": ADMIN_EMAIL, "password": self.admin_password}}
            response = await client.post("/graphql", json={"query": LOGIN, "variables": variables})
            body = response.json()
            payload = (body.get("data") or {}).get("login") or {}
            if not payload.get("accessToken"):
                raise RuntimeError(f"login failed: {body}")
            client.headers["Authorization"] = f"Bearer {payload['accessToken']}"
            yield client


def _environment(data_dir: Path, mongodb_uri: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATA_DIR": str(data_dir),
        "DATABASE_NAME": DATABASE_NAME,
        # Empty means the embedded engine; an inherited URI must not send the bench elsewhere.
        "MONGODB_URI": mongodb_uri,
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


async def create_admin(env: dict[str, str], log_path: Path) -> None:
    """`cli.py create-user`: with no MONGODB_URI it opens the engine itself, so it runs
    before the server (one engine per data directory)."""
    with log_path.open("ab") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "cli.py",
            "create-user",
            "--email",
            ADMIN_EMAIL,
            "--role",
            "ADMIN",
            "--display-name",
            "Bench",
            cwd=PROJECT_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        if await process.wait() != 0:
            raise RuntimeError(f"cli.py create-user failed; see {log_path}")


@asynccontextmanager
async def run_server(
    data_dir: Path,
    log_path: Path,
    *,
    mongodb_uri: str = "",
    max_upload_mb: int = 50,
    ocr_workers: int = 0,
    workers: int = 1,
    admin_password: str | None = None,
) -> AsyncIterator[ServerProcess]:
    """Make an ADMIN (unless the database has the bench's, with `admin_password`), start
    the server with `workers` processes, wait until /healthz answers; stop it (and its
    engine) on exit. OCR workers only where a part measures them: elsewhere they would
    read the seeded files in the background of other measurements."""
    password = admin_password or secrets.token_urlsafe(18)
    if admin_password is None:
        env = _environment(data_dir, mongodb_uri, NEW_USER_PASSWORD=password)
        await create_admin(env, log_path)
    port = free_port()
    env = _environment(
        data_dir,
        mongodb_uri,
        HOST="127.0.0.1",
        PORT=str(port),
        MAX_UPLOAD_MB=str(max_upload_mb),
        OCR_WORKERS=str(ocr_workers),
        # A large upload on the embedded engine takes many minutes; the token must outlive it.
        ACCESS_TOKEN_MINUTES="600",
    )
    with log_path.open("ab") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "server.py",
            "--workers",
            str(workers),
            cwd=PROJECT_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = ServerProcess(process, f"http://127.0.0.1:{port}", log_path, password)
    engine_pid: int | None = None
    try:
        await _wait_healthy(server)
        engine_pid = server.engine_pid()
        yield server
    except Exception:
        # The client only sees a status or a dropped connection; the cause is in this log.
        print(f"--- {log_path.name} (last lines) ---\n{server.log_tail()}", file=sys.stderr)
        raise
    finally:
        await _stop(process)
        # The engine exits when the server closes its stdin; make sure it did.
        if engine_pid is not None and procmem.rss_mib(engine_pid) is not None:
            await asyncio.sleep(2)
            if procmem.rss_mib(engine_pid) is not None:
                os.kill(engine_pid, signal.SIGKILL)


async def _wait_healthy(server: ServerProcess) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    async with httpx.AsyncClient(base_url=server.base_url, timeout=5) as client:
        while time.monotonic() < deadline:
            if server.process.returncode is not None:
                raise RuntimeError(f"the server exited at startup:\n{server.log_tail()}")
            try:
                if (await client.get("/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError(f"the server did not become healthy:\n{server.log_tail()}")


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is not None:
        return
    # SIGINT lets uvicorn run the lifespan shutdown, which stops the embedded engine cleanly.
    process.send_signal(signal.SIGINT)
    try:
        await asyncio.wait_for(process.wait(), STOP_TIMEOUT)
    except TimeoutError:
        process.kill()
        await process.wait()
