"""An agreement's search keys, kept in a document of their own.

An agreement is written many times after its texts are settled (chronology events, documents,
status moves), and an engine rewrites every index entry of a document it writes: with its
~440 search keys in the multikey indexes (~310 of all its texts, ~130 of its title), an
agreement write cost 4-5 times what the same write costs without them (README, *Agreement
writes*). So the keys live here,
in one document per agreement with the agreement's `_id`, written in the agreement's own
transaction (`Record.store_derived`) and only when the texts they come from changed: the
document holds a fingerprint of those texts.

A search finds the ids here and names them in its query on the agreements or on their
listing rows, whose rules say which of them the viewer reads. The documents are derived
data: a backup leaves them out, and a restore or start-up writes them again (`rebuild_keys`).
"""

import hashlib
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from beanie import Document, PydanticObjectId
from pymongo import ReplaceOne
from pymongo.asynchronous.client_session import AsyncClientSession

from models.search import keys_filter
from models.searchable import search_indexes, text_keys

if TYPE_CHECKING:
    from models.agreement import Agreement

# The texts whose words find an agreement, the title first (title matches rank first). Its
# number too: people paste the number they have on paper into the search box.
SEARCH_FIELDS = ("title", "purpose", "scope", "number")
REBUILD_BATCH = 200
# The fields agreements stored their keys in before they had a document of their own.
LEGACY_FIELDS = ("search_keys", "title_keys")


class AgreementKeys(Document):
    """The keys of one agreement's texts (models/search.py), and which texts they are of."""

    texts: str
    search_keys: list[str]
    title_keys: list[str]

    class Settings:
        name = "agreement_keys"
        indexes: ClassVar = search_indexes()


def _keys_document(agreement_id: Any, texts: Sequence[Any]) -> dict[str, Any]:
    return {"_id": agreement_id, "texts": _fingerprint(texts), **text_keys(texts)}


def _fingerprint(texts: Sequence[Any]) -> str:
    return hashlib.sha256(json.dumps(list(texts)).encode()).hexdigest()


async def write_keys(agreement: "Agreement", session: AsyncClientSession) -> None:
    """Store the keys of a just-written agreement, unless its texts are those they are of."""
    texts = [getattr(agreement, name) for name in SEARCH_FIELDS]
    collection = AgreementKeys.get_pymongo_collection()
    current = {"_id": agreement.id, "texts": _fingerprint(texts)}
    if await collection.find_one(current, {"_id": 1}, session=session) is not None:
        return
    keys = _keys_document(agreement.id, texts)
    await collection.replace_one({"_id": agreement.id}, keys, upsert=True, session=session)


async def matching_ids(text: str, field: str = "search_keys") -> list[PydanticObjectId]:
    """The ids of the agreements whose texts (or, with `title_keys`, title) have every word
    of `text`."""
    found = AgreementKeys.get_pymongo_collection().find(keys_filter(text, field), {"_id": 1})
    return [PydanticObjectId(row["_id"]) async for row in found]


def named(ids: Sequence[PydanticObjectId]) -> dict[str, Any]:
    """The condition that matches the records with these ids and no other."""
    # No `$in: []`: mongoeco answers it on an indexed field with invalid SQL (docs/engines.md).
    return {"_id": {"$in": list(ids)}} if ids else {"_id": None}


async def title_first(text: str) -> list[dict[str, Any]]:
    """Two conditions that split a search's results: the agreements whose title has every
    word of `text`, then the rest."""
    in_title = await matching_ids(text, "title_keys")
    return [named(in_title), {"_id": {"$nin": in_title}} if in_title else {}]


async def rebuild_keys() -> int:
    """Write every agreement's keys again and remove those of no agreement; returns how many
    agreements were keyed. Also takes the keys off agreements stored before they had a
    document of their own."""
    from models.agreement import Agreement

    agreements = Agreement.get_pymongo_collection()
    keys = AgreementKeys.get_pymongo_collection()
    seen: list[Any] = []
    batch: list[ReplaceOne[dict[str, Any]]] = []
    async for raw in agreements.find({}, dict.fromkeys(SEARCH_FIELDS, 1)).sort("_id", 1):
        seen.append(raw["_id"])
        document = _keys_document(raw["_id"], [raw.get(name) for name in SEARCH_FIELDS])
        batch.append(ReplaceOne({"_id": raw["_id"]}, document, upsert=True))
        if len(batch) == REBUILD_BATCH:
            await keys.bulk_write(batch)
            batch = []
    if batch:
        await keys.bulk_write(batch)
    await keys.delete_many({"_id": {"$nin": seen}} if seen else {})
    legacy = dict.fromkeys(LEGACY_FIELDS, "")
    await agreements.update_many({LEGACY_FIELDS[0]: {"$exists": True}}, {"$unset": legacy})
    return len(seen)


async def key_unkeyed() -> int:
    """At start-up: rebuild the keys if some are missing or left over (a database from before
    they had a document of their own, agreements inserted past the API); returns how many
    agreements were keyed, 0 when nothing was missing. Keys that disagree with their
    agreement cannot happen (they are written in one transaction), so counts decide."""
    from models.agreement import Agreement

    stored = await Agreement.get_pymongo_collection().estimated_document_count()
    keyed = await AgreementKeys.get_pymongo_collection().estimated_document_count()
    return await rebuild_keys() if stored != keyed else 0
