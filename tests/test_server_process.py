"""`python server.py` as a user runs it: embedded engine, data kept across restarts."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_server(data_dir: Path, *args: str) -> Iterator[str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "MONGODB_URI"}
    env.update(DATA_DIR=str(data_dir), PORT=str(port), HOST="127.0.0.1")
    process = subprocess.Popen(
        [sys.executable, "server.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "server did not come up"
            time.sleep(0.3)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


def graphql(base: str, query: str, token: str | None = None) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = httpx.post(f"{base}/graphql", json={"query": query}, headers=headers, timeout=60)
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def sign_in(base: str) -> str:
    data = graphql(
        base,
        'mutation { login(input: {email: "admin@sikerma.example", '
        'password: "Demo-Admin-Sikerma-2026"}) { accessToken errors { code } } }',
    )
    assert data["login"]["errors"] == []
    return str(data["login"]["accessToken"])


def test_demo_start_data_survives_a_restart_and_the_data_dir_has_one_owner(
    tmp_path: Path,
) -> None:
    with running_server(tmp_path, "--demo") as base:
        token = sign_in(base)
        counted = graphql(base, "{ agreements { totalCount } }", token)
        assert counted["agreements"]["totalCount"] == 30
        created = graphql(
            base,
            'mutation { createOrgUnit(input: {code: "BARU", name: "Dinas Baru"}) '
            "{ errors { code } } }",
            token,
        )
        assert created["createOrgUnit"]["errors"] == []
        second = subprocess.run(
            [sys.executable, "database.py", str(tmp_path)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode == 1
        assert "another engine owns" in second.stderr
    assert (tmp_path / "sikerma.sqlite").exists()
    with running_server(tmp_path, "--demo") as base:
        token = sign_in(base)
        data = graphql(
            base,
            '{ agreements { totalCount } orgUnits(filter: {text: "baru"}) { nodes { code } } }',
            token,
        )
        assert data["agreements"]["totalCount"] == 30  # not loaded twice
        assert data["orgUnits"]["nodes"] == [{"code": "BARU"}]
