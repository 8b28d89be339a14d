"""Automatic Persisted Queries: GraphQL documents stored under their SHA-256 hash.

The database holds every registered document, so all API processes share them; each process
keeps the most recently used ones in memory. A hash names one text forever, so a cached entry
can never be stale.
"""

import contextlib
import hashlib
from collections import OrderedDict
from dataclasses import dataclass

from pymongo.errors import DuplicateKeyError

from models import PersistedQuery
from resolvers.viewer import Viewer

ANONYMOUS = "anonymous"


def digest(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


@dataclass(frozen=True)
class Stored:
    query: str
    registered_by: str

    @property
    def by_signed_in_client(self) -> bool:
        return self.registered_by != ANONYMOUS


class PersistedQueryStore:
    def __init__(self, cache_size: int) -> None:
        self.cache_size = cache_size
        self.cache: OrderedDict[str, Stored] = OrderedDict()

    def _remember(self, key: str, stored: Stored) -> Stored:
        self.cache[key] = stored
        self.cache.move_to_end(key)
        while len(self.cache) > self.cache_size:
            self.cache.popitem(last=False)
        return stored

    async def get(self, key: str) -> Stored | None:
        if key in self.cache:
            self.cache.move_to_end(key)
            return self.cache[key]
        found = await PersistedQuery.get(key)
        if found is None:
            return None
        return self._remember(key, Stored(found.query, found.registered_by))

    async def register(self, key: str, query: str, viewer: Viewer) -> Stored:
        """Store `query` under `key` (its digest, checked by the caller). A document first sent
        anonymously counts as a signed-in client's once one sends it."""
        by = viewer.id if viewer.signed_in and viewer.id else ANONYMOUS
        known = await self.get(key)
        if known is not None and (known.by_signed_in_client or by == ANONYMOUS):
            return known
        if known is None:
            # Another process may store it at the same moment: the text is the same (its hash).
            with contextlib.suppress(DuplicateKeyError):
                await PersistedQuery(id=key, query=query, registered_by=by).insert()
        if by != ANONYMOUS:
            await PersistedQuery.get_pymongo_collection().update_one(
                {"_id": key, "registered_by": ANONYMOUS}, {"$set": {"registered_by": by}}
            )
        stored = await PersistedQuery.get(key)
        assert stored is not None
        return self._remember(key, Stored(stored.query, stored.registered_by))
