"""Data a fixture builds through the API once per worker, and copies for later tests.

Many tests start from the same small world (departments, partners, agreements, accounts)
made through the API, request by request. The first test of a pytest-xdist worker to ask
for it builds it; every later one gets a copy of the rows that build wrote, one bulk insert
per collection, and a copy of what the build returned. The rows are the ones the use cases
wrote (the test that ran the build checked what it needed), so a copy is the same data
without the requests. A build whose value is plain data (the demo data's) can also be shared
by the workers of a run (`copy_or_build(..., across_workers=True)`): the first to ask builds
it, and the others read its rows from a file instead of building it again.

A build may only add documents: what it changes or deletes of what was there before is not
recorded. The administrator every test starts with keeps one id (tests/conftest.py), so the
actors recorded in a copy exist. Dates in a copy are those of the day it was built.
"""

import asyncio
import copy
import fcntl
import pickle
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from tests.api import Api

type Rows = dict[str, list[dict[str, Any]]]
type Build[T] = Callable[[Api], Awaitable[T]]


class Kept:
    """Per worker: for each build, the rows it wrote, the `Api` name counters after it, and
    what it returned. `shared` is a folder every worker of this run sees, or None."""

    def __init__(self, shared: Path | None) -> None:
        self._built: dict[Callable[..., Any], tuple[Rows, dict[str, int], Any, Api | None]] = {}
        self._shared = shared

    async def build[T](self, api: Api, build: Build[T]) -> T:
        """Run `build` against this test's database and keep what it wrote."""
        before = {
            name: set(await api.database.db[name].distinct("_id"))
            for name in await _collections(api)
        }
        value = await build(api)
        rows: Rows = {}
        for name in await _collections(api):
            known = list(before.get(name, ()))
            found = await api.database.db[name].find({"_id": {"$nin": known}}).to_list()
            if found:
                rows[name] = found
        self._built[build] = (rows, dict(api.counter), value, api)
        return value

    async def copy_or_build[T](
        self, api: Api, build: Build[T], *, across_workers: bool = False
    ) -> T:
        """A copy of what `build` made in this worker before (or, `across_workers`, in any
        worker of this run), or `build` run now."""
        if across_workers and self._shared is not None:
            built_here = await self._share(api, build)
            if built_here:
                return self._built[build][2]  # type: ignore[no-any-return]
        if build not in self._built:
            return await self.build(api, build)
        rows, counter, value, builder = self._built[build]
        for name, documents in rows.items():
            copied = await api.database.db[name].insert_many(documents)
            assert len(copied.inserted_ids) == len(documents), name
        # The names `Api` makes go on from where the build left them. In the value, the
        # build's own `Api` becomes this test's (its session is not among the rows), and the
        # clients signed in during the build (theirs are) share this test's client and counters.
        api.counter.update(counter)
        if builder is None:  # read from another worker's file: plain data
            return copy.deepcopy(value)
        shared = {
            id(builder): api,
            id(builder.client): api.client,
            id(builder.database): api.database,
            id(builder.commands): api.commands,
            id(builder.counter): api.counter,
        }
        return copy.deepcopy(value, shared)

    async def _share(self, api: Api, build: Build[Any]) -> bool:
        """Under the run's lock for `build`: read its file if another worker wrote one, or
        write it from this worker's build (run now if there is none). Whether `build` ran
        now, in this test's database."""
        assert self._shared is not None
        path = self._shared / f"{build.__module__}.{build.__qualname__}.pickle"
        with (self._shared / f"{path.name}.lock").open("a") as lock:
            # The other workers wait here while one builds: they would take as long to build.
            await asyncio.to_thread(fcntl.flock, lock, fcntl.LOCK_EX)
            try:
                if build not in self._built and path.exists():
                    rows, counter, value = pickle.loads(path.read_bytes())
                    self._built[build] = (rows, counter, value, None)
                    return False
                built_here = build not in self._built
                if built_here:
                    await self.build(api, build)
                if not path.exists():
                    rows, counter, value, _ = self._built[build]
                    path.write_bytes(pickle.dumps((rows, counter, value)))
                return built_here
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


def kept_fixture[T](build: Build[T]) -> Any:
    """A fixture named after `build` that gives each test what `build` makes, built once per
    worker (see the module's docstring)."""

    async def fixture(api: Api, kept: Kept) -> T:
        return await kept.copy_or_build(api, build)

    fixture.__name__ = build.__name__
    fixture.__doc__ = build.__doc__
    return pytest.fixture(fixture)


async def _collections(api: Api) -> list[str]:
    names = await api.database.db.list_collection_names()
    return [name for name in names if not name.startswith("system.")]
