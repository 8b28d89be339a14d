"""Writes to several documents that commit together or not at all."""

from collections.abc import Awaitable, Callable

from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession


async def in_transaction[T](
    client: AsyncMongoClient, work: Callable[[AsyncClientSession], Awaitable[T]]
) -> T:
    """Run `work` in one transaction and return what it returns.

    A transient failure (a write conflict with a concurrent transaction, a lost commit
    acknowledgement) runs `work` again from the start, as MongoDB's drivers specify for
    `with_transaction`; so `work` must read what it decides on inside the transaction or
    compare-and-set on a revision. Any other error aborts the transaction and propagates.
    """
    async with client.start_session() as session:
        return await session.with_transaction(work)


async def written_with[T](
    client: AsyncMongoClient,
    write: Callable[[AsyncClientSession], Awaitable[T]],
    then: Callable[[T, AsyncClientSession], Awaitable[None]],
    session: AsyncClientSession | None,
) -> T:
    """`write`, then `then` with what it stored (what is derived from it), in the caller's
    transaction (`session`) or in one of their own: both are stored, or neither."""

    async def both(session: AsyncClientSession) -> T:
        stored = await write(session)
        await then(stored, session)
        return stored

    if session is not None:
        return await both(session)
    return await in_transaction(client, both)
