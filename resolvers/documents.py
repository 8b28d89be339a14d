"""The versioned documents a record holds in a list of DocumentRef (an agreement's `documents`,
a proposal's `attachments`): adding one, and which record holds a stored file."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import BinaryIO

from beanie import PydanticObjectId
from pymongo.asynchronous.client_session import AsyncClientSession

from models import IdempotencyKey
from models.actor import ActorRef
from models.base import Record
from models.document_text import DocumentText
from models.documents import DocumentRef, StoredFile
from models.enums import DocumentType
from models.file_owners import FileHolder
from resolvers import scoped
from resolvers.conflicts import ATTACH_ATTEMPTS, on_fresh_copy
from resolvers.context import Context
from resolvers.idempotency import Once, store_once


@dataclass(frozen=True)
class Holder[R: Record]:
    """How one kind of record takes new documents."""

    # The mutation, which scopes idempotency keys, and the record's key in its request.
    operation: str
    record_key: str
    holder: FileHolder
    # The record, if the viewer may add documents to it.
    writable: Callable[[Context, PydanticObjectId], Awaitable[R]]
    # Checks a new upload against the record; its version number.
    next_version: Callable[[R, PydanticObjectId | None, DocumentType], int]
    document: Callable[[R, PydanticObjectId], DocumentRef]
    add: Callable[[R, DocumentRef, ActorRef, AsyncClientSession | None], Awaitable[R]]


async def upload[R: Record](
    ctx: Context,
    kind: Holder[R],
    record_id: PydanticObjectId,
    doc_type: DocumentType,
    title: str,
    file: BinaryIO,
    filename: str,
    supersedes: PydanticObjectId | None,
    idempotency_key: str | None = None,
) -> tuple[DocumentRef, R]:
    """Store a file and add it to the record. A retry with the same idempotency key stores
    nothing new and answers with the first document."""
    record = await kind.writable(ctx, record_id)
    kind.next_version(record, supersedes, doc_type)
    DocumentRef.check_metadata(doc_type, title, filename, ctx.viewer.actor)
    file.seek(0, 2)
    request = {
        kind.record_key: record_id,
        "type": doc_type,
        "title": title,
        "filename": filename,
        "size": file.tell(),
        "supersedes": supersedes,
    }
    once = Once(ctx, kind.operation, idempotency_key, request)

    async def replay(first: IdempotencyKey) -> tuple[DocumentRef, R]:
        held = await kind.writable(ctx, first.record_id)
        assert first.item_id is not None
        return kind.document(held, first.item_id), held

    first = await once.previous()
    if first is not None:
        return await replay(first)

    async def added(
        current: R, doc: DocumentRef, session: AsyncClientSession | None
    ) -> tuple[DocumentRef, R]:
        return doc, await kind.add(current, doc, ctx.viewer.actor, session)

    def ids(result: tuple[DocumentRef, R]) -> tuple[PydanticObjectId, PydanticObjectId]:
        doc, held = result
        assert held.id is not None
        return held.id, doc.id

    async def attach(stored: StoredFile) -> tuple[tuple[DocumentRef, R], bool]:
        async def add(current: R) -> tuple[tuple[DocumentRef, R], bool]:
            doc = DocumentRef(
                **stored.model_dump(),
                type=doc_type,
                title=title,
                version=kind.next_version(current, supersedes, doc_type),
                supersedes=supersedes,
                uploaded_by=ctx.viewer.actor,
            )
            return await once.run(partial(added, current, doc), ids, replay)

        reload = partial(kind.writable, ctx, record_id)
        return await on_fresh_copy(record, add, reload, ATTACH_ATTEMPTS)

    result, kept = await store_once(ctx, kind.holder, file, filename, attach)
    if kept is not None:
        await DocumentText.enqueue(kept)
    return result


async def find_held[R: Record](
    ctx: Context, model: type[R], field: str, file_id: PydanticObjectId
) -> tuple[R, DocumentRef] | None:
    """The readable record whose list `field` holds this file, with the document, if any."""
    record = await scoped.one(ctx.viewer, model, {f"{field}.file_id": file_id})
    if record is None:
        return None
    docs: list[DocumentRef] = getattr(record, field)
    for doc in docs:
        if doc.file_id == file_id:
            return record, doc
    return None
