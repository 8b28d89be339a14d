"""The web app in real Chromium against the real server (embedded engine, demo data): the
story in web/e2e/story.mjs, axe-core on every page, screenshots in test-artifacts/.

Needs Node.js (npm ci installs the rest from the lockfile) and Debian's `chromium`. Without
them the test is skipped with the reason, except in CI (CI=true), where it fails."""

import os
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from database import embedded_engine
from tests.servers import ROOT
from tests.test_live import api_process

# The story's server runs on a SecantusDB engine started here, on either suite's run.
pytestmark = pytest.mark.own_engine

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


@pytest.fixture(scope="module")
async def server(built_app: None, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    async with embedded_engine(Path(tmp_path_factory.mktemp("web-engine"))) as uri:
        with api_process(uri, "--demo") as base:
            yield base


def test_the_browser_story(server: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    story = subprocess.run(
        ["node", "e2e/story.mjs", server, str(ARTIFACTS)],
        cwd=WEB,
        env={**os.environ, "CHROMIUM": CHROMIUM},
        capture_output=True,
        text=True,
        timeout=900,
    )
    print(story.stdout)
    assert story.returncode == 0, story.stdout + story.stderr
    assert len(list((ARTIFACTS / "screenshots").glob("*-phone.png"))) >= 10


def test_pages_and_graphiql_are_served_without_a_cdn(server: str) -> None:
    page = httpx.get(f"{server}/arsip/some-client-route")
    graphiql = httpx.get(f"{server}/graphql", headers={"Accept": "text/html"})
    asset = httpx.get(f"{server}/vendor/graphiql/graphiql/graphiql.min.js")
    missing = httpx.get(f"{server}/assets/no-such-file.js")
    revalidated = httpx.get(
        f"{server}/", headers={"If-Modified-Since": page.headers["last-modified"]}
    )
    health = httpx.get(f"{server}/healthz")
    assert page.status_code == 200
    assert '<div id="app">' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert graphiql.status_code == 200
    assert "unpkg.com" not in graphiql.text
    assert "/vendor/graphiql/graphiql/graphiql.min.js" in graphiql.text
    assert "'sha256-" in graphiql.headers["content-security-policy"]
    assert asset.status_code == 200
    assert missing.status_code == 404
    # A revalidation must not carry a policy that would replace the stored page's own.
    assert revalidated.status_code == 304
    assert "content-security-policy" not in revalidated.headers
    assert health.json()["status"] == "ok"
    assert health.json()["databaseCheckedSecondsAgo"] >= 0
