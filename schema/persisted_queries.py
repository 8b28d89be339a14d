"""Automatic Persisted Queries (Apollo's protocol), for mobile and dashboard clients that send
a hash instead of the query text.

A request carries `extensions.persistedQuery = {version: 1, sha256Hash}` (POST body, or the
`extensions` parameter of a GET). With the hash alone, the stored document runs, or the
answer is `PersistedQueryNotFound` (code PERSISTED_QUERY_NOT_FOUND) and the client sends the
hash with the query once: the hash is checked, the document stored, and it runs. With
PERSISTED_QUERIES_ONLY_FOR_ANONYMOUS, a client without credentials may only run documents a
signed-in client has registered.
"""

import re
from collections.abc import AsyncIterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from resolvers.persisted_queries import PersistedQueryStore, digest
from resolvers.viewer import Viewer

SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")


def refused(message: str, code: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


class PersistedQueries(SchemaExtension):
    def __init__(self, *, store: PersistedQueryStore, only_for_anonymous: bool) -> None:
        self.store = store
        self.only_for_anonymous = only_for_anonymous

    async def on_operation(self) -> AsyncIterator[None]:
        context = self.execution_context
        viewer: Viewer = context.context.viewer
        restricted = self.only_for_anonymous and not viewer.signed_in
        persisted = (context.operation_extensions or {}).get("persistedQuery")
        if persisted is None:
            if restricted and context.query:
                raise refused(
                    "this server runs only persisted queries for clients without credentials",
                    "PERSISTED_QUERY_REQUIRED",
                )
            yield
            return
        key = self._hash(persisted)
        if context.query:
            if digest(context.query) != key:
                raise refused(
                    "provided sha256Hash does not match the query", "PERSISTED_QUERY_HASH_MISMATCH"
                )
            if not restricted:
                await self.store.register(key, context.query, viewer)
                yield
                return
        stored = await self.store.get(key)
        if stored is None or (restricted and not stored.by_signed_in_client):
            raise refused("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")
        context.query = stored.query
        yield

    @staticmethod
    def _hash(persisted: Any) -> str:
        if not isinstance(persisted, dict) or persisted.get("version") != 1:
            raise refused("PersistedQueryNotSupported", "PERSISTED_QUERY_NOT_SUPPORTED")
        key = persisted.get("sha256Hash")
        if not isinstance(key, str) or not SHA256.match(key):
            raise refused("sha256Hash must be 64 hexadecimal digits", "BAD_USER_INPUT")
        return key.lower()
