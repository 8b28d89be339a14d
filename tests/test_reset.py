"""The emptying between tests (tests/reset.py) leaves every collection as the app indexed it."""

from typing import Any

from tests.api import Api
from tests.reset import empty


async def indexes(api: Api) -> dict[str, list[dict[str, Any]]]:
    found = {}
    for name in await api.database.db.list_collection_names():
        listed = await api.database.db[name].list_indexes()
        specs = [{k: v for k, v in spec.items() if k not in ("v", "ns")} async for spec in listed]
        found[name] = sorted(specs, key=lambda spec: str(spec["name"]))
    return found


async def test_an_emptied_collection_keeps_its_indexes_and_their_options(api: Api) -> None:
    agreement = await api.agreement()
    await api.uploaded(agreement["id"])
    before = await indexes(api)
    # Unique, TTL and GridFS's own indexes are among them.
    assert any(spec.get("unique") for spec in before["agreements"])
    assert any("expireAfterSeconds" in spec for spec in before["idempotency_keys"])
    assert [spec["key"] for spec in before["files.chunks"]] == [
        {"_id": 1},
        {"files_id": 1, "n": 1},
    ]
    for name in ("agreements", "files.chunks", "files.files"):
        assert await api.count(name) > 0
        await empty(api.database.db[name])
        assert await api.count(name) == 0
    after = await indexes(api)
    assert after == before
