"""Emptying a collection between tests: dropped and indexed again, as the app indexed it."""

from typing import Any

from pymongo.asynchronous.collection import AsyncCollection


async def empty(collection: AsyncCollection[Any]) -> None:
    """mongoeco deletes document by document, each in SQLite transactions of its own, so
    emptying a collection of a few hundred took seconds; a drop is one step (docs/engines.md).
    The indexes are created again from the collection's own list, so those the app or the
    driver made (GridFS's, a TTL) are there as before."""
    indexes = [
        {key: value for key, value in spec.items() if key not in ("v", "ns")}
        async for spec in await collection.list_indexes()
        if spec["name"] != "_id_"
    ]
    await collection.drop()
    if indexes:
        await collection.database.command("createIndexes", collection.name, indexes=indexes)
