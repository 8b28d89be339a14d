"""Records found by the words of their texts: the stored search keys and how they stay right.

The keys are computed in `build`, which every creation and every edit of such a record goes
through (`Record.revised` builds the changed record), so no write path can store a new title
with old keys. Reading a record does not recompute them.

A proposal carries its keys (it is written a few times, mostly as its texts change); an
agreement, written many times after its texts are settled, keeps them in a document of its
own (models/agreement_keys.py), made from its texts by the same `text_keys`.
"""

from collections.abc import Sequence
from typing import Any, ClassVar, Self

import pymongo
from pymongo import IndexModel

from models.base import Record
from models.search import search_keys


class Searchable(Record):
    # Every key of the texts below, and those of the title alone (title matches rank first).
    search_keys: list[str] = []
    title_keys: list[str] = []

    # The fields whose words find the record.
    search_fields: ClassVar[tuple[str, ...]] = ("title", "purpose", "scope")
    derived_fields: ClassVar[frozenset[str]] = frozenset({"search_keys", "title_keys"})

    @classmethod
    def build(cls, **fields: Any) -> Self:
        record = super().build(**fields)
        for name, keys in cls.keys_for(record.model_dump(include=set(cls.search_fields))).items():
            setattr(record, name, keys)
        return record

    @classmethod
    def keys_for(cls, fields: dict[str, Any]) -> dict[str, list[str]]:
        """The derived fields for these values of the search fields."""
        return text_keys([fields.get(name) for name in cls.search_fields])


def text_keys(texts: Sequence[Any]) -> dict[str, list[str]]:
    """The keys of a record's texts (the first is its title), and of its title alone."""
    strings = [text if isinstance(text, str) else None for text in texts]
    return {"search_keys": search_keys(*strings), "title_keys": search_keys(strings[0])}


def search_indexes() -> list[IndexModel]:
    """Multikey indexes: one entry per key, so a match on any key is an index lookup."""
    return [
        IndexModel([("search_keys", pymongo.ASCENDING)], name="search_keys"),
        IndexModel([("title_keys", pymongo.ASCENDING)], name="title_keys"),
    ]


async def backfill_search_keys(*models: type[Searchable]) -> int:
    """Give the keys to records stored before they existed; returns how many were updated.

    Runs at startup and does nothing once every record has them. The revision is left as
    it is: the record's content did not change, so nobody's copy becomes stale."""
    updated = 0
    for model in models:
        collection = model.get_pymongo_collection()
        async for raw in collection.find({"search_keys": {"$exists": False}}):
            result = await collection.update_one(
                {"_id": raw["_id"], "search_keys": {"$exists": False}},
                {"$set": model.keys_for(raw)},
            )
            updated += result.modified_count
    return updated
