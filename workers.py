"""Several API processes on one port, sharing one database engine.

`python server.py --workers N` binds the port once and starts N worker processes
(`server.py --worker-fd FD`), each serving on that socket (the kernel hands each new
connection to one of them). The API keeps no state of its own, so any worker answers any
request. The engine is started (or joined) by this supervisor; each worker joins it through
the URI it publishes in DATA_DIR, as `cli.py` does. A worker that dies is started again;
SIGINT or SIGTERM stops the workers gracefully, then the engine.
"""

import asyncio
import contextlib
import logging
import signal
import socket
import sys
from pathlib import Path

from settings import Settings

log = logging.getLogger("sikerma.workers")
SERVER_SCRIPT = Path(__file__).with_name("server.py")
RESTART_DELAY_SECONDS = 1.0
STOP_TIMEOUT_SECONDS = 30.0


def unwind_on_sigterm() -> None:
    """Make SIGTERM end this process by unwinding (SystemExit), so that the engine it started
    is stopped before it exits. uvicorn, having stopped serving on SIGTERM, raises the signal
    again with the handler it found; the default one would end the process at once, and its
    engine would notice, and stop, only after the process had gone."""
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))


def bind(settings: Settings) -> socket.socket:
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((settings.host, settings.port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


async def run_worker(number: int, fd: int, stopping: asyncio.Event) -> None:
    """Keep worker `number` running until the supervisor stops."""
    while not stopping.is_set():
        process = await asyncio.create_subprocess_exec(
            sys.executable, str(SERVER_SCRIPT), "--worker-fd", str(fd), pass_fds=(fd,)
        )
        waiting = asyncio.create_task(process.wait())
        stop = asyncio.create_task(stopping.wait())
        await asyncio.wait({waiting, stop}, return_when=asyncio.FIRST_COMPLETED)
        if stopping.is_set():
            stop.cancel()
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
                try:
                    await asyncio.wait_for(waiting, STOP_TIMEOUT_SECONDS)
                except TimeoutError:
                    process.kill()
                    await waiting
            return
        stop.cancel()
        log.error("worker %d exited with code %s; starting it again", number, process.returncode)
        await asyncio.sleep(RESTART_DELAY_SECONDS)


async def serve_workers(settings: Settings, count: int) -> None:
    """Serve on HOST:PORT with `count` worker processes until SIGINT or SIGTERM."""
    sock = bind(settings)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopping.set)
    log.info("serving on %s:%d with %d workers", settings.host, settings.port, count)
    try:
        await asyncio.gather(*(run_worker(n, sock.fileno(), stopping) for n in range(count)))
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(ValueError):
                loop.remove_signal_handler(signum)
        sock.close()
