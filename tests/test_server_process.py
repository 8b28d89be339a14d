"""`python server.py` as a user runs it: embedded engine, data kept across restarts."""

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from pymongo import MongoClient
from pymongo.errors import OperationFailure

from tests.conftest import ENGINE
from tests.servers import ROOT, server_process


@contextmanager
def running_server(data_dir: Path, *args: str) -> Iterator[str]:
    with server_process(engine_env(data_dir), *args) as (base, _):
        yield base


def engine_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "MONGODB_URI"}
    env.update(DATA_DIR=str(data_dir), EMBEDDED_ENGINE=ENGINE)
    return env


def cli(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "cli.py", *args],
        cwd=ROOT,
        env={**engine_env(data_dir), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def graphql(base: str, query: str, token: str | None = None) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = httpx.post(f"{base}/graphql", json={"query": query}, headers=headers, timeout=60)
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def sign_in(
    base: str, email: str = "admin@sikerma.example", password: str = "Demo-Admin-Sikerma-2026"
) -> str:
    data = graphql(
        base,
        f'mutation {{ login(input: {{email: "{email}", password: "{password}"}}) '
        "{ accessToken errors { code } } }",
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
            [sys.executable, "embedded_engine.py", "--engine", ENGINE, str(tmp_path)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode == 2
        assert second.stderr.count("\n") == 1
        assert "another engine is using" in second.stderr
        # The command line works beside the running server, through the same engine.
        made = cli(
            tmp_path,
            "create-user",
            "--email",
            "sekretaris@kotabogor.example",
            "--role",
            "EXECUTIVE",
            NEW_USER_PASSWORD="Melati-Putih-Harum-Semerbak-58",
        )
        assert made.returncode == 0, made.stderr
        users = graphql(base, "{ users(first: 20) { nodes { email } } }", token)
        assert "sekretaris@kotabogor.example" in [u["email"] for u in users["users"]["nodes"]]
    assert not (tmp_path / "engine.json").exists()
    with running_server(tmp_path, "--demo") as base:
        token = sign_in(base)
        data = graphql(
            base,
            '{ agreements { totalCount } orgUnits(filter: {text: "baru"}) { nodes { code } } }',
            token,
        )
        assert data["agreements"]["totalCount"] == 30  # not loaded twice
        assert data["orgUnits"]["nodes"] == [{"code": "BARU"}]


@pytest.mark.requires("authentication")
def test_the_engine_admits_only_holders_of_its_credential(tmp_path: Path) -> None:
    with running_server(tmp_path) as base:
        assert httpx.get(f"{base}/healthz").status_code == 200
        for name in ("engine-credential", "engine.json"):
            assert (tmp_path / name).stat().st_mode & 0o777 == 0o600, name
        published = (tmp_path / "engine.json").read_text()
        uri = published.split('"uri": "', 1)[1].split('"', 1)[0]
        host_port = uri.split("@", 1)[1].split("/", 1)[0]
        stranger: MongoClient = MongoClient(
            f"mongodb://{host_port}/", serverSelectionTimeoutMS=5000
        )
        with stranger, pytest.raises(OperationFailure, match="requires authentication"):
            stranger["sikerma"]["users"].find_one({})
        holder: MongoClient = MongoClient(uri, serverSelectionTimeoutMS=5000)
        with holder:
            assert holder["sikerma"]["users"].find_one({}) is None  # an empty installation


def test_start_failures_name_their_cause_and_fix(tmp_path: Path) -> None:
    # A place no one can make a directory in (permissions would not stop root).
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    failed = cli(blocked / "data", "run-reminders")
    assert failed.returncode == 2
    assert failed.stderr.strip().count("\n") == 0, failed.stderr
    assert "cannot write the data directory" in failed.stderr
    assert "set DATA_DIR" in failed.stderr


def test_acknowledged_writes_survive_kill_9_of_the_engine_and_of_the_server(
    tmp_path: Path,
) -> None:
    password = "Melati-Putih-Harum-Semerbak-58"
    made = cli(
        tmp_path,
        "create-user",
        "--email",
        "admin@kotabogor.example",
        "--role",
        "ADMIN",
        NEW_USER_PASSWORD=password,
    )
    assert made.returncode == 0, made.stderr
    acknowledged: list[str] = []

    def create(base: str, token: str, code: str) -> bool:
        try:
            response = httpx.post(
                f"{base}/graphql",
                json={
                    "query": f'mutation {{ createOrgUnit(input: {{code: "{code}", '
                    f'name: "Unit {code}"}}) {{ errors {{ code }} }} }}'
                },
                headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            ).json()  # while the engine restarts too: a coded answer, never plain text
        except httpx.TransportError:
            return False
        assert all(e["extensions"]["code"] for e in response.get("errors", [])), response
        if response.get("data") and response["data"]["createOrgUnit"]["errors"] == []:
            acknowledged.append(code)
            return True
        return False

    with server_process(engine_env(tmp_path)) as (base, server):
        token = sign_in(base, "admin@kotabogor.example", password)
        for n in range(10):
            assert create(base, token, f"A{n}")
        engine_pid = int(json.loads((tmp_path / "engine.json").read_text())["pid"])
        os.kill(engine_pid, signal.SIGKILL)
        # The server starts the engine again on the same port; writes resume.
        deadline = time.monotonic() + 90
        n = 0
        while len(acknowledged) < 20 and time.monotonic() < deadline:
            create(base, token, f"B{n}")
            n += 1
        assert len(acknowledged) >= 20, "writes did not resume after the engine was killed"
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=30)
    with running_server(tmp_path) as base:
        token = sign_in(base, "admin@kotabogor.example", password)
        units = graphql(base, "{ orgUnits(first: 100) { nodes { code } } }", token)
        assert sorted(u["code"] for u in units["orgUnits"]["nodes"]) == sorted(acknowledged)
