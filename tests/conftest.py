"""One real database engine and one app for the whole run; a clean database for each test.

The engine is the embedded one (a real MongoDB-wire server in a child process), or the
MongoDB at MONGODB_TEST_URI. The app is driven over HTTP with httpx against its ASGI
interface, lifespan included.
"""

import os
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from beanie import PydanticObjectId

from database import embedded_engine
from demo_data import load_demo_data
from embedded_engine import CAPABILITIES, Engine
from models import User
from models.credentials import hash_password, use_hashing
from models.enums import Role
from observability import CommandLog
from resolvers.ocr import OcrRunner
from resolvers.ocr_availability import detect_availability
from server import create_app
from settings import Settings
from tests.api import ADMIN_EMAIL, ADMIN_PASSWORD, Api
from tests.kept import Kept
from tests.reset import empty

# One database per pytest-xdist worker, so workers sharing MONGODB_TEST_URI never meet.
TEST_DATABASE = f"sikerma_test{os.environ.get('PYTEST_XDIST_WORKER', '')}"
# The embedded engine the suite runs on (`make test` runs it on each); ignored with
# MONGODB_TEST_URI.
ENGINE: Engine = "mongoeco" if os.environ.get("EMBEDDED_ENGINE") == "mongoeco" else "secantus"
# Full-cost password hashing would spend minutes of the suite on its sign-ins; the server
# processes and commands the tests start inherit this too.
os.environ["PASSWORD_HASHING"] = "cheapest"
use_hashing("cheapest")
# Hashed once: every test starts with this administrator signed in. The same id in every
# test, so that the actor recorded in rows copied from an earlier test (tests/kept.py) exists.
ADMIN_HASH = hash_password(ADMIN_PASSWORD)
ADMIN_ID = PydanticObjectId("5f0000000000000000000001")


def pytest_report_header() -> str:
    given = os.environ.get("MONGODB_TEST_URI")
    return "database: MongoDB at MONGODB_TEST_URI" if given else f"database: embedded {ENGINE}"


# The modules that take longest, longest first: they start server processes, a browser or
# OCR, or load the demo data (measured with `--durations`). `make test` hands whole modules to
# its workers in collection order (`--dist loadfile --no-loadscope-reorder`), so these start
# first and the short ones fill in around them; otherwise one of them, left to the end, keeps
# a worker busy while the other idles.
LONGEST_FIRST = [
    "test_server_process.py",
    "test_web.py",
    "test_backup.py",
    "test_live.py",
    "test_monitoring.py",
    "test_ocr.py",
    "test_access_matrix.py",
    "test_demo_data.py",
    "test_workers.py",
    "test_fuzz.py",
    "test_ocds.py",
    "test_identity.py",
    "test_rate_limit.py",
    "test_mail.py",
    "test_proposals.py",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Put the longest modules first; skip, by the capability it declares, a test that needs
    what this engine lacks. A test on an engine of its own (two API processes on one engine,
    which mongoeco's one transaction at a time cannot serve) is the same test whichever engine
    the suite runs on: the mongoeco run leaves it to the SecantusDB run."""
    rank = {name: place for place, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))
    if os.environ.get("MONGODB_TEST_URI"):
        return
    if ENGINE != "secantus":
        elsewhere = [item for item in items if item.get_closest_marker("own_engine")]
        if elsewhere:
            config.hook.pytest_deselected(items=elsewhere)
            items[:] = [item for item in items if item not in elsewhere]
    offered = CAPABILITIES[ENGINE]
    for item in items:
        for mark in item.iter_markers("requires"):
            missing = sorted(set(mark.args) - offered)
            if missing:
                reason = f"the {ENGINE} engine lacks {', '.join(missing)}"
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def command_log() -> CommandLog:
    return CommandLog()


@pytest.fixture(scope="session")
async def database_uri(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    given = os.environ.get("MONGODB_TEST_URI")
    if given:
        yield given
        return
    async with embedded_engine(tmp_path_factory.mktemp("engine"), ENGINE) as uri:
        yield uri


@pytest.fixture(scope="session")
def settings(database_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        mongodb_uri=database_uri,
        database_name=TEST_DATABASE,
        data_dir=Path(tmp_path_factory.mktemp("data")),
        max_upload_mb=1,
        # Every test signs in anonymously from one address; test_rate_limit.py sets its own.
        anonymous_requests_per_minute=0,
        # No background reminder runs: they would add commands to the round-trip counts.
        reminder_interval_seconds=0,
        # Nor scheduled fixity runs; tests start them.
        fixity_interval_hours=0,
        # No OCR worker in the background: test_ocr.py runs one when it wants one.
        ocr_workers=0,
    )


@pytest.fixture(scope="session")
async def app_client(
    settings: Settings, command_log: CommandLog
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, listeners=[command_log])
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            client.app = app  # type: ignore[attr-defined]
            yield client


@pytest.fixture
async def api(app_client: httpx.AsyncClient, command_log: CommandLog) -> Api:
    database = app_client.app.state.database  # type: ignore[attr-defined]
    for name in await database.db.list_collection_names():
        collection = database.db[name]
        # A test writes to a few collections: on mongoeco a look is cheaper than emptying.
        if not name.startswith("system.") and await collection.find_one({}, {"_id": 1}):
            await empty(collection)
    await User(
        id=ADMIN_ID,
        email=ADMIN_EMAIL,
        display_name="Admin Bagian Kerja Sama",
        role=Role.ADMIN,
        password_hash=ADMIN_HASH,
    ).insert()
    anonymous = Api(app_client, database, command_log)
    admin = await anonymous.signed_in(ADMIN_EMAIL, ADMIN_PASSWORD)
    command_log.reset()
    return admin


@pytest.fixture(scope="session")
def kept(tmp_path_factory: pytest.TempPathFactory) -> Kept:
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if run is None:
        return Kept(None)
    # pytest-xdist's workers have their temporary folders in one folder of this run.
    shared = tmp_path_factory.getbasetemp().parent / f"kept-{run}"
    shared.mkdir(exist_ok=True)
    return Kept(shared)


@pytest.fixture
async def demo(api: Api, kept: Kept) -> Api:
    """`api` with the demo data: loaded through its use cases (about 3,000 writes) by the
    first test of the run to ask, copied for the later ones in every worker (tests/kept.py).
    tests/test_demo_data.py checks what it writes."""
    assert await kept.copy_or_build(api, load_demo, across_workers=True) is True
    return api


async def load_demo(api: Api) -> bool:
    return await load_demo_data(api.database)


@pytest.fixture
async def ocr_installed(settings: Settings) -> None:
    found = await detect_availability(settings)
    if found.available:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"OCR must be tested in CI, but it is unavailable: {found.reason}")
    pytest.skip(f"OCR is unavailable here ({found.reason}); see the README to install it")


@pytest.fixture
def runner(api: Api, settings: Settings) -> OcrRunner:
    """The same runner the server starts, driven by hand: `run_until_idle` works the queue."""
    return OcrRunner(api.database, settings)
