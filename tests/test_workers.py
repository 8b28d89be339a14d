"""`python server.py --workers N`: several API processes on one port and one engine."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from tests.servers import ROOT, free_port
from tests.test_server_process import engine_env


def worker_pids(supervisor: int) -> set[int]:
    """The supervisor's children that are API workers (not the engine)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == supervisor and b"--worker-fd" in command:
            found.add(int(entry.name))
    return found


def wait_for(condition: object, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.3)


def healthy(base: str) -> bool:
    try:
        return httpx.get(f"{base}/healthz", timeout=2).status_code == 200
    except httpx.TransportError:
        return False


def test_workers_share_the_port_and_the_engine_and_are_restarted(tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**engine_env(tmp_path / "data"), "PORT": str(port), "HOST": "127.0.0.1"}
    log_path = tmp_path / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "server.py", "--workers", "2"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    try:
        wait_for(lambda: healthy(base) and len(worker_pids(process.pid)) == 2)
        published = json.loads((tmp_path / "data" / "engine.json").read_text())
        # One engine for all: the workers joined the one the supervisor published.
        assert published["pid"] not in worker_pids(process.pid)
        query = {"query": "{ publicStatistics { total } }"}
        with ThreadPoolExecutor(8) as pool:
            answers = list(
                pool.map(lambda _: httpx.post(f"{base}/graphql", json=query, timeout=60), range(24))
            )
        assert {a.status_code for a in answers} == {200}
        lines = [json.loads(x) for x in log_path.read_text().splitlines() if x.startswith("{")]
        served = [x for x in lines if x.get("event") == "request" and x["status"] == 200]
        assert len(served) >= 24
        victim = min(worker_pids(process.pid))
        os.kill(victim, signal.SIGKILL)
        wait_for(lambda: victim not in worker_pids(process.pid))
        assert healthy(base)
        wait_for(lambda: len(worker_pids(process.pid)) == 2)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=90)
    assert process.returncode == 0
    assert not (tmp_path / "data" / "engine.json").exists()
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0
