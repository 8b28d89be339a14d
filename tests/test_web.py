"""The web app in real Chromium against the real server (embedded engine, demo data): the
story in web/e2e/story.mjs, axe-core on every page, screenshots in test-artifacts/.

Needs Node.js (npm ci installs the rest from the lockfile) and Debian's `chromium`. Without
them the test is skipped with the reason, except in CI (CI=true), where it fails."""

import os
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.test_server_process import ROOT, running_server

WEB = ROOT / "web"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def missing_tools() -> str | None:
    if shutil.which("node") is None or shutil.which("npm") is None:
        return "Node.js and npm are not installed"
    if not Path(CHROMIUM).exists():
        return f"Chromium is not installed at {CHROMIUM} (Debian package `chromium`)"
    return None


@pytest.fixture(scope="module")
def built_app() -> None:
    reason = missing_tools()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the browser tests need their tools in CI: {reason}")
        pytest.skip(reason)
    subprocess.run(["make", "web"], cwd=ROOT, check=True)


def test_the_browser_story(built_app: None, tmp_path: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    with running_server(tmp_path / "data", "--demo") as base:
        story = subprocess.run(
            ["node", "e2e/story.mjs", base, str(ARTIFACTS)],
            cwd=WEB,
            env={**os.environ, "CHROMIUM": CHROMIUM},
            capture_output=True,
            text=True,
            timeout=900,
        )
    print(story.stdout)
    assert story.returncode == 0, story.stdout + story.stderr
    assert len(list((ARTIFACTS / "screenshots").glob("*-phone.png"))) >= 10


def test_pages_and_graphiql_are_served_without_a_cdn(built_app: None, tmp_path: Path) -> None:
    with running_server(tmp_path / "data") as base:
        page = httpx.get(f"{base}/arsip/some-client-route")
        graphiql = httpx.get(f"{base}/graphql", headers={"Accept": "text/html"})
        asset = httpx.get(f"{base}/vendor/graphiql/graphiql/graphiql.min.js")
        missing = httpx.get(f"{base}/assets/no-such-file.js")
        health = httpx.get(f"{base}/healthz")
    assert page.status_code == 200
    assert '<div id="app">' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert graphiql.status_code == 200
    assert "unpkg.com" not in graphiql.text
    assert "/vendor/graphiql/graphiql/graphiql.min.js" in graphiql.text
    assert "'sha256-" in graphiql.headers["content-security-policy"]
    assert asset.status_code == 200
    assert missing.status_code == 404
    assert health.json() == {"status": "ok"}
